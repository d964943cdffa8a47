/**
 * Reading detections: search (newest first, keyset paged), by id, per triggering event (batched
 * for DataLoader) and counts for dashboards. The caller's orgs are a parameter of every query.
 * A search is driven by the most selective index its filter allows (the choice below, from fixed
 * fragments with values as parameters), so each is an index seek, never a scan of detections.
 */
import type { Node } from 'neo4j-driver';
import type { GraphExecutor, NamedQuery } from '../executor';
import { decodeCursor, encodeCursor } from './cursor';
import { toEventNode, type EventNode, type OrgScope } from './events';
import { toBigInt, toStr } from './values';
import { chosenOrg, live, orgIn, orgScope } from './scope';
import { DETECTION_ROLLUPS_MARKER, rollupsReady } from '../writer/rollup-state';

export interface DetectionNode {
  uid: string;
  oid: string;
  detectId: string;
  cat: string;
  rule: string | null;
  source: string | null;
  namespace: string | null;
  priority: bigint | null;
  level: string | null;
  author: string | null;
  description: string | null;
  link: string | null;
  tags: string[];
  references: string[];
  ruleTags: string[];
  time: bigint | null;
  eventTime: bigint | null;
  sid: string | null;
  hostname: string | null;
  eventAtom: string | null;
  eventType: string | null;
  raw: string | null;
  /** The triggering event, when the statement that read the detection also read it (undefined: not read). */
  event?: EventNode | null;
}

export interface DetectionFilter {
  orgIds?: readonly string[] | null;
  sensorIds?: readonly string[] | null;
  hostnames?: readonly string[] | null;
  rule?: string | null;
  category?: string | null;
  /** Lower-case, as stored (see normalizeTag). */
  tag?: string | null;
  minPriority?: bigint | null;
  from?: bigint | null;
  to?: bigint | null;
}

export type DetectionOrder = 'TIME_DESC' | 'TIME_ASC';
export type DetectionCountGroup = 'RULE' | 'TAG' | 'HOSTNAME' | 'PRIORITY' | 'HOUR' | 'DAY';

export interface DetectionEdge {
  cursor: string;
  node: DetectionNode;
}

