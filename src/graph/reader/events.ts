/**
 * Reading events: by atom, by key (batched for DataLoader), and the ancestry chain. Every query
 * applies the caller's org scope inside the Cypher (`$orgs` null means every org).
 */
import type { Node } from 'neo4j-driver';
import { AppError, ErrorCode } from '../../errors/codes';
import type { GraphExecutor, NamedQuery } from '../executor';
import type { EventRow } from '../writer/rows';
import { toBigInt, toStr as str } from './values';
import { chosenOrg, live, orgScope } from './scope';

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

/** Orgs named in an "atom in several orgs" error, at most. */
export const MAX_ORGS_LISTED = 50;

/** How deep an ancestry walk can ever go; the API's own cap is configured below this. */
export const ANCESTRY_HARD_LIMIT = 1000;

/**
 * An atom is unique within an org, not across orgs (the same capture can be loaded into two): all
 * the caller's matches come back, and more than one is an error naming the orgs, never whichever
 * came first. A few orgs at most; the cap only bounds a pathological graph.
 */
export const EVENT_BY_ATOM: NamedQuery = {
  name: 'event by atom',
  cypher: `
MATCH (e:Event {atom: $atom})
WHERE ${orgScope('e')} AND ${chosenOrg('e')}
RETURN e ORDER BY e.oid LIMIT ${MAX_ORGS_LISTED}`,
};

export const EVENTS_BY_UID: NamedQuery = {
  name: 'events by uid',
  cypher: `
UNWIND $uids AS uid
MATCH (e:Event {uid: uid})
WHERE ${orgScope('e')}
RETURN e`,
};

/**
 * Ancestry follows PARENT edges up to the hard limit; a PARENT cycle (possible in hand-made or
 * corrupted input) cannot loop, since a path never repeats an edge, and each ancestor keeps its
 * smallest depth. In a cycle the walk comes back to the start, which is not its own ancestor.
 * The walk stops below an event retention is deleting (the chain ends where the parent is
 * missing, as it will once that event is a placeholder), so the walk never passes through it.
 */
const ANCESTRY_WALK = `
MATCH p = (e)-[:PARENT*1..${ANCESTRY_HARD_LIMIT}]->(a:Event)
WHERE all(n IN nodes(p) WHERE ${live('n')})
WITH e, a, min(length(p)) AS depth
WHERE depth <= $maxDepth AND a <> e AND ${live('a')}
RETURN a AS e, depth ORDER BY depth`;

export const ANCESTORS: NamedQuery = {
  name: 'ancestors',
  cypher: `
MATCH (e:Event {uid: $uid})
WHERE ${orgScope('e')}${ANCESTRY_WALK}`,
};

/**
 * The root field: the start is found by atom (as EVENT_BY_ATOM does) in the same round trip. The
 * walk runs only when exactly one org holds the atom; `starts` lets the caller say which orgs do
 * otherwise. The subquery ends in an aggregation, so there is always one row.
 */
export const ANCESTORS_OF_ATOM: NamedQuery = {
  name: 'ancestors of atom',
  cypher: `
MATCH (s:Event {atom: $atom})
WHERE ${orgScope('s')} AND ${chosenOrg('s')}
WITH s ORDER BY s.oid LIMIT ${MAX_ORGS_LISTED}
WITH collect(s) AS starts
CALL (starts) {
  UNWIND (CASE WHEN size(starts) = 1 THEN starts ELSE [] END) AS e
  MATCH p = (e)-[:PARENT*1..${ANCESTRY_HARD_LIMIT}]->(a:Event)
  WHERE all(n IN nodes(p) WHERE ${live('n')})
  WITH e, a, min(length(p)) AS depth
  WHERE depth <= $maxDepth AND a <> e AND ${live('a')}
  WITH a ORDER BY depth
  RETURN collect(a) AS chain
}
RETURN starts, chain`,
};



/**
 * THE event mapper: an event node's properties -> EventNode, for a node read back and for a row
 * the writer has just stored (the live feed), so both resolve alike.
 */
export function eventNodeOf(p: Record<string, unknown>): EventNode {
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

/**
 * An event another names that no reader may read: retention is deleting it (scope.ts, live). It is
 * what it will be once deleted: missing, like a parent that never arrived, nothing known of it.
 */
export function missingEventNode(oid: string, atom: string): EventNode {
  return eventNodeOf({ uid: `${oid}/${atom}`, oid, atom, placeholder: true });
}

export function toEventNode(node: Node): EventNode {
  return eventNodeOf(node.properties as Record<string, unknown>);
}

/** A row just stored (an event that arrived, never a placeholder) as the queries would read it back. */
export function rowToEventNode(row: EventRow): EventNode {
  return eventNodeOf({ ...row.props, uid: row.uid, placeholder: false });
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

/** One event, none, or a coded error naming the orgs that each hold an event with this atom. */
function single(atom: string, found: EventNode[]): EventNode | null {
  if (found.length <= 1) return found[0] ?? null;
  const orgIds = [...new Set(found.map((e) => e.oid))];
  throw new AppError(ErrorCode.AMBIGUOUS_ATOM, `atom ${atom} exists in ${orgIds.length} of your orgs (${orgIds.join(', ')}): pass orgId to say which`, { orgIds });
}

export class EventReader {
  constructor(private readonly executor: GraphExecutor) {}

  /** The event with this atom among the caller's orgs; AMBIGUOUS_ATOM when more than one org holds it. */
  async byAtom(atom: string, orgs: OrgScope, orgId: string | null): Promise<EventNode | null> {
    const result = await this.executor.read(EVENT_BY_ATOM, { atom, orgs, orgId });
    return single(atom, result.records.map((r) => toEventNode(r.get('e') as Node)));
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

  /** Ancestors of the event `byAtom` would find (itself first with includeSelf); empty when there is none. */
  async ancestorsOfAtom(atom: string, maxDepth: number, orgs: OrgScope, orgId: string | null, includeSelf = false): Promise<EventNode[]> {
    const result = await this.executor.read(ANCESTORS_OF_ATOM, { atom, maxDepth: BigInt(maxDepth), orgs, orgId });
    const record = result.records[0];
    const start = single(atom, ((record?.get('starts') as Node[] | undefined) ?? []).map(toEventNode));
    if (!start) return [];
    const chain = ((record?.get('chain') as Node[] | undefined) ?? []).map(toEventNode);
    return includeSelf ? [start, ...chain] : chain;
  }
}
