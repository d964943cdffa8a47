/**
 * The tree walks' arguments, one home for the root fields (ancestors, descendants) and the event
 * fields (ancestors, children, targetedBy, descendants): their defaults, written into the event
 * types' SDL from here (schema.graphql's root fields repeat them; test/unit/schema.test.ts holds
 * the two equal), and how a resolver reads them, typed by codegen. Their bounds (maxDepth within
 * API_MAX_DEPTH or API_MAX_TREE_DEPTH, first within API_MAX_PAGE, eventTypes' length, the cursor)
 * are the gate's (src/api/limits/arguments.ts), checked before any resolver runs.
 */
import type { ApiContext } from '../context';
import { checkEventTypes } from '../filters';
import type { EventAncestorsArgs, EventChildrenArgs, EventDescendantsArgs, EventTargetedByArgs } from '../generated/resolvers-types';

export const TREE_DEFAULTS = {
  ancestors: { maxDepth: 64 },
  descendants: { maxDepth: 16, first: 100 },
  children: { first: 50 },
  targetedBy: { first: 50 },
} as const;

/** An explicit null is the default too (GraphQL applies a default only to an argument left out). */
export function ancestorsArgs(args: EventAncestorsArgs): { maxDepth: number; includeSelf: boolean } {
  return { maxDepth: args.maxDepth ?? TREE_DEFAULTS.ancestors.maxDepth, includeSelf: args.includeSelf === true };
}

/** Event types are checked against the catalogue and the caller's stored types (an unknown one is an error). */
export async function descendantsArgs(args: EventDescendantsArgs, ctx: Pick<ApiContext, 'search' | 'orgScope'>) {
  return {
    maxDepth: args.maxDepth ?? TREE_DEFAULTS.descendants.maxDepth,
    types: await checkEventTypes(args.eventTypes, ctx),
    first: args.first ?? TREE_DEFAULTS.descendants.first,
    after: args.after ?? null,
  };
}

export async function childrenArgs(args: EventChildrenArgs, ctx: Pick<ApiContext, 'search' | 'orgScope'>) {
  return { types: await checkEventTypes(args.eventTypes, ctx), first: args.first ?? TREE_DEFAULTS.children.first, after: args.after ?? null };
}

export function targetedByArgs(args: EventTargetedByArgs) {
  return { types: null, first: args.first ?? TREE_DEFAULTS.targetedBy.first, after: args.after ?? null };
}
