/**
 * An EventFilter as an in-memory test on a freshly stored row, for the live feed: the same
 * semantics as the Cypher the queries run (src/graph/reader/event-filter.ts), read from the row's
 * node properties. Strings are lower-cased once per subscription, not once per event.
 * One difference: targetFilePath matches the event's own TARGET snapshot only, since following
 * its TARGET edge would cost a query per event.
 */
import { LIST_OPS, type EventFilter, type ListOp, type MatchOp, type StringMatch } from '../graph/reader/event-filter';
import type { EventRow } from '../graph/writer/rows';

export type RowTest = (row: EventRow) => boolean;

/** Which node properties a string filter reads; `ip` also reads the `ip` list. Kept in step with event-filter.ts. */
const STRING_FIELDS = {
  filePath: ['filePath'],
  commandLine: ['commandLine'],
  domain: ['domain'],
  hash: ['hash', 'hashMd5', 'hashSha1'],
  ip: ['srcIp', 'dstIp', 'ip'],
  user: ['userName'],
  parentFilePath: ['parentFilePath'],
  parentCommandLine: ['parentCommandLine'],
  targetFilePath: ['targetFilePath'],
} as const;

const OPS: Record<MatchOp, (value: string, wanted: string) => boolean> = {
  equals: (v, w) => v === w,
  startsWith: (v, w) => v.startsWith(w),
  endsWith: (v, w) => v.endsWith(w),
  contains: (v, w) => v.includes(w),
};

/**
 * A StringMatch as a test on one (already lower-cased, unless case-sensitive) string: every op given
 * must hold, a list form (`in`, `endsWithAny`...) for any of its values.
 */
function stringTest(m: StringMatch): { sensitive: boolean; test: (value: string) => boolean } | null {
  const sensitive = m.caseSensitive === true;
  const checks: ((value: string) => boolean)[] = [];
  for (const op of Object.keys(OPS) as MatchOp[]) {
    const wanted = m[op];
    if (wanted === undefined || wanted === null) continue;
    const w = sensitive ? wanted : wanted.toLowerCase();
    checks.push((v) => OPS[op](v, w));
  }
  for (const op of Object.keys(LIST_OPS) as ListOp[]) {
    const wanted = m[op];
    if (wanted === undefined || wanted === null) continue;
    const ws = wanted.map((w) => (sensitive ? w : w.toLowerCase()));
    const test = OPS[LIST_OPS[op]];
    if (op === 'in') {
      const set = new Set(ws);
      checks.push((v) => set.has(v));
    } else checks.push((v) => ws.some((w) => test(v, w)));
  }
  if (checks.length === 0) return null;
  return { sensitive, test: (v) => checks.every((c) => c(v)) };
}

/** The string values a property holds (a list property, like `ip`, holds several). */
function valuesOf(props: Record<string, unknown>, name: string): string[] {
  const v = props[name];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/**
 * Lower-cased values per row, computed once however many subscribers look: a command line can be
 * kilobytes, and a batch is matched against every subscriber of its org.
 */
const lowered = new WeakMap<EventRow, Map<string, string[]>>();
function loweredValuesOf(row: EventRow, name: string): string[] {
  let byName = lowered.get(row);
  if (!byName) {
    byName = new Map();
    lowered.set(row, byName);
  }
  let values = byName.get(name);
  if (!values) {
    values = valuesOf(row.props, name).map((v) => v.toLowerCase());
    byName.set(name, values);
  }
  return values;
}

/**
 * The test for one subscriber. `orgs` is the caller's scope (null: every org), applied first and
 * always, exactly as every Cypher read applies it.
 */
export function compileRowTest(filter: EventFilter | null, orgs: readonly string[] | null): RowTest {
  const tests: RowTest[] = [];
  const prop = (row: EventRow, name: string) => row.props[name];
  if (orgs) {
    const scope = new Set(orgs);
    tests.push((r) => scope.has(prop(r, 'oid') as string));
  }
  const f = filter ?? {};
  const inSet = (values: readonly string[] | null | undefined, name: string, lower = false) => {
    if (!values?.length) return;
    const set = new Set(lower ? values.map((v) => v.toLowerCase()) : values);
    tests.push((r) => {
      const v = prop(r, name);
      return typeof v === 'string' && set.has(lower ? v.toLowerCase() : v);
    });
  };
  inSet(f.orgIds, 'oid');
  inSet(f.sensorIds, 'sid');
  if (f.hostnames?.length) {
    // By hostname in any case or by short name, as the queries match (event-filter.ts).
    const names = new Set(f.hostnames.map((h) => h.toLowerCase()));
    tests.push((r) => {
      const v = prop(r, 'hostname');
      if (typeof v !== 'string') return false;
      const h = v.toLowerCase();
      return names.has(h) || names.has(h.split('.')[0]!);
    });
  }
  inSet(f.eventTypes, 'type');
  const from = f.from ?? null;
  const to = f.to ?? null;
  if (from !== null) tests.push((r) => (prop(r, 'time') as bigint) >= from);
  if (to !== null) tests.push((r) => (prop(r, 'time') as bigint) < to);
  for (const [name, props] of Object.entries(STRING_FIELDS) as [keyof typeof STRING_FIELDS, readonly string[]][]) {
    const m = f[name];
    const compiled = m ? stringTest(m) : null;
    if (!compiled) continue;
    const { sensitive, test } = compiled;
    // Any of the properties (or list elements) may match.
    tests.push((r) => props.some((p) => (sensitive ? valuesOf(r.props, p) : loweredValuesOf(r, p)).some(test)));
  }
  // A plain loop: this runs for every (subscriber, row) pair of a batch.
  return (row) => {
    for (const test of tests) if (!test(row)) return false;
    return true;
  };
}

/** The orgs a subscriber can ever see (scope intersected with orgIds), or null for any org: the feed indexes by this. */
export function orgsOf(filter: EventFilter | null, orgs: readonly string[] | null): string[] | null {
  const wanted = filter?.orgIds?.length ? filter.orgIds : null;
  if (!orgs) return wanted ? [...wanted] : null;
  if (!wanted) return [...orgs];
  const scope = new Set(orgs);
  return wanted.filter((o) => scope.has(o));
}
