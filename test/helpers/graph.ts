/**
 * Independent views of what a set of records should become, and of what the graph holds, for
 * integration tests. The expectations are computed from the input with plain JSON handling, not
 * through the ingest code under test.
 */
import type { Driver } from 'neo4j-driver';

export interface ExpectedGraph {
  events: Set<string>;
  placeholders: Set<string>;
  parentEdges: number;
  targetEdges: number;
}

type Rec = { routing?: Record<string, unknown>; event?: Record<string, unknown> };

const CARRIERS = new Set(['THREAD_INJECTION', 'SENSITIVE_PROCESS_ACCESS']);

/** Body keys that describe the process routing.parent / routing.target names (LimaCharlie's documentation and samples). */
export const SNAPSHOT_KEYS: Record<string, { parent?: string; target?: string }> = {
  NEW_PROCESS: { parent: 'PARENT' },
  EXISTING_PROCESS: { parent: 'PARENT' },
  NETWORK_SUMMARY: { parent: 'PROCESS' },
  NEW_REMOTE_THREAD: { parent: 'SOURCE', target: 'TARGET' },
  REMOTE_PROCESS_HANDLE: { parent: 'SOURCE', target: 'TARGET' },
};

export interface Report {
  /** The reporting event's key. */
  from: string;
  rec: Rec;
  /** The snapshot it carries of the referenced process, when it says anything. */
  snapshot: Record<string, unknown> | null;
}

const said = (v: unknown) => (typeof v === 'string' && v.length > 0) || typeof v === 'number';

/** The snapshot `rec` carries of `atom` (its routing.parent or routing.target), if it says anything. */
function snapshotIn(rec: Rec, role: 'parent' | 'target'): Record<string, unknown> | null {
  const key = SNAPSHOT_KEYS[rec.routing?.['event_type'] as string]?.[role];
  const s = key ? rec.event?.[key] : undefined;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return null;
  const o = s as Record<string, unknown>;
  return ['FILE_PATH', 'COMMAND_LINE', 'PROCESS_ID', 'USER_NAME', 'HASH', 'PARENT_ATOM'].some((k) => said(o[k])) ? o : null;
}

/**
 * The rule the graph follows for an event that never arrives: of the events that name it, the one
 * with a snapshot wins over one without, then the smallest key.
 */
export function winningReport(reports: readonly Report[]): Report | undefined {
  return [...reports].sort((a, b) => (a.snapshot === null) === (b.snapshot === null) ? (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) : a.snapshot === null ? 1 : -1)[0];
}

/** The grandparent a winning snapshot links to: PARENT_ATOM, unless THIS_ATOM names another process or it is itself. */
export function snapshotParent(atom: string, snapshot: Record<string, unknown> | null): string | null {
  if (!snapshot) return null;
  const thisAtom = snapshot['THIS_ATOM'];
  const parent = snapshot['PARENT_ATOM'];
  if (thisAtom !== undefined && thisAtom !== null && thisAtom !== atom) return null;
  return typeof parent === 'string' && parent.length > 0 && parent !== atom ? parent : null;
}

/** Event keys (atom, else event_id) with their parent/target references, inner events included. */
export function expectedGraph(records: readonly Rec[]): ExpectedGraph & { reports: Map<string, Report[]>; snapshotParents: Map<string, string> } {
  const events = new Set<string>();
  const parents = new Map<string, string>();
  const targets = new Map<string, string>();
  const reports = new Map<string, Report[]>();
  const report = (atom: string, r: Report) => reports.set(atom, [...(reports.get(atom) ?? []), r]);
  const visit = (rec: Rec) => {
    const r = rec.routing ?? {};
    const key = (r['this'] as string | undefined) || `event:${r['event_id'] as string}`;
    if (!events.has(key)) {
      events.add(key);
      if (r['parent']) {
        parents.set(key, r['parent'] as string);
        report(r['parent'] as string, { from: key, rec, snapshot: snapshotIn(rec, 'parent') });
      }
      if (r['target']) {
        targets.set(key, r['target'] as string);
        report(r['target'] as string, { from: key, rec, snapshot: snapshotIn(rec, 'target') });
      }
    }
    const inner = rec.event?.['EVENTS'];
    if (CARRIERS.has(r['event_type'] as string) && Array.isArray(inner)) inner.forEach((c) => visit(c as Rec));
  };
  records.forEach(visit);
  const placeholders = new Set<string>();
  for (const ref of [...parents.values(), ...targets.values()]) if (!events.has(ref)) placeholders.add(ref);
  // A missing process whose winning snapshot names its parent links to it (a placeholder too, if missing).
  const snapshotParents = new Map<string, string>();
  for (const atom of [...placeholders]) {
    const parent = snapshotParent(atom, winningReport(reports.get(atom) ?? [])?.snapshot ?? null);
    if (!parent) continue;
    snapshotParents.set(atom, parent);
    if (!events.has(parent)) placeholders.add(parent);
  }
  return { events, placeholders, parentEdges: parents.size + snapshotParents.size, targetEdges: targets.size, reports, snapshotParents };
}

