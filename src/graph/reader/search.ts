/**
 * Searching and counting events by filter (hunts 10-14), and listing sensors. The WHERE text comes
 * from compileEventFilter (fixed fragments, values as parameters); grouping keys and sort orders
 * come from the allowlists below.
 */
import type { Node } from 'neo4j-driver';
import type { GraphExecutor, NamedQuery } from '../executor';
import { decodeCursor, encodeCursor } from './cursor';
import { compileEventFilter, type Compiled, type EventFilter } from './event-filter';
import { type OrgScope, toEventNode } from './events';
import type { Page } from './trees';
import { toBigInt as big, toStr as str } from './values';

export type EventOrder = 'TIME_DESC' | 'TIME_ASC';
export type CountGroup = 'EVENT_TYPE' | 'HOSTNAME' | 'SENSOR' | 'MINUTE' | 'HOUR' | 'DAY';

const TIME_GROUPS: ReadonlySet<CountGroup> = new Set(['MINUTE', 'HOUR', 'DAY']);

const GROUP_KEYS: Record<CountGroup, string> = {
  EVENT_TYPE: 'e.type',
  HOSTNAME: 'e.hostname',
  SENSOR: 'e.sid',
  MINUTE: '(e.time / 60000) * 60000',
  HOUR: '(e.time / 3600000) * 3600000',
  DAY: '(e.time / 86400000) * 86400000',
};

const ORDER: Record<EventOrder, { by: string; after: string }> = {
  TIME_DESC: { by: 'e.time DESC, e.uid DESC', after: '(e.time < $after.t OR (e.time = $after.t AND e.uid < $after.uid))' },
  TIME_ASC: { by: 'e.time ASC, e.uid ASC', after: '(e.time > $after.t OR (e.time = $after.t AND e.uid > $after.uid))' },
};

type FilterText = Pick<Compiled, 'where' | 'prelude' | 'scope' | 'hint'>;

export function searchQuery(filter: FilterText, order: EventOrder): NamedQuery {
  const { where, prelude, scope, hint } = filter;
  return {
    name: `events search (${order})`,
    cypher: `${prelude}
CALL (${scope}) { MATCH (e:Event) ${hint} WHERE ${where} RETURN count(e) AS total }
CALL (${scope}) {
  MATCH (e:Event) ${hint} WHERE ${where} AND ($after IS NULL OR ${ORDER[order].after})
  WITH e ORDER BY ${ORDER[order].by} LIMIT $limit
  RETURN collect(e) AS page
}
RETURN total, page`,
  };
}

export function countQuery(filter: FilterText, group: CountGroup): NamedQuery {
  const { where, prelude, hint } = filter;
  const timeBuckets = TIME_GROUPS.has(group);
  return {
    name: `event counts (${group})`,
    cypher: `${prelude}
MATCH (e:Event) ${hint} WHERE ${where}
WITH ${GROUP_KEYS[group]} AS key, count(*) AS n
WHERE key IS NOT NULL
RETURN key, n ORDER BY ${timeBuckets ? 'key ASC' : 'n DESC, key ASC'} LIMIT $limit`,
  };
}

export const SENSORS: NamedQuery = {
  name: 'sensors',
  cypher: `
MATCH (s:Sensor)
WHERE ($orgs IS NULL OR s.oid IN $orgs)
  AND ($orgIds IS NULL OR s.oid IN $orgIds)
  AND ($hostnames IS NULL OR toLower(s.hostname) IN $hostnames)
WITH s ORDER BY s.uid
WITH collect(s) AS rows
RETURN size(rows) AS total, [x IN rows WHERE $after IS NULL OR x.uid > $after][0..$limit] AS page`,
};

export const SENSORS_BY_UID: NamedQuery = {
  name: 'sensors by uid',
  cypher: `
UNWIND $uids AS uid
MATCH (s:Sensor {uid: uid})
WHERE $orgs IS NULL OR s.oid IN $orgs
RETURN s`,
};

