/**
 * Process trees and an event's neighbourhood: descendants (breadth-first, with depth), direct
 * children, and the events that target one. One round trip each; children and targetedBy take many
 * parents at once so DataLoader can batch them.
 */
import type { Node } from 'neo4j-driver';
import type { GraphExecutor, NamedQuery } from '../executor';
import { decodeCursor, encodeCursor } from './cursor';
import { type EventNode, type OrgScope, toEventNode } from './events';
import { live, orgScope } from './scope';

export interface TreeEdge {
  node: EventNode;
  depth: number;
  cursor: string;
}

export interface Page {
  totalCount: number;
  edges: TreeEdge[];
  hasNextPage: boolean;
}

/**
 * Variable-length bounds must be literals in Cypher, and a bound applied after expansion would
 * still walk the whole tree; so each depth has its own statement, made from this one template
 * and chosen by a validated integer (like labels from an allowlist). Values stay $parameters.
 * The predicate inside the quantified pattern prunes the walk to the requested types. In a
 * PARENT cycle (hand-made or corrupted input) the walk comes back to the root, which is not its
 * own descendant.
 */
function descendantsWalk(depth: number): string {
  return `MATCH (root:Event {uid: $uid})
WHERE ${orgScope('root')}
MATCH (root) (()<-[:PARENT]-(x:Event WHERE $types IS NULL OR x.type IN $types)){1,${depth}}
WITH root, last(x) AS d, min(size(x)) AS depth
WHERE d <> root AND ${live('d')}
WITH d, depth, coalesce(d.time, 0) AS t`;
}

const descendantsCache = new Map<number, NamedQuery>();
export function descendantsQuery(depth: number): NamedQuery {
  if (!Number.isInteger(depth) || depth < 1 || depth > 1000) throw new Error(`descendants depth must be 1..1000, got ${depth}`);
  let query = descendantsCache.get(depth);
  if (!query) {
    query = {
      name: `descendants (depth ${depth})`,
      cypher: `
${descendantsWalk(depth)}
ORDER BY depth, t, d.uid
WITH collect({d: d, depth: depth, t: t}) AS rows
RETURN size(rows) AS total,
       [r IN rows WHERE $after IS NULL
          OR r.depth > $after.d
          OR (r.depth = $after.d AND (r.t > $after.t OR (r.t = $after.t AND r.d.uid > $after.uid)))][0..$limit] AS page`,
    };
    descendantsCache.set(depth, query);
  }
  return query;
}

/**
 * A page of descendants without totalCount: what follows the cursor, sorted and cut to the page,
 * not the whole tree sorted and counted; and `deeper`, whether a walk one level past the bound
 * reaches a node (a deeper walk could find more; asked only of a page that did not fill). In a
 * PARENT cycle it may say yes where no new node lies: that costs one more try, never a row.
 * The walk's bound is the caller's choice:
 * TreeReader asks it only down to the levels the page can reach (see pageBounds), not to
 * maxDepth. A node's depth is the shortest walk to it, so a walk bounded at B gives every node of
 * depth <= B the depth the maxDepth walk gives it, and none deeper: its rows are exactly the
 * first rows of the full walk.
 */
