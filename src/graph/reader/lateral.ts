/**
 * Cross-host questions: connections from one monitored host to another (and what started on the
 * destination right after: the psexec / WMI / remote-service pattern), and the shortest chain
 * between two events.
 */
import type { Node } from 'neo4j-driver';
import type { GraphExecutor, NamedQuery } from '../executor';
import { decodeCursor, encodeCursor } from './cursor';
import { type EventNode, type OrgScope, toEventNode } from './events';
import { FLOW_TOLERANCE_DEFAULT_SECONDS, flowPeerCall, flowToleranceParam, isReplyCondition, SERVICE_PORTS } from './flow';
import { type SensorNode, toSensorNode } from './search';
import { live, orgScope } from './scope';

/** Connection types that open a flow, by transport: what lateralMovement's `protocols` selects. */
export const OPENING_TYPES = {
  TCP: ['NEW_TCP4_CONNECTION', 'NEW_TCP6_CONNECTION'],
  UDP: ['NEW_UDP4_CONNECTION', 'NEW_UDP6_CONNECTION'],
} as const;
export type Transport = keyof typeof OPENING_TYPES;

/** Connection types whose destination can be another host of ours (path crosses hosts through them). */
export const CONNECTION_TYPES: string[] = [...OPENING_TYPES.TCP, ...OPENING_TYPES.UDP];

/** Process events: what "started there" lists. */
const PROCESS_TYPES = ['NEW_PROCESS', 'EXISTING_PROCESS'];

/** How far up from a started process its ancestry is followed to find the accepting process. */
export const DESCENDANT_DEPTH = 8;

/**
 * Connections from a monitored host to another one's address, each with the destination's own
 * report of the same flow (flow.ts) and the process that owns it there. Replies from a service port
 * are not initiations (flow.ts, isReplyCondition). The page of connections is chosen first; the
 * destination side is looked up for those rows only.
 *
 * Two texts: with source sensors named, `c.sid IN $sensorIds` stands alone so the planner seeks
 * the (sid, type, time) index for those hosts only; written as `$sensorIds IS NULL OR ...` it
 * seeks (type, time) across every org and filters (181k index rows for one host's 2k events in
 * the 1M-event bench graph, ~100 ms, where the explorer asks this after every view it draws).
 */
function lateralMovementQuery(bySensor: boolean): NamedQuery {
  return {
    name: bySensor ? 'lateral movement (from named sensors)' : 'lateral movement',
    cypher: `
MATCH (c:Event)
WHERE ${bySensor ? 'c.sid IN $sensorIds AND ' : ''}c.type IN $types AND c.dstIp IS NOT NULL AND c.time IS NOT NULL
  AND ${orgScope('c')} AND ($orgIds IS NULL OR c.oid IN $orgIds)
  AND ($from IS NULL OR c.time >= $from) AND ($to IS NULL OR c.time < $to)
  AND ($sourceHostnames IS NULL OR toLower(c.hostname) IN $sourceHostnames OR toLower(split(c.hostname, '.')[0]) IN $sourceHostnames)
  AND ($dstPorts IS NULL OR c.dstPort IN $dstPorts)
  AND NOT coalesce(${isReplyCondition('c')}, false)
MATCH (dst:Sensor {intIp: c.dstIp})
WHERE dst.oid = c.oid AND dst.sid <> c.sid
  AND ($dstSensorIds IS NULL OR dst.sid IN $dstSensorIds)
  AND ($dstHostnames IS NULL OR toLower(dst.hostname) IN $dstHostnames OR toLower(split(dst.hostname, '.')[0]) IN $dstHostnames)
WITH c, dst ORDER BY c.time DESC, c.uid DESC, dst.uid LIMIT $limit
OPTIONAL MATCH (src:Sensor {uid: c.oid + '/' + c.sid})
OPTIONAL MATCH (c)-[:PARENT]->(proc:Event) WHERE ${live('proc')}
OPTIONAL ${flowPeerCall('c', 'peer', 'peer.sid = dst.sid', ['dst'])}
OPTIONAL MATCH (peer)-[:PARENT]->(acc:Event) WHERE ${live('acc')}
RETURN c, src, dst, proc, peer, acc
ORDER BY c.time DESC, c.uid DESC, dst.uid`,
  };
}
export const LATERAL_MOVEMENT = lateralMovementQuery(false);
export const LATERAL_MOVEMENT_FROM_SENSORS = lateralMovementQuery(true);

