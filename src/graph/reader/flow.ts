/**
 * THE rule for "the same network flow, as another host's sensor reported it". One definition, used
 * by `lateralMovement` (the destination's own report of a connection), every connection event's
 * `peer`, and `path` (its FLOW step between two hosts). Two connection events report the same flow
 * when:
 *   - they are in the same org, from two different sensors, and of the same event type
 *     (NEW_TCP4_CONNECTION with NEW_TCP4_CONNECTION, TERMINATE_TCP4_CONNECTION with its like);
 *   - they name the same two endpoints (address and port), in the same direction or swapped:
 *     sensors differ on whether an inbound connection's SOURCE is the remote side (Sysmon, and
 *     LimaCharlie's Windows sensor) or the local one;
 *   - their event times are at most a tolerance apart. Each time comes from its own host's clock,
 *     and real hosts disagree by seconds (0.3-3.4 s on the shared captures), so the tolerance is
 *     minutes, not milliseconds; an ephemeral port is not reused between two hosts within minutes.
 * When several events qualify (a host that reported the flow twice), the nearest in time wins,
 * then the smallest key, so the answer never depends on storage order.
 *
 * The candidates are found through the `event_flow` index on (srcIp, srcPort), one seek per
 * direction, never by scanning connections.
 */
import { live } from './scope';

/** Connection types that report a flow between two endpoints (each promotes srcIp/srcPort/dstIp/dstPort). */
export const FLOW_EVENT_TYPES = [
  'NEW_TCP4_CONNECTION',
  'NEW_TCP6_CONNECTION',
  'NEW_UDP4_CONNECTION',
  'NEW_UDP6_CONNECTION',
  'TERMINATE_TCP4_CONNECTION',
  'TERMINATE_TCP6_CONNECTION',
] as const;

/** The tolerance when none is given, and the most a client may ask for. */
export const FLOW_TOLERANCE_DEFAULT_SECONDS = 300;
export const FLOW_TOLERANCE_MAX_SECONDS = 3600;

/** The conditions every candidate meets besides its endpoints (see the module comment). */
function sameFlowTail(c: string, peer: string, extra: string): string {
  return `${peer}.oid = ${c}.oid AND ${peer}.sid <> ${c}.sid AND ${peer}.type = ${c}.type
    AND abs(${peer}.time - ${c}.time) <= $flowTolerance AND ${live(peer)}${extra ? ` AND ${extra}` : ''}`;
}

/**
 * A Cypher subquery binding `peer` to the other host's report of the flow `c` reports, nearest in
 * time (at most one row; none when no other sensor reported it). `extra` adds conditions on `peer`
 * (e.g. the sensor it must come from), naming the variables it `uses` besides `c`. Needs
 * `$flowTolerance` (milliseconds). Prefix with OPTIONAL to keep rows without a peer.
 */
export function flowPeerCall(c: string, peer: string, extra = '', uses: readonly string[] = []): string {
  const tail = sameFlowTail(c, peer, extra);
  const vars = [c, ...uses].join(', ');
  return `CALL (${vars}) {
  CALL (${vars}) {
    MATCH (${peer}:Event)
    WHERE ${peer}.srcIp = ${c}.srcIp AND ${peer}.srcPort = ${c}.srcPort AND ${peer}.dstIp = ${c}.dstIp AND ${peer}.dstPort = ${c}.dstPort
      AND ${tail}
    RETURN ${peer}
    UNION
    MATCH (${peer}:Event)
    WHERE ${peer}.srcIp = ${c}.dstIp AND ${peer}.srcPort = ${c}.dstPort AND ${peer}.dstIp = ${c}.srcIp AND ${peer}.dstPort = ${c}.srcPort
      AND ${tail}
    RETURN ${peer}
  }
  WITH ${peer} ORDER BY abs(${peer}.time - ${c}.time), ${peer}.uid LIMIT 1
  RETURN ${peer}
}`;
}

/** Tolerance in seconds -> the `$flowTolerance` parameter (ms). */
export function flowToleranceParam(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1000));
}

/**
 * Which side started a connection. A connection event is an initiation from its SOURCE unless it
 * looks like a reply: its source port is a service port and its destination port is not. A
 * service port is one below 1024 or one of SERVICE_PORTS (well-known services above 1023). So a
 * DNS answer from a domain controller (53 -> 51234) or a Kerberos reply (88 -> 49700) is not lateral
 * movement, while 56608 -> 49726 (RPC on a dynamic port) and 51000 -> 5985 (WinRM) are.
 */
export const SERVICE_PORTS: readonly number[] = [1433, 1521, 2049, 3268, 3269, 3306, 3389, 5432, 5900, 5985, 5986, 8080, 8443, 9389];

/** Cypher: true when connection `c` is a reply from a service port (see SERVICE_PORTS). Needs `$servicePorts`. */
export function isReplyCondition(c: string): string {
  return `((${c}.srcPort < 1024 OR ${c}.srcPort IN $servicePorts) AND NOT (${c}.dstPort < 1024 OR ${c}.dstPort IN $servicePorts))`;
}

/** The same rule in TypeScript (the generator and tests use it). */
export function isReply(srcPort: number, dstPort: number): boolean {
  const service = (p: number) => p < 1024 || SERVICE_PORTS.includes(p);
  return service(srcPort) && !service(dstPort);
}