const descendantsPageCache = new Map<number, NamedQuery>();
export function descendantsPageQuery(depth: number): NamedQuery {
  if (!Number.isInteger(depth) || depth < 1 || depth > 1000) throw new Error(`descendants depth must be 1..1000, got ${depth}`);
  let query = descendantsPageCache.get(depth);
  if (!query) {
    query = {
      name: `descendants page (depth ${depth})`,
      // The cursor filters the walk as it streams and a top-k keeps the page: no list of the
      // whole walk is made (a top-k over a collected list carried the list on every kept row,
      // which Neo4j's memory accounting counts per row: a page inside a 100k-wide level failed at
      // the transaction memory limit). `deeper` matters only to a page that did not fill
      // (TreeReader then walks deeper), so only then is a path one level past the bound sought.
      cypher: `
${descendantsWalk(depth)}
WHERE $after IS NULL OR depth > $after.d OR (depth = $after.d AND (t > $after.t OR (t = $after.t AND d.uid > $after.uid)))
WITH d, depth, t ORDER BY depth, t, d.uid LIMIT $limit
WITH collect({d: d, depth: depth, t: t}) AS page
RETURN page,
       CASE WHEN size(page) < $limit
            THEN EXISTS {
              MATCH (r:Event {uid: $uid}) (()<-[:PARENT]-(x:Event WHERE $types IS NULL OR x.type IN $types)){${depth}} (y)<-[:PARENT]-(e:Event)
              WHERE e <> r AND ${live('r')} AND ${live('e')} AND ($types IS NULL OR e.type IN $types)
            }
            ELSE false END AS deeper`,
    };
    descendantsPageCache.set(depth, query);
  }
  return query;
}

/**
 * The walk bounds a page without totalCount tries, in order: the cursor's depth first (a page
 * mostly lies within one level), then twice as many levels each time, up to maxDepth. A page in
 * breadth-first order starts at the cursor's level; every node deeper than that comes after the
 * cursor, so a page needs no level below the one where it fills up. So page N walks the tree
 * only down to its own levels, never to maxDepth, and the cursor (depth, time, uid) is all it
 * needs to resume. Doubling keeps a narrow, deep tree (one child per level) to a few statements.
 */
export function pageBounds(from: number, maxDepth: number): number[] {
  const bounds: number[] = [];
  for (let span = 1; from + span - 1 < maxDepth; span *= 2) bounds.push(from + span - 1);
  if (from <= maxDepth) bounds.push(maxDepth);
  return bounds;
}

/** Direct neighbours of many events at once: incoming PARENT (children) or TARGET (targetedBy). */
function neighboursQuery(edge: 'PARENT' | 'TARGET'): NamedQuery {
  return {
    name: edge === 'PARENT' ? 'children' : 'targeted by',
    cypher: `
UNWIND $keys AS k
MATCH (p:Event {uid: k.uid})
WHERE ${orgScope('p')}
OPTIONAL MATCH (p)<-[:${edge}]-(c:Event)
WHERE c IS NULL OR (${live('c')} AND (k.types IS NULL OR c.type IN k.types))
WITH k, c, coalesce(c.time, 0) AS t
ORDER BY t, c.uid
WITH k, [x IN collect({d: c, t: t}) WHERE x.d IS NOT NULL] AS rows
RETURN k.key AS key, size(rows) AS total,
       [r IN rows WHERE k.after IS NULL OR r.t > k.after.t OR (r.t = k.after.t AND r.d.uid > k.after.uid)][0..k.limit] AS page`,
  };
}
export const CHILDREN = neighboursQuery('PARENT');
export const TARGETED_BY = neighboursQuery('TARGET');

export const CHILD_TYPE_COUNTS: NamedQuery = {
  name: 'child type counts',
  cypher: `
UNWIND $uids AS uid
MATCH (p:Event {uid: uid})
WHERE ${orgScope('p')}
OPTIONAL MATCH (p)<-[:PARENT]-(c:Event) WHERE ${live('c')}
WITH uid, c.type AS type, count(c) AS n
WHERE type IS NOT NULL
RETURN uid, collect({eventType: type, count: n}) AS counts`,
};

export interface NeighbourRequest {
  uid: string;
  types: readonly string[] | null;
  first: number;
  after: string | null;
}

type NeighbourKind = 'children' | 'targetedBy';

