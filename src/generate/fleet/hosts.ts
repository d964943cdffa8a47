/**
 * Sensors: platform, role, names, addresses and identity, and the routing members every one of
 * their events carries (pre-rendered once as JSON text: they are most of each line). Each org's
 * first hosts are a Windows workstation, a Windows server, a Linux server and a Mac, so that even
 * a small fleet has every platform and the attack stories have their victims.
 */
import { namedUuid } from '../ids';
import { MODELS, PLAT_CODES, type Platform, type PlatformModel, type Role } from '../platforms';
import { cumulate, hash32, Prng } from '../prng';
import { DEPARTMENTS, FIRST_NAMES, LAST_NAMES } from './names';
import { buildOrg, ipText, type Org } from './orgs';

export interface Host {
  /** Position in the fleet. */
  readonly index: number;
  readonly org: Org;
  /** Position within its org. */
  readonly ordinal: number;
  readonly platform: Platform;
  readonly role: Role;
  readonly model: PlatformModel;
  readonly hostname: string;
  readonly sid: string;
  readonly intIp: string;
  readonly extIp: string;
  readonly ip6: string;
  readonly plat: number;
  readonly arch: number;
  readonly tags: readonly string[];
  /** The interactive user: short name, as USER_NAME writes it, and (Windows) SID. */
  readonly user: string;
  readonly userName: string;
  readonly userSid: string;
  /** Rare tools installed here (program keys of the platform). */
  readonly tools: readonly string[];
  /** Milliseconds after the capture start at which it boots. */
  readonly bootOffset: number;
  /** Enrolled during the capture: its first boot is preceded by an `enrollment` event. */
  readonly enrolls: boolean;
  /** The routing members shared by all its events, as JSON text without braces. */
  readonly routing: string;
  /** The start of each of its lines, UTF-8: `{"routing":{` + routing + `,"event_time":`. */
  readonly prefix: Uint8Array;
  /** Its activity's random stream. */
  readonly rng: Prng;
}

export interface Fleet {
  readonly orgs: readonly Org[];
  readonly hosts: readonly Host[];
}

type Kind = readonly [Platform, Role];
const FIRST_KINDS: readonly Kind[] = [
  ['windows', 'workstation'],
  ['windows', 'server'],
  ['linux', 'server'],
  ['macos', 'workstation'],
];
const MIX: readonly (readonly [Kind, number])[] = [
  [['windows', 'workstation'], 55],
  [['windows', 'server'], 10],
  [['linux', 'server'], 20],
  [['linux', 'workstation'], 3],
  [['macos', 'workstation'], 12],
];
const MIX_WEIGHTS = cumulate(MIX.map(([, w]) => w));

const WINDOWS_SERVER_KINDS = ['DC', 'FS', 'APP', 'SQL', 'WEB', 'PRINT'];
const LINUX_SERVER_KINDS = ['web', 'api', 'db', 'worker', 'build', 'bastion', 'cache'];
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

export function buildFleet(seed: string, hostCount: number, orgCount: number): Fleet {
  const root = new Prng(`atomgraph/${seed}`);
  const fleetRng = root.fork('fleet');
  const orgs = Array.from({ length: orgCount }, (_, k) => buildOrg(k, seed, fleetRng.fork(`org/${k}`)));
  const used = orgs.map(() => ({ hostnames: new Set<string>(), users: new Set<string>() }));
  const hosts: Host[] = [];
  for (let i = 0; i < hostCount; i++) {
    // Round robin: org sizes differ by one at most.
    const org = orgs[i % orgCount] as Org;
    const ordinal = Math.floor(i / orgCount);
    const rng = fleetRng.fork(`host/${i}`);
    const taken = used[org.index] as { hostnames: Set<string>; users: Set<string> };
    const host = buildHost(i, org, ordinal, seed, rng, root.fork(`activity/${i}`), taken);
    hosts.push(host);
    org.hosts.push(host);
    if (host.role === 'server') org.servers.push(host);
  }
  return { orgs, hosts };
}

