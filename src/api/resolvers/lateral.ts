import { AppError, ErrorCode } from '../../errors/codes';
import { checkFirst } from '../events/connection';
import { timeRange } from '../filters';
import type { QueryResolvers } from '../generated/resolvers-types';

/** Processes listed per connection: enough to see what the connection started. */
const STARTED_PER_CONNECTION = 20;
const MAX_WINDOW_SECONDS = 24 * 3600;
const MAX_HOPS = 32;

export const lateralMovement: QueryResolvers['lateralMovement'] = async (_parent, args, ctx) => {
  const first = checkFirst(args.first ?? 50, ctx.limits.maxPage);
  const window = args.windowSeconds ?? 300;
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW_SECONDS) {
    throw new AppError(ErrorCode.LIMIT_EXCEEDED, `windowSeconds must be 0..${MAX_WINDOW_SECONDS}`, { max: MAX_WINDOW_SECONDS });
  }
  const f = args.filter;
  const filter = f ? { orgIds: f.orgIds ?? null, sensorIds: f.sensorIds ?? null, ...timeRange(f) } : null;
  return ctx.lateral.moves(filter, window * 1000, STARTED_PER_CONNECTION, first, ctx.orgScope);
};

export const path: QueryResolvers['path'] = async (_parent, args, ctx) => {
  const maxHops = args.maxHops ?? 12;
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > MAX_HOPS) {
    throw new AppError(ErrorCode.LIMIT_EXCEEDED, `maxHops must be 1..${MAX_HOPS}`, { max: MAX_HOPS });
  }
  const [from, to] = await Promise.all([
    ctx.reader.byAtom(args.from, ctx.orgScope, args.orgId ?? null),
    ctx.reader.byAtom(args.to, ctx.orgScope, args.orgId ?? null),
  ]);
  if (!from || !to) return null;
  if (from.uid === to.uid) return { length: 0, events: [from], steps: [] };
  const found = await ctx.lateral.path(from, to, maxHops, ctx.orgScope);
  if (!found) return null;
  const atomOf = new Map(found.nodes.map((n) => [n.uid, n.atom]));
  return {
    length: found.steps.length,
    events: found.nodes,
    steps: found.steps.map((s) => ({ relationship: s.type, fromAtom: atomOf.get(s.from) ?? s.from, toAtom: atomOf.get(s.to) ?? s.to })),
  };
};