export interface DetectionPage {
  totalCount: number;
  edges: DetectionEdge[];
  hasNextPage: boolean;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function toDetectionNode(node: Node | { properties: Record<string, unknown> }): DetectionNode {
  const p = node.properties as Record<string, unknown>;
  return {
    uid: String(p['uid']),
    oid: String(p['oid']),
    detectId: String(p['detectId']),
    cat: String(p['cat'] ?? ''),
    rule: toStr(p['rule']),
    source: toStr(p['source']),
    namespace: toStr(p['namespace']),
    priority: toBigInt(p['priority']),
    level: toStr(p['level']),
    author: toStr(p['author']),
    description: toStr(p['description']),
    link: toStr(p['link']),
    tags: strings(p['tags']),
    references: strings(p['references']),
    ruleTags: strings(p['ruleTags']),
    time: toBigInt(p['time']),
    eventTime: toBigInt(p['eventTime']),
    sid: toStr(p['sid']),
    hostname: toStr(p['hostname']),
    eventAtom: toStr(p['eventAtom']),
    eventType: toStr(p['eventType']),
    raw: toStr(p['raw']),
  };
}

/** The pattern and index a search starts from, and what the rest of its WHERE says. */
interface Compiled {
  match: string;
  where: string[];
  params: Record<string, unknown>;
}

/**
 * The driving index, most selective first: technique/tag (TAGGED edges), rule, category, hosts,
 * sensors, priority band, the orgs in scope, or time alone (a key with every org, no filter).
 * Every other condition is a filter on the rows that seek finds.
 */
export function compileDetectionFilter(filter: DetectionFilter | null, orgs: OrgScope): Compiled | null {
  const f = filter ?? {};
  let scope: readonly string[] | null = orgs;
  if (f.orgIds?.length) scope = scope ? f.orgIds.filter((o) => scope!.includes(o)) : f.orgIds;
  if (scope && scope.length === 0) return null; // nothing the caller may see
  const params: Record<string, unknown> = { orgs: scope ? [...new Set(scope)] : null };
  const where: string[] = [];
  const cond = (text: string, name: string, value: unknown) => {
    where.push(text);
    params[name] = value;
  };
  const hosts = f.hostnames?.length ? [...new Set(f.hostnames.map((h) => h.toLowerCase()))] : null;
  const sids = f.sensorIds?.length ? [...new Set(f.sensorIds)] : null;
  let match: string;
  if (f.tag) {
    match = 'MATCH (d:Detection)-[t:TAGGED]->(:DetectionTag) USING INDEX t:TAGGED(tag, time)';
    cond('t.tag = $tag AND t.time IS NOT NULL', 'tag', f.tag);
  } else if (f.rule) {
    match = 'MATCH (d:Detection) USING INDEX d:Detection(rule, time)';
    cond('d.rule = $rule', 'rule', f.rule);
  } else if (f.category) {
    match = 'MATCH (d:Detection) USING INDEX d:Detection(cat, time)';
    cond('d.cat = $category', 'category', f.category);
  } else if (hosts) {
    match = 'MATCH (d:Detection) USING INDEX d:Detection(hostKey, time)';
    cond('d.hostKey IN $hosts', 'hosts', hosts);
  } else if (sids) {
    match = 'MATCH (d:Detection) USING INDEX d:Detection(sid, time)';
    cond('d.sid IN $sids', 'sids', sids);
  } else if (f.minPriority !== null && f.minPriority !== undefined) {
    match = 'MATCH (d:Detection) USING INDEX d:Detection(priority, time)';
    cond('d.priority >= $minPriority', 'minPriority', f.minPriority);
  } else if (params['orgs']) {
    match = 'MATCH (d:Detection) USING INDEX d:Detection(oid, time)';
  } else {
    match = 'MATCH (d:Detection) USING INDEX d:Detection(time)';
  }
  where.push('d.time IS NOT NULL');
  if (params['orgs']) where.push(orgIn('d', '$orgs'));
  if (f.rule && !match.includes('(rule')) cond('d.rule = $rule', 'rule', f.rule);
  if (f.category && !match.includes('(cat')) cond('d.cat = $category', 'category', f.category);
  if (hosts && !match.includes('hostKey')) cond('d.hostKey IN $hosts', 'hosts', hosts);
  if (sids && !match.includes('(sid')) cond('d.sid IN $sids', 'sids', sids);
  if (f.minPriority !== null && f.minPriority !== undefined && !match.includes('priority')) cond('d.priority >= $minPriority', 'minPriority', f.minPriority);
  if (f.from !== null && f.from !== undefined) cond('d.time >= $from', 'from', f.from);
  if (f.to !== null && f.to !== undefined) cond('d.time < $to', 'to', f.to);
  return { match, where, params };
}

/**
 * The event a detection names, read in the same statement: a hunter opening a detection always asks
 * for it, and reading it here saves the loader's round trip. A pattern comprehension keeps the row
 * order of the page it is read for.
 */
const TRIGGERING_EVENT = `head([(d)-[:DETECTED]->(e:Event) WHERE ${live('e')} | e])`;

/** A detection with its event as TRIGGERING_EVENT read it. */
function withEvent(d: Node, e: Node | null): DetectionNode {
  return { ...toDetectionNode(d), event: e ? toEventNode(e) : null };
}

const ORDER: Record<DetectionOrder, { by: string; after: string }> = {
  TIME_DESC: { by: 'd.time DESC, d.uid DESC', after: '(d.time < $after.t OR (d.time = $after.t AND d.uid < $after.uid))' },
  TIME_ASC: { by: 'd.time ASC, d.uid ASC', after: '(d.time > $after.t OR (d.time = $after.t AND d.uid > $after.uid))' },
};

export function detectionSearchQuery(c: Pick<Compiled, 'match' | 'where'>, order: DetectionOrder): NamedQuery {
  const where = c.where.join(' AND ');
  return {
    name: `detections search (${order})`,
    cypher: `
CALL () { ${c.match} WHERE ${where} RETURN count(d) AS total }
CALL () {
  ${c.match} WHERE ${where} AND ($after IS NULL OR ${ORDER[order].after})
  WITH d ORDER BY ${ORDER[order].by} LIMIT $limit
  RETURN collect({d: d, e: ${TRIGGERING_EVENT}}) AS page
}
RETURN total, page`,
  };
}

const GROUP_KEYS: Record<DetectionCountGroup, string> = {
  RULE: 'coalesce(d.rule, d.cat)',
  // A detection counts once under each of its tags.
  TAG: 'tag',
  HOSTNAME: 'd.hostname',
  PRIORITY: 'd.priority',
  HOUR: '(d.time / 3600000) * 3600000',
  DAY: '(d.time / 86400000) * 86400000',
};

export function detectionCountQuery(c: Pick<Compiled, 'match' | 'where'>, group: DetectionCountGroup): NamedQuery {
  const ordered = group === 'HOUR' || group === 'DAY' ? 'key ASC' : group === 'PRIORITY' ? 'key DESC' : 'n DESC, key ASC';
  return {
    name: `detection counts (${group})`,
    cypher: `
${c.match} WHERE ${c.where.join(' AND ')}
${group === 'TAG' ? 'UNWIND d.tags AS tag\n' : ''}WITH ${GROUP_KEYS[group]} AS key, count(*) AS n
WHERE key IS NOT NULL
RETURN key, n ORDER BY ${ordered} LIMIT $limit`,
  };
}

const HOUR = 3_600_000n;

/** The bucket keys the rollups hold (src/graph/writer/detection-rollups.ts), by group. */
const ROLLUP_GROUP_KEYS: Record<DetectionCountGroup, string> = {
  RULE: 'r.rule',
  TAG: 'r.tag',
  HOSTNAME: 'r.hostname',
  PRIORITY: 'r.priority',
  HOUR: 'r.hour',
  DAY: '(r.hour / 86400000) * 86400000',
};

/**
 * Whether the rollups answer this count exactly: filtered only by org, sensor, a priority floor and
 * a time range on whole hours, which the rollups hold. Hostnames (matched case-insensitively),
 * rule, category and tag filters, or a range not on hour boundaries, read the detections.
 */
export function detectionRollupsAnswer(filter: DetectionFilter | null): boolean {
  const f = filter ?? {};
  const allowed = new Set(['orgIds', 'sensorIds', 'minPriority', 'from', 'to']);
  for (const [k, v] of Object.entries(f)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    if (!allowed.has(k)) return false;
  }
  const aligned = (t: bigint | null | undefined) => t === null || t === undefined || t % HOUR === 0n;
  return aligned(f.from) && aligned(f.to);
}

/** detectionCounts summed from the rollups: the same buckets, in the same order, as detectionCountQuery. */
export function detectionRollupCountQuery(group: DetectionCountGroup): NamedQuery {
  const ordered = group === 'HOUR' || group === 'DAY' ? 'key ASC' : group === 'PRIORITY' ? 'key DESC' : 'n DESC, key ASC';
  return {
    name: `detection counts from rollups (${group})`,
    cypher: `
MATCH (r:${group === 'TAG' ? 'DetectionTagRollup' : 'DetectionRollup'})
WHERE ${orgScope('r')} AND ($orgIds IS NULL OR r.oid IN $orgIds) AND ($sids IS NULL OR r.sid IN $sids)
  AND ($minPriority IS NULL OR r.priority >= $minPriority) AND ($from IS NULL OR r.hour >= $from) AND ($to IS NULL OR r.hour < $to)
WITH ${ROLLUP_GROUP_KEYS[group]} AS key, sum(r.count) AS n
WHERE key IS NOT NULL AND n > 0
RETURN key, n ORDER BY ${ordered} LIMIT $limit`,
  };
}

export const DETECTION_BY_ID: NamedQuery = {
  name: 'detection by id',
  cypher: `
MATCH (d:Detection {detectId: $id})
WHERE ${orgScope('d')} AND ${chosenOrg('d')}
RETURN d, ${TRIGGERING_EVENT} AS e ORDER BY d.oid LIMIT 1`,
};

export const DETECTIONS_OF_EVENTS: NamedQuery = {
  name: 'detections of events',
  cypher: `
UNWIND $uids AS uid
MATCH (:Event {uid: uid})<-[:DETECTED]-(d:Detection)
WHERE ${orgScope('d')}
WITH uid, d ORDER BY d.time DESC, d.uid DESC
RETURN uid, collect(d)[0..$limit] AS ds`,
};

/** Most detections `Event.detections` returns per event, newest first. */
export const MAX_DETECTIONS_PER_EVENT = 100;

export class DetectionReader {
  constructor(private readonly executor: GraphExecutor) {}