function buildHost(
  index: number,
  org: Org,
  ordinal: number,
  seed: string,
  rng: Prng,
  activity: Prng,
  taken: { hostnames: Set<string>; users: Set<string> },
): Host {
  const [platform, role] = ordinal < FIRST_KINDS.length ? (FIRST_KINDS[ordinal] as Kind) : (MIX[rng.weighted(MIX_WEIGHTS)]?.[0] as Kind);
  const model = MODELS[platform];
  const person = personName(rng, taken.users);
  const user = platform === 'linux' && role === 'server' ? rng.pick(['ubuntu', 'deploy', person.login, person.login]) : platform === 'windows' && role === 'server' ? 'Administrator' : person.login;
  const hostname = unique(taken.hostnames, (attempt) => hostName(platform, role, org, ordinal, person, rng, attempt));
  const sid = namedUuid(`atomgraph/${seed}/sensor/${index}`);
  const slot = 1 + Math.floor(ordinal / 250);
  const intIpNum = (org.ipBase + ((slot & 0xfff) << 8) + 10 + (ordinal % 250)) >>> 0;
  const intIp = ipText(intIpNum);
  const cloud = platform === 'linux' && role === 'server' && rng.chance(0.4);
  const extIp = cloud ? `198.51.100.${1 + rng.below(254)}` : rng.pick(org.egress);
  const arch = model.arches[rng.weighted(cumulate(model.arches.map(([, w]) => w)))]?.[0] ?? 2;
  const dept = rng.pick(DEPARTMENTS).toLowerCase();
  const tags = role === 'server' ? [platform, 'server', rng.pick(['prod', 'prod', 'staging'])] : [platform, 'workstation', dept];
  const tools = model.tools.filter((t) => hash32(`${sid}/${t}`) % 100 < (t === model.tools[model.tools.length - 1] ? 4 : 7));
  const userSid = `${org.domainSid}-${1100 + ordinal}`;
  const host: Omit<Host, 'routing' | 'prefix'> = {
    index,
    org,
    ordinal,
    platform,
    role,
    model,
    hostname,
    sid,
    intIp,
    extIp,
    ip6: `2001:db8:${(org.index & 0xffff).toString(16)}:${slot.toString(16)}::${(10 + (ordinal % 250)).toString(16)}`,
    plat: PLAT_CODES[platform],
    arch,
    tags,
    user,
    userName: model.userName(org.netbios, user),
    userSid,
    tools,
    // Most hosts are up within minutes of the capture start; a few laptops join later.
    bootOffset: rng.chance(0.05) ? rng.int(5 * 60_000, 40 * 60_000) : rng.int(0, 180_000),
    enrolls: ordinal % 8 === 7 || rng.chance(0.03),
    rng: activity,
  };
  const routing = routingMembers(host);
  return { ...host, routing, prefix: Buffer.from(`{"routing":{${routing},"event_time":`, 'utf8') };
}

/** Key order follows LimaCharlie's outputs; values are JSON-escaped once here. */
function routingMembers(h: Omit<Host, 'routing' | 'prefix'>): string {
  const s = JSON.stringify;
  return (
    `"oid":${s(h.org.oid)},"sid":${s(h.sid)},"did":"","iid":${s(h.org.iid)},"hostname":${s(h.hostname)},` +
    `"int_ip":${s(h.intIp)},"ext_ip":${s(h.extIp)},"plat":${h.plat},"arch":${h.arch},"moduleid":2,"tags":${s(h.tags)}`
  );
}

interface Person {
  readonly first: string;
  readonly last: string;
  readonly login: string;
}

function personName(rng: Prng, taken: Set<string>): Person {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const login = unique(taken, (attempt) => `${first[0] ?? 'x'}${last}${attempt === 0 ? '' : attempt + 1}`.toLowerCase());
  return { first, last, login };
}

function hostName(platform: Platform, role: Role, org: Org, ordinal: number, person: Person, rng: Prng, attempt: number): string {
  const n = (k: number) => String(k).padStart(2, '0');
  switch (`${platform}/${role}`) {
    case 'windows/workstation':
      return rng.chance(0.4)
        ? `DESKTOP-${Array.from({ length: 7 }, () => ALNUM[rng.below(ALNUM.length)]).join('')}`
        : `${org.netbios}-${rng.pick(['LT', 'WS'])}-${1000 + ordinal + attempt * 7919}`;
    case 'windows/server':
      return `${org.netbios}-${WINDOWS_SERVER_KINDS[ordinal % WINDOWS_SERVER_KINDS.length] ?? 'SRV'}${n(1 + Math.floor(ordinal / 6) + attempt)}`;
    case 'linux/server':
      return rng.chance(0.4)
        ? `ip-${org.ipBase >>> 24}-${(org.ipBase >>> 16) & 255}-${1 + Math.floor(ordinal / 250)}-${10 + (ordinal % 250)}.ec2.internal`
        : `${rng.pick(LINUX_SERVER_KINDS)}-${n(ordinal + attempt)}.${org.domain}`;
    case 'linux/workstation':
      return `${person.login}-thinkpad${attempt === 0 ? '' : attempt + 1}`;
    default:
      return rng.chance(0.5) ? `${person.first}s-MacBook-Pro${attempt === 0 ? '' : `-${attempt + 1}`}.local` : `${person.login}-mbp${attempt === 0 ? '' : attempt + 1}.local`;
  }
}

function unique(taken: Set<string>, make: (attempt: number) => string): string {
  for (let attempt = 0; ; attempt++) {
    const name = make(attempt);
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}
