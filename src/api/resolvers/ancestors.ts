import { ancestorsArgs } from '../events/tree-arguments';
import type { QueryResolvers } from '../generated/resolvers-types';
import { warnIfChainCut } from '../warnings';

export const ancestors: QueryResolvers['ancestors'] = async (_parent, args, ctx, info) => {
  const { maxDepth, includeSelf } = ancestorsArgs(args);
  const chain = await ctx.reader.ancestorsOfAtom(args.atom, maxDepth, ctx.orgScope, args.orgId ?? null, includeSelf);
  warnIfChainCut(ctx, info, includeSelf ? chain.slice(1) : chain, maxDepth);
  return chain;
};
