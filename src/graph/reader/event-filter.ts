/**
 * EventFilter -> Cypher WHERE text and parameters. Pure, so its output is unit-tested as text.
 * Only these fixed fragments ever enter the query; every value is a $parameter. Case-insensitive
 * matching compares lower-cased values, as analysts expect for paths, domains and users.
 */
import { live, orgIn } from './scope';

export type MatchOp = 'equals' | 'startsWith' | 'endsWith' | 'contains';
/** The "any of" forms: `in` is equals-any-of, the others the operator of their name against any value. */
export type ListOp = 'in' | 'startsWithAny' | 'endsWithAny' | 'containsAny';

export interface StringMatch {
  equals?: string | null;
  startsWith?: string | null;
  endsWith?: string | null;
  contains?: string | null;
  in?: readonly string[] | null;
  startsWithAny?: readonly string[] | null;
  endsWithAny?: readonly string[] | null;
  containsAny?: readonly string[] | null;
  caseSensitive?: boolean | null;
}

/** Each list form's single-value operator. */
export const LIST_OPS: Record<ListOp, MatchOp> = { in: 'equals', startsWithAny: 'startsWith', endsWithAny: 'endsWith', containsAny: 'contains' };

export interface EventFilter {
  orgIds?: readonly string[] | null;
  sensorIds?: readonly string[] | null;
  hostnames?: readonly string[] | null;
  eventTypes?: readonly string[] | null;
  /** Epoch ms, inclusive. */
  from?: bigint | null;
  /** Epoch ms, exclusive. */
  to?: bigint | null;
  filePath?: StringMatch | null;
  commandLine?: StringMatch | null;
  domain?: StringMatch | null;
  hash?: StringMatch | null;
  ip?: StringMatch | null;
  user?: StringMatch | null;
  parentFilePath?: StringMatch | null;
  parentCommandLine?: StringMatch | null;
  /** The target's path: the event's TARGET snapshot, or the path of the process its TARGET edge points at. */
  targetFilePath?: StringMatch | null;
}

export interface Compiled {
  where: string;
  params: Record<string, unknown>;
  /**
   * Runs before the MATCH: resolves `hostnames` to sensor ids (`hostSids`), one row. Empty when the
   * filter names no hosts. A statement using it must import `scope` into its CALL subqueries.
   */
  prelude: string;
  /** `hostSids` when the prelude defines it, else empty: what `CALL (...)` subqueries import. */
  scope: string;
  /** `hostNames` (the hostnames the prelude found) when it defines it, else `null`: for a RETURN. */
  hostNames: string;
  /**
   * An index hint for the MATCH, when the filter names hosts or sensors: (sid, type, time) when it
   * names event types too, else (sid, time). The planner cannot size a list resolved at run time
   * and would otherwise walk a whole event type instead of one host.
   */
  hint: string;
}

const OPS: Record<MatchOp, string> = { equals: '=', startsWith: 'STARTS WITH', endsWith: 'ENDS WITH', contains: 'CONTAINS' };

/** Which event properties a string filter reads (lists are matched element-wise). */
const STRING_FIELDS = {
  filePath: ['filePath'],
  commandLine: ['commandLine'],
  domain: ['domain'],
  hash: ['hash', 'hashMd5', 'hashSha1'],
  ip: ['srcIp', 'dstIp'],
  user: ['userName'],
  parentFilePath: ['parentFilePath'],
  parentCommandLine: ['parentCommandLine'],
} as const;

/**
 * A host is named by its LimaCharlie hostname, in any case, or by its short name (the part before
 * the first dot): `WORKSTATION6` names `workstation6.theshire.local`. `names` are lower-cased.
 */
export function hostnameMatch(expr: string, names: string): string {
  return `(toLower(${expr}) IN ${names} OR split(toLower(${expr}), '.')[0] IN ${names})`;
}

/** The same rule in code: does the (stored) hostname answer to the (requested) name? */
export function hostnameAnswersTo(hostname: string, name: string): boolean {
  const h = hostname.toLowerCase();
  const n = name.toLowerCase();
  return h === n || h.split('.')[0] === n;
}

/** Requested names no found hostname answers to. */
export function unmatchedHostnames(requested: readonly string[], found: readonly string[]): string[] {
  return [...new Set(requested)].filter((name) => !found.some((h) => hostnameAnswersTo(h, name)));
}

