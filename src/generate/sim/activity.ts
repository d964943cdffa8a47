/**
 * One tick of a running process: it exits when its time is up; otherwise it closes a connection,
 * starts a child, or does a burst of one thing its profile says programs like it do (resolve
 * names, connect, touch files or registry keys, load modules, open other processes...).
 */
import { documentBody, identityBody, typeAccessBody } from '../events/files';
import { httpBody } from '../events/network';
import { crossProcessBody } from '../events/threats';
import { writeConnection, writeDns, writeFile, writeRegistry, writeUdpSocket } from '../events/writers';
import { q } from '../events/json';
import type { Host } from '../fleet/hosts';
import { randomHex } from '../ids';
import type { ActivityKind, Profile } from '../platforms';
import { cumulate } from '../prng';
import { accept, connect, domainIp, domainIp6, ephemeralPort, peerOf, remember } from './network';
import { BURST_MEAN, burstSize } from './burst';
import { loadModule, planTick, programOf, spawn, terminate } from './processes';
import type { Conn, Proc, World } from './state';
import { expand, expandJson } from './templates';

interface Mix {
  readonly kinds: readonly ActivityKind[];
  readonly cumulative: readonly number[];
}

const mixes = new WeakMap<Profile, Mix>();
const spawnWeights = new WeakMap<object, number[]>();

function mixOf(profile: Profile): Mix {
  let mix = mixes.get(profile);
  if (!mix) {
    const entries = Object.entries(profile.mix) as [ActivityKind, number][];
    mix = { kinds: entries.map(([k]) => k), cumulative: cumulate(entries.map(([, w]) => w)) };
    mixes.set(profile, mix);
  }
  return mix;
}

function profileOf(p: Proc): Profile {
  if (p.profile) return p.profile;
  const profile = p.state.host.model.profiles[p.program.profile];
  if (!profile) throw new Error(`the ${p.state.host.platform} platform has no profile ${JSON.stringify(p.program.profile)} (program ${p.key})`);
  p.profile = profile;
  return profile;
}



export function tick(world: World, p: Proc, time: number): void {
  if (!p.alive) return;
  if (time >= p.end) {
    terminate(world, p, time);
    return;
  }
  const rng = p.state.host.rng;
  const spawns = p.program.spawns;
  if (p.openConn && rng.chance(0.3)) {
    const c = p.openConn;
    p.openConn = null;
    writeConnection(world.emitter, p, c.protocol === 'tcp6' ? 'TERMINATE_TCP6_CONNECTION' : 'TERMINATE_TCP4_CONNECTION', c, time);
  } else if (spawns && rng.float() * (p.program.rate / BURST_MEAN + spawns.perHour / 60) < spawns.perHour / 60) {
    spawnChild(world, p, time);
  } else {
    const n = burstSize(rng);
    const kind = pickKind(p);
    for (let i = 0; i < n && p.alive; i++) act(world, p, time + i * rng.int(1, 40), kind);
  }
  planTick(world, p, time);
}

function spawnChild(world: World, p: Proc, time: number): void {
  const host = p.state.host;
  const children = p.program.spawns?.children ?? [];
  let weights = spawnWeights.get(children);
  if (!weights) {
    weights = cumulate(children.map(([, w]) => w));
    spawnWeights.set(children, weights);
  }
  let key = children[host.rng.weighted(weights)]?.[0];
  if (key === '$tool') key = host.tools.length > 0 ? host.rng.pick(host.tools) : undefined;
  if (key === undefined) {
    act(world, p, time);
    return;
  }
  spawn(world, p.state, p, key, programOf(host, key), time);
}

