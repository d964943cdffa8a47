import { AppError, ErrorCode } from '../../errors/codes';
import { toConnection } from '../events/connection';
import { checkedFilter } from '../filters';
import { selects } from '../selection';
import { warn } from '../warnings';
import { architectureOf, platformOf } from '../events/view';
import type { QueryResolvers, SensorResolvers } from '../generated/resolvers-types';

export const events: QueryResolvers['events'] = async (_parent, args, ctx) => {
  const first = args.first ?? 50;
  return toConnection(await ctx.search.events(await checkedFilter(args.filter, ctx), args.orderBy ?? 'TIME_DESC', first, args.after ?? null, ctx.orgScope));
};

export const eventCounts: QueryResolvers['eventCounts'] = async (_parent, args, ctx, info) => {
  const limit = args.limit ?? 100;
  const then = args.thenBy ?? null;
  if (then === args.groupBy) throw new AppError(ErrorCode.BAD_USER_INPUT, `thenBy ${then} is the same key as groupBy`);
  const { buckets, hasMore } = await ctx.search.counts(args.groupBy, then, await checkedFilter(args.filter, ctx), limit, ctx.orgScope);
  if (hasMore) warn(ctx, info, 'TRUNCATED', `more than ${limit} buckets: the ${limit} first are given; raise limit or narrow the filter`, { limit });
  return buckets;
};

export const sensors: QueryResolvers['sensors'] = async (_parent, args, ctx, info) => {
  const first = args.first ?? 50;
  const page = await ctx.search.sensors(args.filter ?? null, first, args.after ?? null, ctx.orgScope, selects(info, 'totalCount'));
  return { totalCount: page.totalCount, nodes: page.nodes, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
};

export const Sensor: SensorResolvers = {
  orgId: (p) => p.oid,
  sensorId: (p) => p.sid,
  platform: (p) => platformOf(p.plat) as never,
  architecture: (p) => architectureOf(p.arch) as never,
};