function toPage(kind: 'descendants' | NeighbourKind, total: unknown, page: { d: Node; depth?: unknown; t: unknown }[], first: number): Page {
  const edges = page.slice(0, first).map((r) => {
    const node = toEventNode(r.d);
    const depth = r.depth === undefined ? 0 : Number(r.depth);
    const t = String(r.t);
    const cursor = kind === 'descendants' ? encodeCursor(kind, { d: depth, t, uid: node.uid }) : encodeCursor(kind, { t, uid: node.uid });
    return { node, depth, cursor };
  });
  return { totalCount: Number(total), edges, hasNextPage: page.length > first };
}

const descendantsAfter = (after: string | null) => {
  const key = decodeCursor('descendants', after);
  return key ? { d: BigInt(key.d), t: BigInt(key.t), uid: key.uid } : null;
};

const neighboursAfter = (kind: NeighbourKind, after: string | null) => {
  const key = decodeCursor(kind, after);
  return key ? { t: BigInt(key.t), uid: key.uid } : null;
};

export class TreeReader {
  constructor(private readonly executor: GraphExecutor) {}

  /** `withTotal`: count the whole tree too (only when the client asked for totalCount; it is then 0 otherwise). */
  async descendants(uid: string, maxDepth: number, types: readonly string[] | null, first: number, after: string | null, orgs: OrgScope, withTotal = true): Promise<Page> {
    const key = descendantsAfter(after);
    const params = { uid, orgs, types, after: key, limit: BigInt(first + 1) }; // one more than asked tells whether there is a next page
    if (withTotal) {
      const record = (await this.executor.read(descendantsQuery(maxDepth), params)).records[0];
      if (!record) return { totalCount: 0, edges: [], hasNextPage: false };
      return toPage('descendants', record.get('total'), record.get('page') as { d: Node; depth: unknown; t: unknown }[], first);
    }
    // Each try is one statement, so the page it gives is one consistent read. A try that fills the
    // page ends it; so does one whose bound level has no child to follow (the tree ends there), or
    // the walk reaching maxDepth.
    let page: { d: Node; depth: unknown; t: unknown }[] = [];
    for (const bound of pageBounds(key ? Number(key.d) : 1, maxDepth)) {
      const record = (await this.executor.read(descendantsPageQuery(bound), params)).records[0];
      if (!record) break; // the root is not there (or not in scope)
      page = record.get('page') as { d: Node; depth: unknown; t: unknown }[];
      if (page.length > first || record.get('deeper') !== true) break;
    }
    return toPage('descendants', 0, page, first);
  }

  /** For DataLoader: many (event, arguments) requests in one round trip, answers in request order. */
  async neighbours(edge: 'PARENT' | 'TARGET', requests: readonly NeighbourRequest[], orgs: OrgScope): Promise<Page[]> {
    const kind: NeighbourKind = edge === 'PARENT' ? 'children' : 'targetedBy';
    const keys = requests.map((r, i) => ({ key: i, uid: r.uid, types: r.types, after: neighboursAfter(kind, r.after), limit: BigInt(r.first + 1) }));
    const result = await this.executor.read(edge === 'PARENT' ? CHILDREN : TARGETED_BY, { keys, orgs });
    const byKey = new Map(result.records.map((r) => [Number(r.get('key')), r]));
    return requests.map((req, i) => {
      const record = byKey.get(i);
      return record ? toPage(kind, record.get('total'), record.get('page') as { d: Node; t: unknown }[], req.first) : { totalCount: 0, edges: [], hasNextPage: false };
    });
  }

  async childTypeCounts(uids: readonly string[], orgs: OrgScope): Promise<{ eventType: string; count: number }[][]> {
    const result = await this.executor.read(CHILD_TYPE_COUNTS, { uids, orgs });
    const byUid = new Map(
      result.records.map((r) => [
        r.get('uid') as string,
        (r.get('counts') as { eventType: string; count: unknown }[]).map((c) => ({ eventType: c.eventType, count: Number(c.count) })).sort((a, b) => b.count - a.count || a.eventType.localeCompare(b.eventType)),
      ]),
    );
    return uids.map((uid) => byUid.get(uid) ?? []);
  }
}
