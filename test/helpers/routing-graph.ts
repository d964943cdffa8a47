/**
 * What an input file implies, computed from routing alone (no database): trees, undirected
 * distances over parent/target/containment references, and cross-host flows. Tests compare the
 * API's answers with these.
 */
export type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };

const CONNECTIONS = new Set(['NEW_TCP4_CONNECTION', 'NEW_TCP6_CONNECTION', 'NEW_UDP4_CONNECTION', 'NEW_UDP6_CONNECTION']);

/** Records with the inner events of THREAD_INJECTION / SENSITIVE_PROCESS_ACCESS (EVENTS[]) as records of their own. */
export function withInnerEvents(records: readonly Rec[]): { all: Rec[]; contains: [string, string][] } {
  const all: Rec[] = [];
  const contains: [string, string][] = [];
  for (const r of records) {
    all.push(r);
    const inner = r.event['EVENTS'];
    if (!Array.isArray(inner)) continue;
    for (const e of inner as Rec[]) {
      if (!e?.routing) continue;
      all.push(e);
      if (r.routing['this'] && e.routing['this']) contains.push([r.routing['this'] as string, e.routing['this'] as string]);
    }
  }
  return { all, contains };
}

/** Undirected adjacency over PARENT, TARGET and CONTAINS references (placeholders included). */
export function adjacency(records: readonly Rec[]): Map<string, Set<string>> {
  const { all, contains } = withInnerEvents(records);
  const adj = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (a === b) return;
    adj.set(a, (adj.get(a) ?? new Set()).add(b));
    adj.set(b, (adj.get(b) ?? new Set()).add(a));
  };
  for (const r of all) {
    const me = r.routing['this'] as string | undefined;
    if (!me) continue;
    if (r.routing['parent']) link(me, r.routing['parent'] as string);
    if (r.routing['target']) link(me, r.routing['target'] as string);
  }
  for (const [a, b] of contains) link(a, b);
  return adj;
}

export function distancesFrom(adj: Map<string, Set<string>>, from: string, maxDepth = Infinity): Map<string, number> {
  const seen = new Map([[from, 0]]);
  let frontier = [from];
  for (let d = 1; d <= maxDepth && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const a of frontier) {
      for (const b of adj.get(a) ?? []) {
        if (seen.has(b)) continue;
        seen.set(b, d);
        next.push(b);
      }
    }
    frontier = next;
  }
  return seen;
}

/** Pairs of connection events on two different sensors of one org that report the same flow (addresses and ports). */
export function flowPairs(records: readonly Rec[]): { from: Rec; to: Rec }[] {
  const byFlow = new Map<string, Rec[]>();
  for (const r of records) {
    if (!CONNECTIONS.has(r.routing['event_type'] as string)) continue;
    const s = r.event['SOURCE'] as { IP_ADDRESS?: string; PORT?: number } | undefined;
    const d = r.event['DESTINATION'] as { IP_ADDRESS?: string; PORT?: number } | undefined;
    if (!s?.IP_ADDRESS || s.PORT === undefined || !d?.IP_ADDRESS || d.PORT === undefined) continue;
    const key = [r.routing['oid'], r.routing['event_type'], s.IP_ADDRESS, s.PORT, d.IP_ADDRESS, d.PORT].join('|');
    byFlow.set(key, [...(byFlow.get(key) ?? []), r]);
  }
  const pairs: { from: Rec; to: Rec }[] = [];
  for (const group of byFlow.values()) {
    for (const a of group) for (const b of group) if (a.routing['sid'] !== b.routing['sid']) pairs.push({ from: a, to: b });
  }
  return pairs;
}

/**
 * Hops of the shortest chain from `a` (on one host) to `b` (on another) that crosses between the
 * hosts once, over a flow both sensors reported; undefined when there is none within maxHops.
 */
export function crossHostDistance(records: readonly Rec[], a: string, b: string, maxHops: number): number | undefined {
  const adj = adjacency(records);
  const fromA = distancesFrom(adj, a, maxHops);
  const fromB = distancesFrom(adj, b, maxHops);
  let best: number | undefined;
  for (const { from, to } of flowPairs(records)) {
    const d1 = fromA.get(from.routing['this'] as string);
    const d2 = fromB.get(to.routing['this'] as string);
    if (d1 === undefined || d2 === undefined) continue;
    const total = d1 + 1 + d2;
    if (total <= maxHops && (best === undefined || total < best)) best = total;
  }
  return best;
}

/** Breadth-first below `atom` over routing.parent, following only `types` (all when null), to maxDepth. */
export function treeBelow(records: readonly Rec[], atom: string, maxDepth: number, types: readonly string[] | null): Map<string, number> {
  const childrenOf = new Map<string, Rec[]>();
  for (const r of records) {
    const p = r.routing['parent'] as string | undefined;
    if (p) childrenOf.set(p, [...(childrenOf.get(p) ?? []), r]);
  }
  const out = new Map<string, number>();
  let frontier = [atom];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const a of frontier) {
      for (const c of childrenOf.get(a) ?? []) {
        const ca = c.routing['this'] as string;
        if (types && !types.includes(c.routing['event_type'] as string)) continue;
        if (!out.has(ca)) {
          out.set(ca, depth);
          next.push(ca);
        }
      }
    }
    frontier = next;
  }
  return out;
}
