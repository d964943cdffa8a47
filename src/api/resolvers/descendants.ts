import { toConnection } from '../events/connection';
import { descendantsArgs } from '../events/tree-arguments';
import type { QueryResolvers } from '../generated/resolvers-types';
import { selects } from '../selection';

export const descendants: QueryResolvers['descendants'] = async (_parent, args, ctx, info) => {
  // Arguments first: an unknown event type is the client's error even when the event is unknown.
  const { maxDepth, types, first, after } = await descendantsArgs(args, ctx);
  const start = await ctx.reader.byAtom(args.atom, ctx.orgScope, args.orgId ?? null);
  if (!start) return toConnection({ totalCount: 0, edges: [], hasNextPage: false });
  return toConnection(await ctx.trees.descendants(start.uid, maxDepth, types, first, after, ctx.orgScope, selects(info, 'totalCount')));
};
