import { decodeCursor } from '../../graph/reader/cursor';
import { checkFirst, toConnection } from '../events/connection';
import { checkEventTypes } from '../filters';
import { checkDepth } from '../events/resolvers';
import type { QueryResolvers } from '../generated/resolvers-types';
import { selects } from '../selection';

export const descendants: QueryResolvers['descendants'] = async (_parent, args, ctx, info) => {
  const maxDepth = checkDepth(args.maxDepth ?? 16, ctx.limits.maxTreeDepth);
  const first = checkFirst(args.first ?? 100, ctx.limits.maxPage);
  const types = await checkEventTypes(args.eventTypes, ctx);
  decodeCursor('descendants', args.after); // a bad cursor is the client's error even when the event is unknown
  const start = await ctx.reader.byAtom(args.atom, ctx.orgScope, args.orgId ?? null);
  if (!start) return toConnection({ totalCount: 0, edges: [], hasNextPage: false });
  return toConnection(await ctx.trees.descendants(start.uid, maxDepth, types, first, args.after ?? null, ctx.orgScope, selects(info, 'totalCount')));
};
