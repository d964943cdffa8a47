import { checkDepth } from '../events/resolvers';
import type { QueryResolvers } from '../generated/resolvers-types';
import { warnIfChainCut } from '../warnings';

export const ancestors: QueryResolvers['ancestors'] = async (_parent, args, ctx, info) => {
  const maxDepth = checkDepth(args.maxDepth ?? 64, ctx.limits.maxDepth);
  const includeSelf = args.includeSelf === true;
  const chain = await ctx.reader.ancestorsOfAtom(args.atom, maxDepth, ctx.orgScope, args.orgId ?? null, includeSelf);
  warnIfChainCut(ctx, info, includeSelf ? chain.slice(1) : chain, maxDepth);
  return chain;
};
