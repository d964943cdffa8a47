/**
 * Reading events: by atom, by key (batched for DataLoader), and the ancestry chain. Every query
 * applies the caller's org scope inside the Cypher (`$orgs` null means every org).
 */
import type { Node } from 'neo4j-driver';
import type { GraphExecutor, NamedQuery } from '../executor';
import { toBigInt, toStr as str } from './values';

/** An event as the graph holds it; the API maps it to GraphQL types. */
export interface EventNode {
  uid: string;
  oid: string;
  atom: string;
  type: string | null;
  placeholder: boolean;
  time: bigint | null;
  bodyTime: bigint | null;
  eventId: string | null;
  sid: string | null;
  hostname: string | null;
  parentAtom: string | null;
  targetAtom: string | null;
  raw: string | null;
  /** For a placeholder: what the events naming it said of it (null when nothing, and for every event that arrived). */
  known?: KnownOfMissing | null;
}

/** What a placeholder is known by (written by DESCRIBE_PLACEHOLDERS; the host is in EventNode's sid/hostname). */
export interface KnownOfMissing {
  /** The key of the event whose report this is. */
  from: string;
  /** True when that event carried a snapshot of it; false when only its routing (the host) is known. */
  snapshot: boolean;
  filePath: string | null;
  commandLine: string | null;
  processId: bigint | null;
  userName: string | null;
  hash: string | null;
}

/** How deep an ancestry walk can ever go; the API's own cap is configured below this. */
export const ANCESTRY_HARD_LIMIT = 1000;

export const EVENT_BY_ATOM: NamedQuery = {
  name: 'event by atom',
  cypher: `
MATCH (e:Event {atom: $atom})
WHERE ($orgs IS NULL OR e.oid IN $orgs) AND ($orgId IS NULL OR e.oid = $orgId)
RETURN e ORDER BY e.placeholder, e.oid LIMIT 1`,
};

export const EVENTS_BY_UID: NamedQuery = {
  name: 'events by uid',
  cypher: `
UNWIND $uids AS uid
MATCH (e:Event {uid: uid})
WHERE $orgs IS NULL OR e.oid IN $orgs
RETURN e`,
};

/**
 * Ancestry follows PARENT edges up to the hard limit; a PARENT cycle (possible in hand-made or
 * corrupted input) cannot loop, since a path never repeats an edge, and each ancestor keeps its
 * smallest depth. In a cycle the walk comes back to the start, which is not its own ancestor.
 */
const ANCESTRY_WALK = `
MATCH p = (e)-[:PARENT*1..${ANCESTRY_HARD_LIMIT}]->(a:Event)
WITH e, a, min(length(p)) AS depth
WHERE depth <= $maxDepth AND a <> e
RETURN a AS e, depth ORDER BY depth`;

export const ANCESTORS: NamedQuery = {
  name: 'ancestors',
  cypher: `
MATCH (e:Event {uid: $uid})
WHERE $orgs IS NULL OR e.oid IN $orgs${ANCESTRY_WALK}`,
};

/** The root field: the start is found by atom (as EVENT_BY_ATOM does) in the same round trip. */
export const ANCESTORS_OF_ATOM: NamedQuery = {
  name: 'ancestors of atom',
  cypher: `
MATCH (s:Event {atom: $atom})
WHERE ($orgs IS NULL OR s.oid IN $orgs) AND ($orgId IS NULL OR s.oid = $orgId)
WITH s AS e ORDER BY s.placeholder, s.oid LIMIT 1${ANCESTRY_WALK}`,
};



export function toEventNode(node: Node): EventNode {
  const p = node.properties as Record<string, unknown>;
  return {
    uid: String(p['uid']),
    oid: String(p['oid']),
    atom: String(p['atom'] ?? ''),
    type: str(p['type']),
    placeholder: p['placeholder'] === true,
    time: toBigInt(p['time']),
    bodyTime: toBigInt(p['bodyTime']),
    eventId: str(p['eventId']),
    sid: str(p['sid']),
    hostname: str(p['hostname']),
    parentAtom: str(p['parentAtom']),
    targetAtom: str(p['targetAtom']),
    raw: str(p['raw']),
    known: p['placeholder'] === true && typeof p['snapshotFrom'] === 'string' ? knownOf(p, p['snapshotFrom']) : null,
  };
}

function knownOf(p: Record<string, unknown>, from: string): KnownOfMissing {
  return {
    from,
    snapshot: p['snapshot'] === true,
    filePath: str(p['filePath']),
    commandLine: str(p['commandLine']),
    processId: toBigInt(p['processId']),
    userName: str(p['userName']),
    hash: str(p['hash']),
  };
}

export type OrgScope = readonly string[] | null;

export class EventReader {
  constructor(private readonly executor: GraphExecutor) {}

  async byAtom(atom: string, orgs: OrgScope, orgId: string | null): Promise<EventNode | null> {
    const result = await this.executor.read(EVENT_BY_ATOM, { atom, orgs, orgId });
    const record = result.records[0];
    return record ? toEventNode(record.get('e') as Node) : null;
  }

  /** For DataLoader: one round trip for any number of keys, answers in key order. */
  async byUids(uids: readonly string[], orgs: OrgScope): Promise<(EventNode | null)[]> {
    const result = await this.executor.read(EVENTS_BY_UID, { uids, orgs });
    const found = new Map(result.records.map((r) => {
      const node = toEventNode(r.get('e') as Node);
      return [node.uid, node] as const;
    }));
    return uids.map((uid) => found.get(uid) ?? null);
  }

  async ancestors(uid: string, maxDepth: number, orgs: OrgScope): Promise<EventNode[]> {
    const result = await this.executor.read(ANCESTORS, { uid, maxDepth: BigInt(maxDepth), orgs });
    return result.records.map((r) => toEventNode(r.get('e') as Node));
  }

  /** Ancestors of the event `byAtom` would find; empty when there is none. */
  async ancestorsOfAtom(atom: string, maxDepth: number, orgs: OrgScope, orgId: string | null): Promise<EventNode[]> {
    const result = await this.executor.read(ANCESTORS_OF_ATOM, { atom, maxDepth: BigInt(maxDepth), orgs, orgId });
    return result.records.map((r) => toEventNode(r.get('e') as Node));
  }
}