/**
 * What started on the destination, for many rows at once (DataLoader): the processes started on
 * the destination host in the window around the destination-side time, the accepting process's
 * descendants first (rank 0), then the rest (rank 1), each by time. Keyset-paged on (rank, time, uid).
 */
export const STARTED_THERE: NamedQuery = {
  name: 'lateral movement: started there',
  cypher: `
UNWIND $requests AS r
CALL (r) {
  OPTIONAL MATCH (p:Event)
  WHERE p.sid = r.sid AND p.type IN $processTypes AND p.time >= r.lo AND p.time <= r.hi AND p.oid = r.oid
    AND ${orgScope('p')}
  WITH p, CASE WHEN p IS NOT NULL AND r.acc IS NOT NULL
      AND EXISTS { MATCH (p)-[:PARENT*1..${DESCENDANT_DEPTH}]->(a:Event) WHERE a.uid = r.acc AND ${live('a')} } THEN 0 ELSE 1 END AS rank
  ORDER BY rank, p.time, p.uid
  WITH [x IN collect({d: p, rank: rank, t: p.time}) WHERE x.d IS NOT NULL] AS rows
  RETURN size(rows) AS total,
    [x IN rows WHERE r.after IS NULL OR x.rank > r.after.d
      OR (x.rank = r.after.d AND (x.t > r.after.t OR (x.t = r.after.t AND x.d.uid > r.after.uid)))][0..r.limit] AS page
}
RETURN r.key AS key, total, page`,
};

/** Every connection's peer (flow.ts), for many events at once (DataLoader). */
export const FLOW_PEERS: NamedQuery = {
  name: 'flow peers',
  cypher: `
UNWIND $requests AS r
MATCH (c:Event {uid: r.uid})
WHERE ${orgScope('c')} AND c.srcIp IS NOT NULL AND c.dstIp IS NOT NULL AND c.srcPort IS NOT NULL AND c.dstPort IS NOT NULL
${flowPeerCall('c', 'peer')}
RETURN r.key AS key, peer`,
};

/** The part of a row startedThere needs: where and when to look, and whose descendants come first. */
export interface StartedScope {
  oid: string;
  sid: string;
  /** The accepting process's key, when the destination reported the flow. */
  acceptingUid: string | null;
  /** The destination-side time (ms) offsets are measured from. */
  anchor: bigint;
  lo: bigint;
  hi: bigint;
}

export interface LateralMove {
  connection: EventNode;
  sourceHost: SensorNode | null;
  destinationHost: SensorNode;
  sourceProcess: EventNode | null;
  destinationConnection: EventNode | null;
  acceptingProcess: EventNode | null;
  destinationTime: bigint;
  scope: StartedScope;
}

export interface LateralFilter {
  orgIds?: readonly string[] | null;
  sensorIds?: readonly string[] | null;
  sourceHostnames?: readonly string[] | null;
  destinationSensorIds?: readonly string[] | null;
  destinationHostnames?: readonly string[] | null;
  destinationPorts?: readonly number[] | null;
  from?: bigint | null;
  to?: bigint | null;
}

export interface LateralOptions {
  transports: readonly Transport[];
  /** Window around the destination-side time, ms. */
  beforeMs: number;
  afterMs: number;
  toleranceMs: number;
  limit: number;
}

export type StartedReason = 'DESCENDANT_OF_ACCEPTING_PROCESS' | 'STARTED_IN_WINDOW';

export interface StartedEdge {
  node: EventNode;
  reason: StartedReason;
  offsetMs: number;
  cursor: string;
}