export interface SensorNode {
  uid: string;
  oid: string;
  sid: string;
  hostname: string | null;
  intIp: string | null;
  extIp: string | null;
  plat: bigint | null;
  arch: bigint | null;
  tags: string[];
  firstSeen: bigint | null;
  lastSeen: bigint | null;
  eventCount: number;
}


export function toSensorNode(node: Node): SensorNode {
  const p = node.properties as Record<string, unknown>;
  return {
    uid: String(p['uid']),
    oid: String(p['oid']),
    sid: String(p['sid']),
    hostname: str(p['hostname']),
    intIp: str(p['intIp']),
    extIp: str(p['extIp']),
    plat: big(p['plat']),
    arch: big(p['arch']),
    tags: Array.isArray(p['tags']) ? (p['tags'] as unknown[]).filter((t): t is string => typeof t === 'string') : [],
    firstSeen: big(p['firstSeen']),
    lastSeen: big(p['lastSeen']),
    eventCount: Number(p['eventCount'] ?? 0),
  };
}

export class SearchReader {
  constructor(private readonly executor: GraphExecutor) {}

  async events(filter: EventFilter | null, order: EventOrder, first: number, after: string | null, orgs: OrgScope): Promise<Page> {
    const { params, ...text } = compileEventFilter(filter, 'e', orgs);
    const key = decodeCursor(after);
    const result = await this.executor.read(searchQuery(text, order), {
      ...params,
      after: key ? { t: BigInt(key.t), uid: key.uid } : null,
      limit: BigInt(first + 1),
    });
    const record = result.records[0];
    const nodes = ((record?.get('page') as Node[] | undefined) ?? []).map(toEventNode);
    const edges = nodes.slice(0, first).map((node) => ({ node, depth: 0, cursor: encodeCursor({ d: 0, t: String(node.time ?? 0n), uid: node.uid }) }));
    return { totalCount: Number(record?.get('total') ?? 0), edges, hasNextPage: nodes.length > first };
  }

  async counts(group: CountGroup, filter: EventFilter | null, limit: number, orgs: OrgScope): Promise<{ key: string; count: number }[]> {
    const { params, ...text } = compileEventFilter(filter, 'e', orgs);
    const result = await this.executor.read(countQuery(text, group), { ...params, limit: BigInt(limit) });
    return result.records.map((r) => {
      const key = r.get('key') as unknown;
      const asTime = TIME_GROUPS.has(group);
      return { key: asTime ? new Date(Number(String(key))).toISOString() : String(key), count: Number(r.get('n')) };
    });
  }

  /** For DataLoader: answers in key order. */
  async sensorsByUid(uids: readonly string[], orgs: OrgScope): Promise<(SensorNode | null)[]> {
    const result = await this.executor.read(SENSORS_BY_UID, { uids, orgs });
    const found = new Map(result.records.map((r) => {
      const s = toSensorNode(r.get('s') as Node);
      return [s.uid, s] as const;
    }));
    return uids.map((uid) => found.get(uid) ?? null);
  }

  async sensors(filter: { orgIds?: readonly string[] | null; hostnames?: readonly string[] | null } | null, first: number, after: string | null, orgs: OrgScope) {
    const result = await this.executor.read(SENSORS, {
      orgs,
      orgIds: filter?.orgIds?.length ? filter.orgIds : null,
      hostnames: filter?.hostnames?.length ? filter.hostnames.map((h) => h.toLowerCase()) : null,
      after: after ? Buffer.from(after, 'base64url').toString('utf8') : null,
      limit: BigInt(first + 1),
    });
    const record = result.records[0];
    const nodes = ((record?.get('page') as Node[] | undefined) ?? []).map(toSensorNode);
    return {
      totalCount: Number(record?.get('total') ?? 0),
      nodes: nodes.slice(0, first),
      hasNextPage: nodes.length > first,
      endCursor: nodes.length > 0 ? Buffer.from(nodes[Math.min(first, nodes.length) - 1]!.uid).toString('base64url') : null,
    };
  }
}