/** A path from the pools of the process's profile, as a JSON string literal. */
function pickProfilePath(p: Proc, profile: Profile, time: number): string | null {
  let pools = p.filePools;
  if (!pools) {
    const files = p.state.host.model.files;
    pools = (profile.files ?? []).map((name) => files[name] ?? []).filter((pool) => pool.length > 0);
    p.filePools = pools;
  }
  if (pools.length === 0) return null;
  const host = p.state.host;
  const rng = host.rng;
  const pool = pools.length === 1 ? (pools[0] as readonly string[]) : (pools[rng.below(pools.length)] as readonly string[]);
  return expandJson(pool[rng.below(pool.length)] as string, { host, rng, time });
}

/** A path from one of the pools, as a JSON string literal. */
function pickPath(host: Host, pools: readonly string[] | undefined, time: number): string | null {
  if (!pools || pools.length === 0) return null;
  const pool = host.model.files[host.rng.pick(pools)];
  if (!pool || pool.length === 0) return null;
  return expandJson(host.rng.pick(pool), { host, rng: host.rng, time });
}

function pickDomain(host: Host, profile: Profile, time: number): string | null {
  const pool = profile.domains ? host.model.domains[profile.domains] : undefined;
  if (!pool || pool.length === 0) return null;
  return expand(host.rng.pick(pool), { host, rng: host.rng, time });
}

const FILE_TYPES: Partial<Record<ActivityKind, string>> = { fileCreate: 'FILE_CREATE', fileModify: 'FILE_MODIFIED', fileRead: 'FILE_READ', fileDelete: 'FILE_DELETE' };
const REGISTRY_TYPES: Partial<Record<ActivityKind, string>> = { regWrite: 'REGISTRY_WRITE', regCreate: 'REGISTRY_CREATE', regDelete: 'REGISTRY_DELETE' };
const ACCESS_FLAGS = [4096, 4096, 4096, 5136, 1040, 2097151, 1048575];
const HTTP_PATHS = ['/', '/api/v1/items', '/static/js/main.js', '/favicon.ico', '/login', '/search?q=report', '/assets/app.css', '/graphql'];

function pickKind(p: Proc): ActivityKind {
  const mix = mixOf(profileOf(p));
  return mix.kinds[p.state.host.rng.weighted(mix.cumulative)] as ActivityKind;
}

