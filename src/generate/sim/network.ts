/**
 * Addresses and connections. A domain always resolves to the same address, inside the block of
 * the provider it belongs to (Google, Microsoft, GitHub, AWS...), so DNS answers and the
 * connections that follow them agree across hosts; the org's own names resolve to its servers.
 */
import { writeConnection } from '../events/writers';
import { networkConnectionsBody } from '../events/process';
import type { Host } from '../fleet/hosts';
import { hash32 } from '../prng';
import type { Conn, Proc, World } from './state';

const PROVIDERS: readonly (readonly [RegExp, readonly string[]])[] = [
  [/google|gstatic|youtube|gvt1|doubleclick|googletagmanager|google-analytics/, ['142.250', '172.217', '216.58']],
  [/microsoft|windows|office|live\.(com|net)|skype|msn|bing|sharepoint|msedge|azure|sfx\.ms|msftncsi|msftconnecttest|outlook|akamaized/, ['13.107', '20.42', '40.126', '52.96', '204.79']],
  [/github/, ['140.82']],
  [/amazon|aws|cloudfront|sentry/, ['52.216', '54.239', '18.160']],
  [/apple|icloud/, ['17.253', '17.57']],
  [/ubuntu|launchpad|snapcraft|debian/, ['185.125', '91.189']],
  [/slack|zoom/, ['3.120', '54.230']],
  [/docker|ghcr/, ['44.205', '54.236']],
];
const DEFAULT_BLOCKS = ['104.16', '104.18', '151.101', '199.232'];

/** A host of the same org other than `host` (servers first when asked), or `host` itself when alone. */
export function peerOf(host: Host, h: number, preferServer: boolean): Host {
  const org = host.org;
  const pool = preferServer && org.servers.some((s) => s !== host) ? org.servers : org.hosts;
  const candidate = pool[h % pool.length] as Host;
  if (candidate !== host || pool.length === 1) return candidate;
  return pool[(h + 1) % pool.length] as Host;
}

export function domainIp(domain: string, host: Host): string {
  const h = hash32(domain);
  if (domain.endsWith(host.org.domain)) return peerOf(host, h, true).intIp;
  const blocks = PROVIDERS.find(([re]) => re.test(domain))?.[1] ?? DEFAULT_BLOCKS;
  return `${blocks[h % blocks.length] ?? '104.16'}.${(h >>> 8) & 255}.${((h >>> 16) & 253) + 1}`;
}

/** IPv6 answers stay in the documentation prefix (RFC 3849). */
export function domainIp6(domain: string): string {
  const h = hash32(domain);
  return `2001:db8:${(h >>> 16).toString(16)}:${(h & 0xffff).toString(16)}::${((h >>> 4) & 0xfff).toString(16) || '1'}`;
}

export function ephemeralPort(host: Host): number {
  const [lo, hi] = host.model.ephemeral;
  return host.rng.int(lo, hi);
}

/** An outbound TCP connection: NEW_TCP4/6_CONNECTION, remembered for the network summaries. */
export function connect(world: World, p: Proc, time: number, dstIp: string, dstPort: number, v6 = false, wantAtom = false): Conn {
  const host = p.state.host;
  const conn: Conn = { protocol: v6 ? 'tcp6' : 'tcp4', srcIp: v6 ? host.ip6 : host.intIp, srcPort: ephemeralPort(host), dstIp, dstPort, time, outgoing: true };
  p.lastConnectionAtom = writeConnection(world.emitter, p, v6 ? 'NEW_TCP6_CONNECTION' : 'NEW_TCP4_CONNECTION', conn, time, wantAtom);
  p.openConn = conn;
  remember(world, p, conn, time);
  return conn;
}

/**
 * An inbound TCP connection to a listening process: SOURCE is the remote side. When the remote side
 * is one of ours, `srcPort` is the port its outbound connection used: both sensors report the same flow.
 */
export function accept(world: World, p: Proc, time: number, srcIp: string, localPort: number, wantAtom = false, srcPort?: number): Conn {
  const host = p.state.host;
  const conn: Conn = { protocol: 'tcp4', srcIp, srcPort: srcPort ?? host.rng.int(49152, 65535), dstIp: host.intIp, dstPort: localPort, time, outgoing: false };
  p.lastConnectionAtom = writeConnection(world.emitter, p, 'NEW_TCP4_CONNECTION', conn, time, wantAtom);
  remember(world, p, conn, time);
  return conn;
}

/** Newer sensors report a process's connections every ten of them (NETWORK_CONNECTIONS); the rest go in NETWORK_SUMMARY at exit. */
export function remember(world: World, p: Proc, conn: Conn, time: number): void {
  p.conns.push(conn);
  if (p.conns.length >= 10) {
    world.emitter.emit(p.state.host, 'NETWORK_CONNECTIONS', time + 1, networkConnectionsBody(p, p.conns, time + 1), { parent: p.atom });
    p.conns = [];
  }
}
