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

/** The hop between two hosts: the same network flow, reported by the sensor at each end. */
export const FLOW_STEP = 'FLOW';

/** Flow pairs tried per cross-host search: enough for chatty host pairs, bounded for the planner. */
const FLOW_CANDIDATES = 200;

/**
 * A chain from an event on one host to an event on another: through the first host's graph to a
 * connection with the second host (either may have opened it), across to the second host's record of the same flow (same
 * addresses and ports, reported by its own sensor), and on to the target. The connections are
 * found through each host's SAW edge to the other's address (the Sensor's newest intIp) and that
 * Indicator's events, not by scanning events. Each leg is bounded by a literal, like every
 * variable-length pattern here.
 */
const crossHostCache = new Map<number, NamedQuery>();
export function crossHostPathQuery(maxHops: number): NamedQuery {
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 100) throw new Error(`maxHops must be 1..100, got ${maxHops}`);
  let q = crossHostCache.get(maxHops);
  if (!q) {
    const leg = maxHops - 1;
    const steps = (p: string) => `[r IN relationships(${p}) | {type: type(r), from: startNode(r).uid, to: endNode(r).uid}]`;
    q = {
      name: `cross-host path (${maxHops} hops)`,
      cypher: `
MATCH (a:Event {uid: $from}), (b:Event {uid: $to})
WHERE ($orgs IS NULL OR (a.oid IN $orgs AND b.oid IN $orgs)) AND a.oid = b.oid AND a.sid <> b.sid
MATCH (sa:Sensor {uid: a.oid + '/' + a.sid}), (sb:Sensor {uid: b.oid + '/' + b.sid})
MATCH (sa)-[:SAW]->(ipOfB:Indicator) WHERE ipOfB.kind = 'IP' AND ipOfB.value = sb.intIp
MATCH (sb)-[:SAW]->(ipOfA:Indicator) WHERE ipOfA.kind = 'IP' AND ipOfA.value = sa.intIp
// Either host may have opened the connection: each side observes the other's address.
MATCH (ipOfB)<-[:OBSERVED]-(c1:Event)
WHERE c1.sid = a.sid AND c1.type IN $types AND c1.srcPort IS NOT NULL
MATCH (ipOfA)<-[:OBSERVED]-(c2:Event)
WHERE c2.sid = b.sid AND c2.type = c1.type AND c2.srcIp = c1.srcIp AND c2.srcPort = c1.srcPort
  AND c2.dstIp = c1.dstIp AND c2.dstPort = c1.dstPort
WITH DISTINCT a, b, c1, c2 LIMIT ${FLOW_CANDIDATES}
MATCH p1 = SHORTEST 1 (a)-[:PARENT|TARGET|CONTAINS]-{0,${leg}}(c1)
MATCH p2 = SHORTEST 1 (c2)-[:PARENT|TARGET|CONTAINS]-{0,${leg}}(b)
WITH p1, p2, c1, c2, length(p1) + length(p2) + 1 AS hops
WHERE hops <= ${maxHops}
WITH p1, p2, c1, c2 ORDER BY hops, c1.time, c1.uid LIMIT 1
RETURN nodes(p1) + nodes(p2) AS nodes,
  ${steps('p1')} + [{type: '${FLOW_STEP}', from: c1.uid, to: c2.uid}] + ${steps('p2')} AS steps`,
    };
    crossHostCache.set(maxHops, q);
  }
  return q;
}

/** The two ends of a path as the reader needs them: their keys and hosts. */
export interface PathEnd {
  uid: string;
  oid: string;
  sid: string | null;
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

  /**
   * The shortest chain between two events: over parent, target and containment links on one host,
   * or, between hosts, through the network flow that both hosts' sensors reported.
   */
  async path(from: PathEnd, to: PathEnd, maxHops: number, orgs: OrgScope): Promise<{ nodes: EventNode[]; steps: PathStep[] } | null> {
    const crossHost = from.oid === to.oid && from.sid !== null && to.sid !== null && from.sid !== to.sid;
    return crossHost
      ? this.read(crossHostPathQuery(maxHops), { from: from.uid, to: to.uid, orgs, types: CONNECTION_TYPES })
      : this.read(pathQuery(maxHops), { from: from.uid, to: to.uid, orgs });
  }

  private async read(query: NamedQuery, params: Record<string, unknown>): Promise<{ nodes: EventNode[]; steps: PathStep[] } | null> {
    const result = await this.executor.read(query, params);
    const record = result.records[0];
    if (!record) return null;
    return { nodes: (record.get('nodes') as Node[]).map(toEventNode), steps: record.get('steps') as PathStep[] };
  }
}
