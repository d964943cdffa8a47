import { toConnection } from '../events/connection';
import { selects } from '../selection';
import type { QueryResolvers, SightingResolvers } from '../generated/resolvers-types';

export const sightings: QueryResolvers['sightings'] = async (_parent, args, ctx, info) => {
  const first = args.first ?? 50;
  const page = await ctx.sightings.sightings(args.kind, args.value, args.orgId ?? null, first, args.after ?? null, ctx.orgScope, selects(info, 'totalCount'));
  return {
    totalCount: page.totalCount,
    edges: page.edges.map((node) => ({ cursor: node.cursor, node })),
    nodes: page.edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges[page.edges.length - 1]?.cursor ?? null },
  };
};

export const firstSeen: QueryResolvers['firstSeen'] = (_parent, args, ctx) =>
  ctx.sightings.firstSeen(args.kind, args.since as bigint, args.orgId ?? null, args.limit ?? 100, ctx.orgScope);

export const prevalence: QueryResolvers['prevalence'] = async (_parent, args, ctx) => {
  const p = await ctx.sightings.prevalence(args.kind, args.value, args.orgId ?? null, ctx.orgScope);
  return { ...p, ratio: p.totalHosts === 0 ? 0 : p.hosts / p.totalHosts };
};

export const Sighting: SightingResolvers = {
  events: async (parent, args, ctx) => {
    const first = args.first ?? 20;
    return toConnection(await ctx.sightings.events(parent.indicatorUid, parent.sensorId, first, args.after ?? null, ctx.orgScope));
  },
};