export interface GraphCounts {
  events: number;
  placeholders: number;
  parentEdges: number;
  targetEdges: number;
  nodes: number;
  relationships: number;
  properties: number;
}

/** Counts of everything belonging to one org: events, placeholders, sensors, indicators and their edges. */
export async function graphCounts(driver: Driver, oid: string): Promise<GraphCounts> {
  const session = driver.session();
  try {
    const result = await session.run(
      `MATCH (n {oid: $oid})
       WITH collect(n) AS nodes
       CALL (nodes) {
         UNWIND nodes AS n
         OPTIONAL MATCH (n)-[r]->()
         RETURN count(r) AS relationships, sum(CASE type(r) WHEN 'PARENT' THEN 1 ELSE 0 END) AS parentEdges,
                sum(CASE type(r) WHEN 'TARGET' THEN 1 ELSE 0 END) AS targetEdges,
                sum(size(keys(r))) AS relProps
       }
       RETURN size(nodes) AS nodes,
              size([n IN nodes WHERE n:Event AND n.placeholder = false]) AS events,
              size([n IN nodes WHERE n:Event AND n.placeholder = true]) AS placeholders,
              reduce(s = 0, n IN nodes | s + size(keys(n))) + relProps AS properties,
              relationships, parentEdges, targetEdges`,
      { oid },
    );
    const rec = result.records[0];
    const num = (k: string) => Number(rec?.get(k) ?? 0);
    return {
      events: num('events'),
      placeholders: num('placeholders'),
      parentEdges: num('parentEdges'),
      targetEdges: num('targetEdges'),
      nodes: num('nodes'),
      relationships: num('relationships'),
      properties: num('properties'),
    };
  } finally {
    await session.close();
  }
}

/**
 * The whole of one org's subgraph as sorted text lines, with the org and org-derived keys taken
 * out, so two orgs loaded from the same events in different orders can be compared for equality.
 */
export async function graphDump(driver: Driver, oid: string): Promise<string[]> {
  const session = driver.session();
  const ident = (n: { labels: string[]; properties: Record<string, unknown> }) =>
    n.labels.includes('Indicator') ? `I:${String(n.properties['kind'])}:${String(n.properties['value'])}` : String(n.properties['uid']).replace(`${oid}/`, '');
  try {
    const nodes = await session.run('MATCH (n {oid: $oid}) RETURN n', { oid });
    const lines = nodes.records.map((r) => {
      const n = r.get('n') as { labels: string[]; properties: Record<string, unknown> };
      const props = Object.entries(n.properties)
        .filter(([k]) => k !== 'oid' && k !== 'uid' && !(n.labels.includes('Sensor') && k === 'factsFrom'))
        .map(([k, v]) => [k, typeof v === 'string' ? v.replaceAll(oid, '<org>') : v])
        .sort(([a], [b]) => String(a).localeCompare(String(b)));
      return `N ${ident(n)} ${[...n.labels].sort().join(':')} ${JSON.stringify(props, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
    });
    const edges = await session.run('MATCH (a {oid: $oid})-[r]->(b) RETURN a, type(r) AS t, properties(r) AS p, b', { oid });
    for (const r of edges.records) {
      const p = JSON.stringify(Object.entries(r.get('p') as object).sort(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      lines.push(`E ${ident(r.get('a'))} -${r.get('t') as string}-> ${ident(r.get('b'))} ${p}`);
    }
    return lines.sort();
  } finally {
    await session.close();
  }
}

/** Records with their org replaced (inner events too), so one fixture can be loaded into many orgs. */
export function withOrg<T extends Rec>(records: readonly T[], oid: string): T[] {
  const swap = (rec: Rec): Rec => {
    const inner = rec.event?.['EVENTS'];
    return {
      ...rec,
      routing: { ...(rec.routing ?? {}), oid },
      ...(rec.event ? { event: Array.isArray(inner) ? { ...rec.event, EVENTS: inner.map((c) => swap(c as Rec)) } : rec.event } : {}),
    };
  };
  return records.map((r) => swap(r) as T);
}
