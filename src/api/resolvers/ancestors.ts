import { checkDepth } from '../events/resolvers';
import type { QueryResolvers } from '../generated/resolvers-types';

export const ancestors: QueryResolvers['ancestors'] = async (_parent, args, ctx) => {
  const maxDepth = checkDepth(args.maxDepth ?? 64, ctx.limits.maxDepth);
  const start = await ctx.reader.byAtom(args.atom, ctx.orgScope, args.orgId ?? null);
  return start ? ctx.reader.ancestors(start.uid, maxDepth, ctx.orgScope) : [];
};
