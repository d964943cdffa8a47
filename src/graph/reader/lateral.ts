/**
 * Cross-host questions: connections from one monitored host to another (and what started on the
 * destination right after: the psexec / WMI / remote-service pattern), and the shortest chain
 * between two events.
 */
import type { Node } from 'neo4j-driver';
import type { GraphExecutor, NamedQuery } from '../executor';
import { type EventNode, type OrgScope, toEventNode } from './events';
import { type SensorNode, toSensorNode } from './search';

/** Connection types whose destination can be another host of ours. */
export const CONNECTION_TYPES = ['NEW_TCP4_CONNECTION', 'NEW_TCP6_CONNECTION', 'NEW_UDP4_CONNECTION', 'NEW_UDP6_CONNECTION'];

export const LATERAL_MOVEMENT: NamedQuery = {
  name: 'lateral movement',
  cypher: `
MATCH (c:Event)
WHERE c.type IN $types AND c.dstIp IS NOT NULL
  AND ($orgs IS NULL OR c.oid IN $orgs) AND ($orgIds IS NULL OR c.oid IN $orgIds)
  AND ($from IS NULL OR c.time >= $from) AND ($to IS NULL OR c.time < $to)
  AND ($sensorIds IS NULL OR c.sid IN $sensorIds)
MATCH (dst:Sensor {intIp: c.dstIp})
WHERE dst.oid = c.oid AND dst.sid <> c.sid
OPTIONAL MATCH (src:Sensor {uid: c.oid + '/' + c.sid})
OPTIONAL MATCH (c)-[:PARENT]->(proc:Event)
CALL (c, dst) {
  OPTIONAL MATCH (p:Event:Process)
  WHERE p.sid = dst.sid AND p.oid = dst.oid AND p.time >= c.time AND p.time <= c.time + $window
  WITH p ORDER BY p.time, p.uid LIMIT $perConnection
  RETURN collect(p) AS started
}
RETURN c, src, dst, proc, started
ORDER BY c.time DESC, c.uid DESC LIMIT $limit`,
};

export interface LateralMove {
  connection: EventNode;
  sourceHost: SensorNode | null;
  destinationHost: SensorNode;
  sourceProcess: EventNode | null;
  processesStarted: EventNode[];
}

export interface LateralFilter {
  orgIds?: readonly string[] | null;
  sensorIds?: readonly string[] | null;
  from?: bigint | null;
  to?: bigint | null;
}

/**
 * Shortest chains need a literal bound too; one statement per allowed bound, chosen by a validated
 * integer. Relationships are followed in either direction: a chain may go up to a parent and down
 * to a sibling, or across a TARGET edge into another process.
 */
const pathCache = new Map<number, NamedQuery>();
export function pathQuery(maxHops: number): NamedQuery {
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 100) throw new Error(`maxHops must be 1..100, got ${maxHops}`);
  let q = pathCache.get(maxHops);
  if (!q) {
    q = {
      name: `path (${maxHops} hops)`,
      cypher: `
MATCH (a:Event {uid: $from}), (b:Event {uid: $to})
WHERE ($orgs IS NULL OR (a.oid IN $orgs AND b.oid IN $orgs))
MATCH p = shortestPath((a)-[:PARENT|TARGET|CONTAINS*..${maxHops}]-(b))
RETURN nodes(p) AS nodes, [r IN relationships(p) | {type: type(r), from: startNode(r).uid, to: endNode(r).uid}] AS steps`,
    };
    pathCache.set(maxHops, q);
  }
  return q;
}

export interface PathStep {
  type: string;
  from: string;
  to: string;
}

export class LateralReader {
  constructor(private readonly executor: GraphExecutor) {}

  async moves(filter: LateralFilter | null, windowMs: number, perConnection: number, limit: number, orgs: OrgScope): Promise<LateralMove[]> {
    const result = await this.executor.read(LATERAL_MOVEMENT, {
      types: CONNECTION_TYPES,
      orgs,
      orgIds: filter?.orgIds?.length ? filter.orgIds : null,
      sensorIds: filter?.sensorIds?.length ? filter.sensorIds : null,
      from: filter?.from ?? null,
      to: filter?.to ?? null,
      window: BigInt(windowMs),
      perConnection: BigInt(perConnection),
      limit: BigInt(limit),
    });
    return result.records.map((r) => ({
      connection: toEventNode(r.get('c') as Node),
      sourceHost: r.get('src') ? toSensorNode(r.get('src') as Node) : null,
      destinationHost: toSensorNode(r.get('dst') as Node),
      sourceProcess: r.get('proc') ? toEventNode(r.get('proc') as Node) : null,
      processesStarted: (r.get('started') as Node[]).map(toEventNode),
    }));
  }

  async path(fromUid: string, toUid: string, maxHops: number, orgs: OrgScope): Promise<{ nodes: EventNode[]; steps: PathStep[] } | null> {
    const result = await this.executor.read(pathQuery(maxHops), { from: fromUid, to: toUid, orgs });
    const record = result.records[0];
    if (!record) return null;
    return { nodes: (record.get('nodes') as Node[]).map(toEventNode), steps: record.get('steps') as PathStep[] };
  }
}
