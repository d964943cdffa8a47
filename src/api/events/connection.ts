/**
 * Graph pages -> GraphQL connections. What a client may ask for (first, after, list lengths) is
 * checked once, by the gate (src/api/limits/arguments.ts), before any resolver runs.
 */

export interface PageOf<E extends { cursor: string }> {
  totalCount: number;
  edges: E[];
  hasNextPage: boolean;
}

/** Any page of edges with cursors (events, detections, started processes) as a connection. */
export function toConnection<E extends { cursor: string; node: unknown }>(page: PageOf<E>) {
  return {
    totalCount: page.totalCount,
    edges: page.edges,
    nodes: page.edges.map((e) => e.node as E['node']),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges[page.edges.length - 1]?.cursor ?? null },
  };
}