export function compileEventFilter(filter: EventFilter | null | undefined, alias = 'e', orgs: readonly string[] | null = null): Compiled {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  let n = 0;
  const param = (value: unknown) => {
    const name = `f${n++}`;
    params[name] = value;
    return `$${name}`;
  };
  let prelude = '';
  if (orgs) clauses.push(orgIn(alias, param(orgs)));
  // Every stored event has a time (placeholders have none): saying so lets the composite
  // (sid, time) and (type, time) indexes serve sensor and type filters.
  clauses.push(`${alias}.placeholder = false`, `${alias}.time IS NOT NULL`, live(alias));
  const f = filter ?? {};
  if (f.orgIds?.length) clauses.push(`${alias}.oid IN ${param(f.orgIds)}`);
  if (f.sensorIds?.length) clauses.push(`${alias}.sid IN ${param(f.sensorIds)}`);
  if (f.hostnames?.length) {
    // An event's hostname is not indexable case-insensitively, its sensor is: find the hosts by
    // name among the sensors (a few thousand at most), then their events through (sid, time), and
    // keep the events that carry the name too. The prelude also returns the names it found
    // (`hostNames`), so a name that matched no host is reported, not answered with a silent zero.
    const names = param(f.hostnames.map((h) => h.toLowerCase()));
    const sensorOrgs = [orgs ? orgIn('s', param(orgs)) : null, f.orgIds?.length ? `s.oid IN ${param(f.orgIds)}` : null].filter((c) => c !== null);
    prelude = `CALL () { MATCH (s:Sensor) WHERE ${hostnameMatch('s.hostname', names)}${sensorOrgs.map((c) => ` AND ${c}`).join('')} RETURN collect(DISTINCT s.sid) AS hostSids, collect(DISTINCT toLower(s.hostname)) AS hostNames }`;
    clauses.push(`${alias}.sid IN hostSids`, hostnameMatch(`${alias}.hostname`, names));
  }
  if (f.eventTypes?.length) clauses.push(`${alias}.type IN ${param(f.eventTypes)}`);
  if (f.from !== undefined && f.from !== null) clauses.push(`${alias}.time >= ${param(f.from)}`);
  if (f.to !== undefined && f.to !== null) clauses.push(`${alias}.time < ${param(f.to)}`);

  // Every operator given must hold; a list form holds when its operator holds for any of its values.
  const matchOn = (expr: string, m: StringMatch): string[] => {
    const out: string[] = [];
    const sensitive = m.caseSensitive === true;
    const subject = sensitive ? expr : `toLower(${expr})`;
    for (const op of Object.keys(OPS) as MatchOp[]) {
      const value = m[op];
      if (value === undefined || value === null) continue;
      out.push(`${subject} ${OPS[op]} ${param(sensitive ? value : value.toLowerCase())}`);
    }
    for (const op of Object.keys(LIST_OPS) as ListOp[]) {
      const values = m[op];
      if (values === undefined || values === null) continue;
      const p = param(sensitive ? [...values] : values.map((v) => v.toLowerCase()));
      out.push(op === 'in' ? `${subject} IN ${p}` : `any(v IN ${p} WHERE ${subject} ${OPS[LIST_OPS[op]]} v)`);
    }
    return out;
  };
  for (const [name, props] of Object.entries(STRING_FIELDS) as [keyof typeof STRING_FIELDS, readonly string[]][]) {
    const m = f[name];
    if (!m) continue;
    // Any of the properties may match; each op given must hold on that property.
    const alternatives = props.map((p) => matchOn(`${alias}.${p}`, m).join(' AND ')).filter((c) => c.length > 0);
    if (name === 'ip') {
      const listMatch = matchOn('x', m).join(' AND ');
      if (listMatch) alternatives.push(`any(x IN coalesce(${alias}.ip, []) WHERE ${listMatch})`);
    }
    if (alternatives.length > 0) clauses.push(`(${alternatives.join(' OR ')})`);
  }
  if (f.targetFilePath) {
    const own = matchOn(`${alias}.targetFilePath`, f.targetFilePath).join(' AND ');
    const viaEdge = matchOn('t.filePath', f.targetFilePath).join(' AND ');
    if (own) clauses.push(`(${own} OR EXISTS { MATCH (${alias})-[:TARGET]->(t:Event) WHERE ${live('t')} AND ${viaEdge} })`);
  }
  const bySensor = Boolean(f.sensorIds?.length || f.hostnames?.length);
  return {
    where: clauses.join('\n  AND '),
    params,
    prelude,
    scope: prelude ? 'hostSids' : '',
    hostNames: prelude ? 'hostNames' : 'null',
    hint: bySensor ? `USING INDEX ${alias}:Event(${f.eventTypes?.length ? 'sid, type, time' : 'sid, time'})` : '',
  };
}