/** One event of the given kind (or of a kind the profile picks). */
function act(world: World, p: Proc, time: number, kind: ActivityKind = pickKind(p)): void {
  const host = p.state.host;
  const rng = host.rng;
  const { emitter } = world;
  const profile = profileOf(p);
  const parent = { parent: p.atom };
  switch (kind) {
    case 'dns': {
      const domain = pickDomain(host, profile, time);
      if (!domain) break;
      const ip = domainIp(domain, host);
      writeDns(emitter, p, domain, ip, rng.below(65536), time);
      p.lastIp = ip;
      // Most lookups are followed by a connection to the answer.
      if (rng.chance(0.4)) connect(world, p, time + rng.int(5, 150), ip, rng.pick(profile.ports ?? [443]));
      return;
    }
    case 'tcp': {
      if (profile.internal && (!profile.domains || rng.chance(0.5))) {
        connect(world, p, time, peerOf(host, rng.u32(), true).intIp, rng.pick(profile.internal));
      } else {
        const domain = p.lastIp ? null : pickDomain(host, profile, time);
        connect(world, p, time, p.lastIp ?? (domain ? domainIp(domain, host) : peerOf(host, rng.u32(), true).intIp), rng.pick(profile.ports ?? [443]));
      }
      return;
    }
    case 'tcp6': {
      const domain = pickDomain(host, profile, time) ?? 'www.google.com';
      connect(world, p, time, domainIp6(domain), rng.pick(profile.ports ?? [443]), true);
      return;
    }
    case 'tcpIn': {
      const from = rng.chance(0.6) ? peerOf(host, rng.u32(), false).intIp : `203.0.113.${rng.int(1, 254)}`;
      accept(world, p, time, from, rng.pick(profile.listen ?? [443]));
      return;
    }
    case 'udp':
    case 'udp6': {
      const type = kind === 'udp6' ? 'NEW_UDP6_CONNECTION' : 'NEW_UDP4_CONNECTION';
      if (kind === 'udp' && rng.chance(0.3)) {
        const dns = peerOf(host, 0, true);
        const conn: Conn = { protocol: 'udp4', srcIp: host.intIp, srcPort: ephemeralPort(host), dstIp: dns.intIp, dstPort: rng.pick([53, 53, 123, 443]), time, outgoing: true };
        writeConnection(emitter, p, type, conn, time);
        remember(world, p, conn, time);
      } else {
        // The seed's shape: the local socket only.
        writeUdpSocket(emitter, p, type, kind === 'udp6' ? host.ip6 : host.intIp, ephemeralPort(host), time);
      }
      return;
    }
    case 'fileCreate':
    case 'fileModify':
    case 'fileRead':
    case 'fileDelete': {
      const path = pickProfilePath(p, profile, time);
      if (!path) break;
      writeFile(emitter, p, FILE_TYPES[kind] as string, time, path);
      return;
    }
    case 'document': {
      const path = pickPath(host, ['downloads', 'documents'], time);
      if (!path) break;
      emitter.emit(host, 'NEW_DOCUMENT', time, documentBody(p, path, randomHex(rng, 32), time), parent);
      return;
    }
    case 'typeAccess': {
      const path = pickPath(host, ['documents'], time);
      if (!path) break;
      emitter.emit(host, 'FILE_TYPE_ACCESSED', time, typeAccessBody(p, path, rng.int(1, 6), time), parent);
      return;
    }
    case 'regWrite':
    case 'regCreate':
    case 'regDelete': {
      const pool = profile.registry ? host.model.registry[profile.registry] : undefined;
      if (!pool || pool.length === 0) break;
      const key = expandJson(rng.pick(pool), { host, rng, time });
      writeRegistry(emitter, p, REGISTRY_TYPES[kind] as string, time, key, rng);
      return;
    }
    case 'pipeNew':
    case 'pipeOpen': {
      const path = pickPath(host, ['pipes'], time);
      if (!path) break;
      writeFile(emitter, p, kind === 'pipeNew' ? 'NEW_NAMED_PIPE' : 'OPEN_NAMED_PIPE', time, path);
      return;
    }
    case 'module': {
      const key = rng.pick(profile.modules ?? host.model.baseModules);
      loadModule(world, p, p.state.images.get(key), time);
      return;
    }
    case 'handle':
    case 'thread': {
      const target = otherLive(p);
      if (!target) break;
      const extra = kind === 'handle' ? `"ACCESS_FLAGS":${rng.pick(ACCESS_FLAGS)}` : `"THREAD_ID":${4 * rng.int(100, 9000)}`;
      const snapshots = kind === 'thread' || rng.chance(0.25);
      emitter.emit(host, kind === 'handle' ? 'REMOTE_PROCESS_HANDLE' : 'NEW_REMOTE_THREAD', time, crossProcessBody(p, target, time, extra, snapshots), { parent: p.atom, target: target.atom });
      return;
    }
    case 'http': {
      const domain = pickDomain(host, profile, time);
      if (!domain) break;
      emitter.emit(host, 'HTTP_REQUEST', time, httpBody(p, `https://${domain}${rng.pick(HTTP_PATHS)}`, domainIp(domain, host), time), parent);
      return;
    }
    case 'identity':
      emitter.emit(host, 'ONGOING_IDENTITY', time, identityBody('ONGOING_IDENTITY', p.image, host.platform, time), parent);
      return;
  }
  // The kind does not apply here (no pool on this platform): a file read, which every process does.
  writeFile(emitter, p, 'FILE_READ', time, q(p.image.path));
}

/** Another live process on the same host, or undefined when p is alone. */
export function otherLive(p: Proc): Proc | undefined {
  const live = p.state.live;
  if (live.length < 2) return undefined;
  const i = p.state.host.rng.below(live.length - 1);
  const target = live[i] as Proc;
  return target === p ? (live[live.length - 1] as Proc) : target;
}
