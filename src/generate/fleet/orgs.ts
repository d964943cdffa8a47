/**
 * Organisations: each has its own oid and installer key, a Windows domain (NetBIOS name and SID),
 * a private 10.x.0.0/12 range its hosts take their addresses from, and a couple of egress addresses.
 */
import { namedUuid } from '../ids';
import type { Prng } from '../prng';
import type { Host } from './hosts';
import { ORG_NAMES } from './names';

export interface Org {
  readonly index: number;
  /** Lower-case short name (acme), used in host names, domains and internal tool paths. */
  readonly name: string;
  readonly display: string;
  readonly netbios: string;
  readonly domain: string;
  readonly oid: string;
  readonly iid: string;
  /** The Windows domain SID users' SIDs extend. */
  readonly domainSid: string;
  /** First address of the org's range, as a 32-bit number. */
  readonly ipBase: number;
  readonly egress: readonly string[];
  readonly hosts: Host[];
  /** Servers of any platform: where workstations connect for files, directory, databases. */
  readonly servers: Host[];
}

const TEST_NETS = ['203.0.113', '198.51.100', '192.0.2'];
const TLDS = ['corp', 'local', 'internal', 'com'];

export function buildOrg(index: number, seed: string, rng: Prng): Org {
  const [base, display] = ORG_NAMES[index % ORG_NAMES.length] as readonly [string, string];
  const round = Math.floor(index / ORG_NAMES.length);
  const name = round === 0 ? base : `${base}${round + 1}`;
  const sidPart = () => String(rng.int(100_000_000, 4_000_000_000));
  return {
    index,
    name,
    display: round === 0 ? display : `${display} ${round + 1}`,
    netbios: name.toUpperCase().slice(0, 15),
    domain: `${name}.${TLDS[index % TLDS.length] ?? 'corp'}`,
    oid: namedUuid(`atomgraph/${seed}/org/${index}`),
    iid: namedUuid(`atomgraph/${seed}/installer/${index}`),
    domainSid: `S-1-5-21-${sidPart()}-${sidPart()}-${sidPart()}`,
    // 10.0.0.0/8 holds sixteen /12s; orgs beyond that reuse ranges, as unrelated networks do.
    ipBase: ((10 << 24) | ((index % 16) << 20)) >>> 0,
    // Documentation ranges (RFC 5737): realistic-looking, never someone's real address.
    egress: [0, 1].map((k) => `${TEST_NETS[(index + k) % TEST_NETS.length] ?? '192.0.2'}.${10 + ((index * 37 + k * 11) % 240)}`),
    hosts: [],
    servers: [],
  };
}

export function ipText(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
