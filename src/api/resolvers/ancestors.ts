import { checkDepth } from '../events/resolvers';
import type { QueryResolvers } from '../generated/resolvers-types';

export const ancestors: QueryResolvers['ancestors'] = async (_parent, args, ctx) => {
  const maxDepth = checkDepth(args.maxDepth ?? 64, ctx.limits.maxDepth);
  return ctx.reader.ancestorsOfAtom(args.atom, maxDepth, ctx.orgScope, args.orgId ?? null, args.includeSelf === true);
};
