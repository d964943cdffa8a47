import { AppError, ErrorCode } from '../../errors/codes';
import type { EventFilter as GraphFilter } from '../../graph/reader/event-filter';
import { checkFirst, checkTypes, toConnection } from '../events/connection';
import { architectureOf, platformOf } from '../events/view';
import type { EventFilter, QueryResolvers, SensorResolvers } from '../generated/resolvers-types';

const MAX_LIST = 1000;

/** GraphQL input -> graph filter, refusing lists longer than anyone types by hand. */
export function toGraphFilter(input: EventFilter | null | undefined): GraphFilter | null {
  if (!input) return null;
  for (const [name, list] of Object.entries({ orgIds: input.orgIds, sensorIds: input.sensorIds, hostnames: input.hostnames })) {
    if (list && list.length > MAX_LIST) throw new AppError(ErrorCode.LIMIT_EXCEEDED, `${name} takes at most ${MAX_LIST} values`, { max: MAX_LIST });
  }
  return { ...input, eventTypes: checkTypes(input.eventTypes), from: (input.from as bigint | null) ?? null, to: (input.to as bigint | null) ?? null };
}

export const events: QueryResolvers['events'] = async (_parent, args, ctx) => {
  const first = checkFirst(args.first ?? 50, ctx.limits.maxPage);
  return toConnection(await ctx.search.events(toGraphFilter(args.filter), args.orderBy ?? 'TIME_DESC', first, args.after ?? null, ctx.orgScope));
};

export const eventCounts: QueryResolvers['eventCounts'] = (_parent, args, ctx) => {
  const limit = checkFirst(args.limit ?? 100, ctx.limits.maxPage);
  return ctx.search.counts(args.groupBy, toGraphFilter(args.filter), limit, ctx.orgScope);
};

export const sensors: QueryResolvers['sensors'] = async (_parent, args, ctx) => {
  const first = checkFirst(args.first ?? 50, ctx.limits.maxPage);
  const page = await ctx.search.sensors(args.filter ?? null, first, args.after ?? null, ctx.orgScope);
  return { totalCount: page.totalCount, nodes: page.nodes, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
};

export const Sensor: SensorResolvers = {
  orgId: (p) => p.oid,
  sensorId: (p) => p.sid,
  platform: (p) => platformOf(p.plat) as never,
  architecture: (p) => architectureOf(p.arch) as never,
};
