/**
 * Cross-host pivots on indicators: which hosts saw a value (with counts and first/last seen, from
 * the per-host SAW aggregates) and how rare it is. The indicator is found by its org-independent
 * key (an index seek), then scoped to the caller's orgs.
 */
import type { Node } from 'neo4j-driver';
import { indicatorKey, type IndicatorKind } from '../../domain/indicators';
import type { GraphExecutor, NamedQuery } from '../executor';
import { decodeCursor, encodeCursor } from './cursor';
import { type EventNode, type OrgScope, toEventNode } from './events';
import { toBigInt as big } from './values';
import { chosenOrg, orgScope } from './scope';

export interface SightingRow {
  orgId: string;
  sensorId: string;
  hostname: string | null;
  count: number;
  firstSeen: bigint;
  lastSeen: bigint;
  /** Key of the indicator node, for paging its events on this host. */
  indicatorUid: string;
  cursor: string;
}

/**
 * A page of the hosts that saw an indicator, earliest first: the cursor filters the SAW edges as
 * they stream and a top-k keeps the page, so no list of every host is made (a common hash is
 * seen on most of the fleet). The total is its own question, asked only when selected.
 */
export const SIGHTINGS_PAGE: NamedQuery = {
  name: 'sightings page',
  cypher: `
MATCH (i:Indicator {key: $key})
WHERE ${orgScope('i')} AND ${chosenOrg('i')}
MATCH (s:Sensor)-[w:SAW]->(i)
WHERE $after IS NULL OR w.firstSeen > $after.t OR (w.firstSeen = $after.t AND s.uid > $after.uid)
WITH i, s, w ORDER BY w.firstSeen, s.uid LIMIT $limit
RETURN collect({i: i, s: s, w: w}) AS page`,
};

export const SIGHTINGS_TOTAL: NamedQuery = {
  name: 'sightings total',
  cypher: `
MATCH (i:Indicator {key: $key})
WHERE ${orgScope('i')} AND ${chosenOrg('i')}
MATCH (:Sensor)-[w:SAW]->(i)
RETURN count(w) AS total`,
};

export const PREVALENCE: NamedQuery = {
  name: 'prevalence',
  cypher: `
MATCH (s:Sensor)
WHERE ${orgScope('s')} AND ${chosenOrg('s')}
WITH count(s) AS totalHosts
OPTIONAL MATCH (i:Indicator {key: $key})
WHERE ${orgScope('i')} AND ${chosenOrg('i')}
OPTIONAL MATCH (s:Sensor)-[w:SAW]->(i)
RETURN totalHosts, count(DISTINCT s) AS hosts, sum(w.count) AS events, min(w.firstSeen) AS firstSeen, max(w.lastSeen) AS lastSeen`,
};

/** Events of one host that carry the indicator, newest first. */
export const SIGHTING_EVENTS: NamedQuery = {
  name: 'sighting events',
  cypher: `
MATCH (i:Indicator {uid: $indicatorUid})<-[:OBSERVED]-(e:Event)
WHERE e.sid = $sid AND ${orgScope('e')}
WITH e ORDER BY e.time DESC, e.uid DESC
WITH collect(e) AS rows
RETURN size(rows) AS total,
       [x IN rows WHERE $after IS NULL OR x.time < $after.t OR (x.time = $after.t AND x.uid < $after.uid)][0..$limit] AS page`,
};

/** Indicators whose earliest sighting on any host in scope is at or after $since, newest first. */
export const FIRST_SEEN: NamedQuery = {
  name: 'first seen indicators',
  cypher: `
MATCH (i:Indicator {kind: $kind})
WHERE ${orgScope('i')} AND ${chosenOrg('i')}
MATCH (s:Sensor)-[w:SAW]->(i)
WITH i, min(w.firstSeen) AS firstSeen, count(DISTINCT s) AS hosts
WHERE firstSeen >= $since
WITH i, firstSeen, hosts ORDER BY firstSeen DESC, i.value
WITH collect({orgId: i.oid, value: i.value, firstSeen: firstSeen, hosts: hosts}) AS rows
RETURN size(rows) AS total, rows[0..$limit] AS page`,
};

export interface FirstSeen {
  orgId: string;
  value: string;
  firstSeen: bigint;
  hosts: number;
}

