/** Graph pages -> GraphQL connections, and the checks on what a client may ask for. */
import { AppError, ErrorCode } from '../../errors/codes';
import type { Page } from '../../graph/reader/trees';

export function toConnection(page: Page) {
  return {
    totalCount: page.totalCount,
    edges: page.edges,
    nodes: page.edges.map((e) => e.node),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges[page.edges.length - 1]?.cursor ?? null },
  };
}

export function checkFirst(first: number, cap: number): number {
  if (!Number.isInteger(first) || first < 0) throw new AppError(ErrorCode.BAD_USER_INPUT, 'first must be a whole number of at least 0');
  if (first > cap) throw new AppError(ErrorCode.LIMIT_EXCEEDED, `first ${first} is above the limit of ${cap}`, { max: cap });
  return first;
}

export function checkTypes(types: readonly string[] | null | undefined): string[] | null {
  if (!types) return null;
  if (types.length > 100) throw new AppError(ErrorCode.LIMIT_EXCEEDED, 'at most 100 eventTypes', { max: 100 });
  return [...types];
}
