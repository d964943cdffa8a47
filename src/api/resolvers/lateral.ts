import { AppError, ErrorCode } from '../../errors/codes';
import { toConnection } from '../events/connection';
import { FLOW_TOLERANCE_DEFAULT_SECONDS } from '../../graph/reader/flow';
import { timeRange } from '../filters';
import type { LateralMovementResolvers, QueryResolvers } from '../generated/resolvers-types';

/** processesStarted (deprecated) lists this many, as it always did; startedThere pages and counts. */
const PROCESSES_STARTED = 20;

export const lateralMovement: QueryResolvers['lateralMovement'] = async (_parent, args, ctx) => {
  const first = args.first ?? 50;
  // The windows' and the tolerance's bounds are the gate's (src/api/limits/arguments.ts).
  const after = args.windowSeconds ?? 300;
  const before = args.windowBeforeSeconds ?? 60;
  const tolerance = args.flowToleranceSeconds ?? FLOW_TOLERANCE_DEFAULT_SECONDS;
  const protocols = args.protocols ?? ['TCP'];
  if (protocols.length === 0) throw new AppError(ErrorCode.BAD_USER_INPUT, 'protocols must name at least one of TCP, UDP');
  const f = args.filter;
  for (const port of f?.destinationPorts ?? []) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError(ErrorCode.BAD_USER_INPUT, `destinationPorts: ${port} is not a port (0..65535)`);
  }
  const filter = f
    ? {
        orgIds: f.orgIds ?? null,
        sensorIds: f.sensorIds ?? null,
        sourceHostnames: f.sourceHostnames ?? null,
        destinationSensorIds: f.destinationSensorIds ?? null,
        destinationHostnames: f.destinationHostnames ?? null,
        destinationPorts: f.destinationPorts ?? null,
        ...timeRange(f),
      }
    : null;
  return ctx.lateral.moves(
    filter,
    { transports: [...new Set(protocols)], beforeMs: before * 1000, afterMs: after * 1000, toleranceMs: tolerance * 1000, limit: first },
    ctx.orgScope,
  );
};

export const LateralMovement: LateralMovementResolvers = {
  clockOffsetMs: (m) => (m.destinationConnection?.time != null && m.connection.time != null ? m.destinationConnection.time - m.connection.time : null),
  startedThere: async (m, args, ctx) => {
    return toConnection(await ctx.loaders.startedThere.load({ scope: m.scope, first: args.first ?? 50, after: args.after ?? null }));
  },
  processesStarted: async (m, _args, ctx) => {
    const page = await ctx.loaders.startedThere.load({ scope: m.scope, first: PROCESSES_STARTED, after: null });
    return page.edges.map((e) => e.node).sort((a, b) => (a.time === b.time ? a.uid.localeCompare(b.uid) : (a.time ?? 0n) < (b.time ?? 0n) ? -1 : 1));
  },
};

export const path: QueryResolvers['path'] = async (_parent, args, ctx) => {
  const maxHops = args.maxHops ?? 12; // at most MAX_HOPS: the gate's maxHops rule
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
