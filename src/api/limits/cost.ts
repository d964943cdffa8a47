/**
 * The query cost model: a field costs 1 plus its selection's cost times how many results it may
 * return, so traversals are charged by `first` x `maxDepth` and multiplied through nesting
 * (`events(first: 500) { descendants(first: 500, maxDepth: 32) }` costs ~8M and is refused, where
 * a hunter's one-page question costs a few thousand). Computed with graphql-query-complexity on
 * the operation and its variables, schema defaults included, before any resolver runs.
 */
import { getNamedType, isListType, getNullableType, type GraphQLField } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

/** A list field without a size argument (processesStarted, ancestors' own lists...) is assumed this long. */
export const UNSIZED_LIST = 10;

/** The arguments the model reads: a page's size, or a walk's length. */
const PAGE_ARGUMENTS = ['first', 'limit'] as const;
const WALK_ARGUMENTS = ['maxDepth', 'maxHops'] as const;
export const SIZE_ARGUMENTS: ReadonlySet<string> = new Set([...PAGE_ARGUMENTS, ...WALK_ARGUMENTS]);

/** The first of `names` given as a usable number. */
function numberArg(args: Record<string, unknown>, names: readonly string[]): number | null {
  for (const name of names) {
    const v = args[name];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  return null;
}

/** The caps the resolvers enforce: a value above them is refused there with LIMIT_EXCEEDED, so cost counts at most the cap. */
export interface Caps {
  maxPage: number;
  maxDepth: number;
}

/**
 * 1 + what the field returns times its selection's cost, plus the walk: a tree page
 * (`descendants(first, maxDepth)`) is charged first x maxDepth for the expansion on top of its
 * first results; a chain (`ancestors(maxDepth)`, `path(maxHops)`) returns up to maxDepth nodes.
 */
export function fieldCost(parent: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, childComplexity: number, caps: Caps): number {
  const rawSize = numberArg(args, PAGE_ARGUMENTS);
  const rawDepth = numberArg(args, WALK_ARGUMENTS);
  const size = rawSize === null ? null : Math.min(Math.max(rawSize, 1), caps.maxPage);
  const depth = rawDepth === null ? null : Math.min(Math.max(rawDepth, 1), caps.maxDepth);
  if (size !== null && depth !== null) return 1 + size * childComplexity + size * depth;
  if (size !== null) return 1 + size * childComplexity;
  if (depth !== null) return 1 + depth * childComplexity;
  // A connection's nodes and edges are the page its field's `first` already paid for.
  const list = !parent.endsWith('Connection') && isListType(getNullableType(field.type)) && getNamedType(field.type).name !== 'String';
  return 1 + (list ? UNSIZED_LIST : 1) * childComplexity;
}

export function traversalEstimator(caps: Caps): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => fieldCost(type.name, field, args, childComplexity, caps);
}
