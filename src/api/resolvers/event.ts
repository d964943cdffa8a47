import type { QueryResolvers } from '../generated/resolvers-types';

export const event: QueryResolvers['event'] = (_parent, args, ctx) => ctx.reader.byAtom(args.atom, ctx.orgScope, args.orgId ?? null);