  async search(filter: DetectionFilter | null, order: DetectionOrder, first: number, after: string | null, orgs: OrgScope): Promise<DetectionPage> {
    const compiled = compileDetectionFilter(filter, orgs);
    const key = decodeCursor('detections', after);
    if (!compiled) return { totalCount: 0, edges: [], hasNextPage: false };
    const result = await this.executor.read(detectionSearchQuery(compiled, order), {
      ...compiled.params,
      after: key ? { t: BigInt(key.t), uid: key.uid } : null,
      limit: BigInt(first + 1),
    });
    const record = result.records[0];
    const nodes = ((record?.get('page') as { d: Node; e: Node | null }[] | undefined) ?? []).map((row) => withEvent(row.d, row.e));
    const edges = nodes.slice(0, first).map((node) => ({ node, cursor: encodeCursor('detections', { t: String(node.time ?? 0n), uid: node.uid }) }));
    return { totalCount: Number(record?.get('total') ?? 0), edges, hasNextPage: nodes.length > first };
  }

  /** Whether the rollups hold every stored detection (a positive answer is kept: it never turns back). */
  private rollupsReady = false;

  private async useRollups(filter: DetectionFilter | null): Promise<boolean> {
    if (!detectionRollupsAnswer(filter)) return false;
    if (!this.rollupsReady) this.rollupsReady = await rollupsReady(this.executor, DETECTION_ROLLUPS_MARKER);
    return this.rollupsReady;
  }