export interface Prevalence {
  hosts: number;
  totalHosts: number;
  events: number;
  firstSeen: bigint | null;
  lastSeen: bigint | null;
}

const afterParam = (kind: 'sightings' | 'sightingEvents', after: string | null) => {
  const key = decodeCursor(kind, after);
  return key ? { t: BigInt(key.t), uid: key.uid } : null;
};

export class SightingReader {
  constructor(private readonly executor: GraphExecutor) {}

  /** `withTotal`: count every host too (only when the client selects totalCount; it is 0 otherwise). */
  async sightings(kind: IndicatorKind, value: string, orgId: string | null, first: number, after: string | null, orgs: OrgScope, withTotal = true) {
    const params = { key: indicatorKey(kind, value), orgId, orgs, after: afterParam('sightings', after), limit: BigInt(first + 1) };
    const [result, total] = await Promise.all([this.executor.read(SIGHTINGS_PAGE, params), withTotal ? this.executor.read(SIGHTINGS_TOTAL, params) : null]);
    const record = result.records[0];
    const rows = (record?.get('page') as { i: Node; s: Node; w: { properties: Record<string, unknown> } }[] | undefined) ?? [];
    const edges: SightingRow[] = rows.slice(0, first).map((r) => {
      const s = r.s.properties as Record<string, unknown>;
      const w = r.w.properties;
      const firstSeen = big(w['firstSeen']) ?? 0n;
      return {
        orgId: String(s['oid']),
        sensorId: String(s['sid']),
        hostname: typeof s['hostname'] === 'string' ? s['hostname'] : null,
        count: Number(w['count']),
        firstSeen,
        lastSeen: big(w['lastSeen']) ?? 0n,
        indicatorUid: String(r.i.properties['uid']),
        cursor: encodeCursor('sightings', { t: firstSeen.toString(), uid: String(s['uid']) }),
      };
    });
    return { totalCount: Number(total?.records[0]?.get('total') ?? 0), edges, hasNextPage: rows.length > first };
  }

  async prevalence(kind: IndicatorKind, value: string, orgId: string | null, orgs: OrgScope): Promise<Prevalence> {
    const result = await this.executor.read(PREVALENCE, { key: indicatorKey(kind, value), orgId, orgs });
    const r = result.records[0];
    return {
      hosts: Number(r?.get('hosts') ?? 0),
      totalHosts: Number(r?.get('totalHosts') ?? 0),
      events: Number(r?.get('events') ?? 0),
      firstSeen: big(r?.get('firstSeen')),
      lastSeen: big(r?.get('lastSeen')),
    };
  }

  async firstSeen(kind: IndicatorKind, since: bigint, orgId: string | null, limit: number, orgs: OrgScope): Promise<{ totalCount: number; hasMore: boolean; nodes: FirstSeen[] }> {
    const result = await this.executor.read(FIRST_SEEN, { kind, since, orgId, orgs, limit: BigInt(limit) });
    const record = result.records[0];
    const totalCount = Number(record?.get('total') ?? 0);
    const rows = (record?.get('page') as { orgId: unknown; value: unknown; firstSeen: unknown; hosts: unknown }[] | undefined) ?? [];
    const nodes = rows.map((r) => ({ orgId: String(r.orgId), value: String(r.value), firstSeen: big(r.firstSeen) ?? 0n, hosts: Number(r.hosts) }));
    return { totalCount, hasMore: totalCount > nodes.length, nodes };
  }

  async events(indicatorUid: string, sid: string, first: number, after: string | null, orgs: OrgScope) {
    const result = await this.executor.read(SIGHTING_EVENTS, { indicatorUid, sid, orgs, after: afterParam('sightingEvents', after), limit: BigInt(first + 1) });
    const record = result.records[0];
    const rows = ((record?.get('page') as Node[] | undefined) ?? []).map(toEventNode);
    const edges = rows.slice(0, first).map((node: EventNode) => ({ node, depth: 0, cursor: encodeCursor('sightingEvents', { t: String(node.time ?? 0n), uid: node.uid }) }));
    return { totalCount: Number(record?.get('total') ?? 0), edges, hasNextPage: rows.length > first };
  }
}