export interface StartedPage {
  totalCount: number;
  edges: StartedEdge[];
  hasNextPage: boolean;
}

export interface StartedRequest {
  scope: StartedScope;
  first: number;
  after: string | null;
}

export interface PeerRequest {
  uid: string;
  toleranceMs: number;
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
WHERE ${orgScope('a', 'b')}
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
 * connection with the second host (either may have opened it), across to the second host's record
 * of the same flow (the flow rule of flow.ts: the rule lateralMovement and `peer` use), and on to
 * the target. The first host's connections are found through its SAW edge to the other's address
 * (the Sensor's newest intIp) and that Indicator's events, not by scanning events; the second
 * host's report through the flow index. Each leg is bounded by a literal, like every
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
WHERE ${orgScope('a', 'b')} AND a.oid = b.oid AND a.sid <> b.sid
MATCH (sa:Sensor {uid: a.oid + '/' + a.sid}), (sb:Sensor {uid: b.oid + '/' + b.sid})
MATCH (sa)-[:SAW]->(ipOfB:Indicator) WHERE ipOfB.kind = 'IP' AND ipOfB.value = sb.intIp
// Either host may have opened the connection: each side observes the other's address.
MATCH (ipOfB)<-[:OBSERVED]-(c1:Event)
WHERE c1.sid = a.sid AND c1.type IN $types AND c1.srcPort IS NOT NULL AND ${live('c1')}
WITH DISTINCT a, b, c1 LIMIT ${FLOW_CANDIDATES}
${flowPeerCall('c1', 'c2', 'c2.sid = b.sid', ['b'])}
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

  async moves(filter: LateralFilter | null, options: LateralOptions, orgs: OrgScope): Promise<LateralMove[]> {
    const list = <T>(v: readonly T[] | null | undefined) => (v?.length ? v : null);
    const lower = (v: readonly string[] | null | undefined) => (v?.length ? v.map((h) => h.toLowerCase()) : null);
    const sensorIds = list(filter?.sensorIds);
    const result = await this.executor.read(sensorIds ? LATERAL_MOVEMENT_FROM_SENSORS : LATERAL_MOVEMENT, {
      types: options.transports.flatMap((t) => OPENING_TYPES[t]),
      orgs,
      orgIds: list(filter?.orgIds),
      sensorIds,
      sourceHostnames: lower(filter?.sourceHostnames),
      dstSensorIds: list(filter?.destinationSensorIds),
      dstHostnames: lower(filter?.destinationHostnames),
      dstPorts: filter?.destinationPorts?.length ? filter.destinationPorts.map((p) => BigInt(p)) : null,
      from: filter?.from ?? null,
      to: filter?.to ?? null,
      servicePorts: SERVICE_PORTS.map((p) => BigInt(p)),
      flowTolerance: BigInt(options.toleranceMs),
      limit: BigInt(options.limit),
    });
    return result.records.map((r) => {
      const connection = toEventNode(r.get('c') as Node);
      const destinationHost = toSensorNode(r.get('dst') as Node);
      const peer = r.get('peer') ? toEventNode(r.get('peer') as Node) : null;
      const accepting = r.get('acc') ? toEventNode(r.get('acc') as Node) : null;
      // The destination's own clock when it reported the flow; else the source's, the only one there is.
      const anchor = peer?.time ?? connection.time ?? 0n;
      return {
        connection,
        sourceHost: r.get('src') ? toSensorNode(r.get('src') as Node) : null,
        destinationHost,
        sourceProcess: r.get('proc') ? toEventNode(r.get('proc') as Node) : null,
        destinationConnection: peer,
        acceptingProcess: accepting,
        destinationTime: anchor,
        scope: {
          oid: connection.oid,
          sid: destinationHost.sid,
          acceptingUid: accepting?.uid ?? null,
          anchor,
          lo: anchor - BigInt(options.beforeMs),
          hi: anchor + BigInt(options.afterMs),
        },
      };
    });
  }

  /** What started on the destination of many rows, in one round trip (for DataLoader), answers in request order. */
  async startedThere(requests: readonly StartedRequest[], orgs: OrgScope): Promise<StartedPage[]> {
    const params = requests.map((q, i) => {
      const after = decodeCursor('startedThere', q.after);
      return {
        key: BigInt(i),
        oid: q.scope.oid,
        sid: q.scope.sid,
        acc: q.scope.acceptingUid,
        lo: q.scope.lo,
        hi: q.scope.hi,
        after: after ? { d: BigInt(after.d), t: BigInt(after.t), uid: after.uid } : null,
        limit: BigInt(q.first + 1), // one more than asked tells whether there is a next page
      };
    });
    const result = await this.executor.read(STARTED_THERE, { requests: params, orgs, processTypes: PROCESS_TYPES });
    const byKey = new Map(result.records.map((r) => [Number(r.get('key')), r]));
    return requests.map((q, i) => {
      const record = byKey.get(i);
      if (!record) return { totalCount: 0, edges: [], hasNextPage: false };
      const page = record.get('page') as { d: Node; rank: unknown; t: unknown }[];
      const edges = page.slice(0, q.first).map((x) => {
        const node = toEventNode(x.d);
        const rank = Number(x.rank);
        const t = BigInt(String(x.t));
        return {
          node,
          reason: (rank === 0 ? 'DESCENDANT_OF_ACCEPTING_PROCESS' : 'STARTED_IN_WINDOW') as StartedReason,
          offsetMs: Number(t - q.scope.anchor),
          cursor: encodeCursor('startedThere', { d: rank, t: t.toString(), uid: node.uid }),
        };
      });
      return { totalCount: Number(record.get('total')), edges, hasNextPage: page.length > q.first };
    });
  }

  /** Each connection's report by the other host (flow.ts), or null; answers in request order. */
  async peers(requests: readonly PeerRequest[], orgs: OrgScope): Promise<(EventNode | null)[]> {
    const out: (EventNode | null)[] = requests.map(() => null);
    // The tolerance is a query parameter: one round trip per distinct tolerance (almost always one).
    const byTolerance = new Map<number, number[]>();
    requests.forEach((q, i) => byTolerance.set(q.toleranceMs, [...(byTolerance.get(q.toleranceMs) ?? []), i]));
    await Promise.all(
      [...byTolerance].map(async ([toleranceMs, indexes]) => {
        const result = await this.executor.read(FLOW_PEERS, {
          requests: indexes.map((i) => ({ key: BigInt(i), uid: (requests[i] as PeerRequest).uid })),
          orgs,
          flowTolerance: BigInt(toleranceMs),
        });
        for (const r of result.records) out[Number(r.get('key'))] = toEventNode(r.get('peer') as Node);
      }),
    );
    return out;
  }

  /**
   * The shortest chain between two events: over parent, target and containment links on one host,
   * or, between hosts, through the network flow that both hosts' sensors reported.
   */
  async path(from: PathEnd, to: PathEnd, maxHops: number, orgs: OrgScope): Promise<{ nodes: EventNode[]; steps: PathStep[] } | null> {
    const crossHost = from.oid === to.oid && from.sid !== null && to.sid !== null && from.sid !== to.sid;
    return crossHost
      ? this.read(crossHostPathQuery(maxHops), { from: from.uid, to: to.uid, orgs, types: CONNECTION_TYPES, flowTolerance: flowToleranceParam(FLOW_TOLERANCE_DEFAULT_SECONDS) })
      : this.read(pathQuery(maxHops), { from: from.uid, to: to.uid, orgs });
  }

  private async read(query: NamedQuery, params: Record<string, unknown>): Promise<{ nodes: EventNode[]; steps: PathStep[] } | null> {
    const result = await this.executor.read(query, params);
    const record = result.records[0];
    if (!record) return null;
    return { nodes: (record.get('nodes') as Node[]).map(toEventNode), steps: record.get('steps') as PathStep[] };
  }
}