  /** Buckets, most `limit`. From the rollups when they answer exactly, else from the detections. */
  async counts(group: DetectionCountGroup, filter: DetectionFilter | null, limit: number, orgs: OrgScope): Promise<{ key: string; count: number }[]> {
    const compiled = compileDetectionFilter(filter, orgs);
    if (!compiled) return [];
    const list = <T>(v: readonly T[] | null | undefined) => (v && v.length > 0 ? [...new Set(v)] : null);
    const result = (await this.useRollups(filter))
      ? await this.executor.read(detectionRollupCountQuery(group), {
          orgs,
          orgIds: list(filter?.orgIds),
          sids: list(filter?.sensorIds),
          minPriority: filter?.minPriority ?? null,
          from: filter?.from ?? null,
          to: filter?.to ?? null,
          limit: BigInt(limit),
        })
      : await this.executor.read(detectionCountQuery(compiled, group), { ...compiled.params, limit: BigInt(limit) });
    const asTime = group === 'HOUR' || group === 'DAY';
    return result.records.map((r) => {
      const key = r.get('key') as unknown;
      return { key: asTime ? new Date(Number(String(key))).toISOString() : String(key), count: Number(r.get('n')) };
    });
  }

  async byId(id: string, orgId: string | null, orgs: OrgScope): Promise<DetectionNode | null> {
    const result = await this.executor.read(DETECTION_BY_ID, { id, orgId, orgs });
    const record = result.records[0];
    return record ? withEvent(record.get('d') as Node, record.get('e') as Node | null) : null;
  }

  /** For DataLoader: the detections of each event (newest first, at most MAX_DETECTIONS_PER_EVENT), in key order. */
  async ofEvents(uids: readonly string[], orgs: OrgScope): Promise<DetectionNode[][]> {
    const result = await this.executor.read(DETECTIONS_OF_EVENTS, { uids, orgs, limit: BigInt(MAX_DETECTIONS_PER_EVENT) });
    const found = new Map(result.records.map((r) => [r.get('uid') as string, (r.get('ds') as Node[]).map(toDetectionNode)] as const));
    return uids.map((uid) => found.get(uid) ?? []);
  }
}
