/**
 * Resolvers of the event types, built from the catalogue at start-up (as the SDL is): every event
 * type gets the common Event fields plus one resolver per body field, reading the stored original
 * by its LimaCharlie key and converting by the catalogue's type. Nothing here is per type by hand.
 */
import { selects } from '../selection';
import type { GraphQLFieldResolver, GraphQLResolveInfo, GraphQLTypeResolver } from 'graphql';
import { allEventTypes, allObjectTypes, eventTypeSpec, FAMILIES, fieldsOf, fitScalar, type Family, type FieldType } from '../../catalogue';
import { UnreachableCaseError } from '../../errors/codes';
import { type EventNode, missingEventNode } from '../../graph/reader/events';
import { FLOW_EVENT_TYPES, FLOW_TOLERANCE_DEFAULT_SECONDS } from '../../graph/reader/flow';
import type { ApiContext } from '../context';
import { eventFieldName, familyUnionName } from '../schema/event-types';
import type { EventAncestorsArgs, EventChildrenArgs, EventDescendantsArgs, EventTargetedByArgs, NewTcp4ConnectionPeerArgs } from '../generated/resolvers-types';
import { warnIfChainCut } from '../warnings';
import { toConnection } from './connection';
import { ancestorsArgs, childrenArgs, descendantsArgs, targetedByArgs } from './tree-arguments';
import { eventDetections } from '../resolvers/detections';
import { parseJson } from '../../domain/json';
import { architectureOf, original, platformOf } from './view';

/** The event an event names (same org): as stored, a placeholder, or missing while retention deletes it. */
async function named(oid: string, atom: string, ctx: ApiContext): Promise<EventNode> {
  return (await ctx.loaders.eventByUid.load(`${oid}/${atom}`)) ?? missingEventNode(oid, atom);
}

const GRAPHQL_INT_MIN = -(2 ** 31);
const GRAPHQL_INT_MAX = 2 ** 31 - 1;

type Resolver = GraphQLFieldResolver<unknown, ApiContext, Record<string, unknown>>;

/**
 * A stored value as the catalogue's type says, by the rule ingest used (catalogue/scalars.ts): a
 * value that fits, or its exact conversion ("123" for an integer); anything else reads as null,
 * never as an error, since the event was stored whatever its body held (the value is in `raw`).
 */
export function convert(value: unknown, type: FieldType): unknown {
  if (value === undefined || value === null) return null;
  switch (type.kind) {
    case 'list':
      return Array.isArray(value) ? value.map((v) => convert(v, type.of)) : null;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? value : null;
    case 'scalar': {
      const fitted = fitScalar(value, type.scalar);
      if (fitted === undefined) return null;
      switch (type.scalar) {
        case 'int32':
          // GraphQL Int is signed 32-bit; an unsigned DWORD above it (accepted at ingest) reads null, never an error.
          return typeof fitted === 'number' && fitted >= GRAPHQL_INT_MIN && fitted <= GRAPHQL_INT_MAX ? fitted : null;
        case 'float':
          return typeof fitted === 'number' ? fitted : null;
        case 'bool01':
          return fitted === true || fitted === 1;
        default:
          return fitted;
      }
    }
    default:
      throw new UnreachableCaseError(type);
  }
}

const routing = (n: EventNode) => original(n).routing;
const routingString = (key: string) => (n: EventNode) => {
  const v = routing(n)[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
};

/**
 * The Event interface's fields, for every type that implements it. Each types its own arguments
 * (codegen's Event*Args); `never` lets the map hold them all.
 */
const COMMON: Record<string, (n: EventNode, args: never, ctx: ApiContext, info: GraphQLResolveInfo) => unknown> = {
  atom: (n) => n.atom,
  eventType: (n) => n.type ?? 'MISSING',
  eventTime: (n) => n.time,
  eventId: (n) => n.eventId,
  orgId: (n) => n.oid,
  sensorId: (n) => n.sid,
  hostname: (n) => n.hostname,
  platform: (n) => platformOf(routing(n)['plat']),
  architecture: (n) => architectureOf(routing(n)['arch']),
  tags: (n) => {
    const tags = routing(n)['tags'];
    return Array.isArray(tags) ? tags.filter((t) => typeof t === 'string') : [];
  },
  intIp: routingString('int_ip'),
  extIp: routingString('ext_ip'),
  parentAtom: (n) => n.parentAtom,
  targetAtom: (n) => n.targetAtom,
  bodyTime: (n) => n.bodyTime,
  // The record as it was sent (a body that is not an object, or wrapped in its type's key, included).
  raw: (n) => {
    const parsed = n.raw ? parseJson(n.raw) : null;
    return parsed?.ok ? (JSON.parse(JSON.stringify(parsed.value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown) : null;
  },
  // The parent's node exists even when it never arrived (a placeholder), so this is never a
  // silent null for a referenced parent: it resolves to a MissingEvent (also while retention is
  // deleting it: readers leave such an event out, and it is then missing, nothing known of it).
  parent: (n, _args, ctx) => (n.parentAtom ? named(n.oid, n.parentAtom, ctx) : null),
  ancestors: async (n, args: EventAncestorsArgs, ctx, info) => {
    const { maxDepth, includeSelf } = ancestorsArgs(args);
    const chain = await ctx.reader.ancestors(n.uid, maxDepth, ctx.orgScope);
    warnIfChainCut(ctx, info, chain, maxDepth);
    return includeSelf ? [n, ...chain] : chain;
  },
  children: async (n, args: EventChildrenArgs, ctx) => toConnection(await ctx.loaders.children.load({ uid: n.uid, ...(await childrenArgs(args, ctx)) })),
  childTypeCounts: (n, _args, ctx) => ctx.loaders.childTypeCounts.load(n.uid),
  sensor: (n, _args, ctx) => (n.sid ? ctx.loaders.sensorByUid.load(`${n.oid}/${n.sid}`) : null),
  target: (n, _args, ctx) => (n.targetAtom ? named(n.oid, n.targetAtom, ctx) : null),
  targetedBy: async (n, args: EventTargetedByArgs, ctx) => toConnection(await ctx.loaders.targetedBy.load({ uid: n.uid, ...targetedByArgs(args) })),
  descendants: async (n, args: EventDescendantsArgs, ctx, info) => {
    const { maxDepth, types, first, after } = await descendantsArgs(args, ctx);
    return toConnection(await ctx.trees.descendants(n.uid, maxDepth, types, first, after, ctx.orgScope, selects(info, 'totalCount')));
  },
  detections: eventDetections,
};

/** A MissingEvent's own fields: what the events naming it said of it (EventNode.known). */
function missingFields(): Record<string, Resolver> {
  const known = (n: unknown) => (n as EventNode).known ?? null;
  return {
    knownFrom: (n) => {
      const k = known(n);
      return k ? (k.snapshot ? 'SNAPSHOT' : 'ROUTING') : null;
    },
    knownFromEvent: (n, _args, ctx) => {
      const k = known(n);
      return k ? ctx.loaders.eventByUid.load(k.from) : null;
    },
    filePath: (n) => known(n)?.filePath ?? null,
    commandLine: (n) => known(n)?.commandLine ?? null,
    processId: (n) => {
      const pid = known(n)?.processId;
      return pid === null || pid === undefined ? null : Number(pid);
    },
    userName: (n) => known(n)?.userName ?? null,
    hash: (n) => known(n)?.hash ?? null,
  };
}

const FLOW_TYPES: ReadonlySet<string> = new Set(FLOW_EVENT_TYPES);

/** A connection's report by the other host (the flow rule of src/graph/reader/flow.ts), batched. */
const peer = (n: EventNode, args: NewTcp4ConnectionPeerArgs, ctx: ApiContext) => {
  // Its bound (FLOW_TOLERANCE_MAX_SECONDS) is the gate's toleranceSeconds rule.
  const seconds = args.toleranceSeconds ?? FLOW_TOLERANCE_DEFAULT_SECONDS;
  return ctx.loaders.flowPeer.load({ uid: n.uid, toleranceMs: seconds * 1000 });
};

export const resolveEventType: GraphQLTypeResolver<EventNode, ApiContext> = (n) =>
  n.placeholder ? 'MissingEvent' : (eventTypeSpec(n.type ?? '')?.graphqlName ?? 'GenericEvent');

export function eventResolvers(): Record<string, Record<string, Resolver | GraphQLTypeResolver<EventNode, ApiContext>>> {
  const map: Record<string, Record<string, Resolver | GraphQLTypeResolver<EventNode, ApiContext>>> = {};
  const common = Object.fromEntries(Object.entries(COMMON).map(([k, f]) => [k, ((n, args, ctx, info) => f(n as EventNode, args as never, ctx, info)) as Resolver]));
  map['Event'] = { __resolveType: resolveEventType };
  map['AnyEvent'] = { __resolveType: resolveEventType };
  for (const family of Object.keys(FAMILIES) as Family[]) map[familyUnionName(family)] = { __resolveType: resolveEventType };
  map['GenericEvent'] = { ...common };
  map['MissingEvent'] = { ...common, ...missingFields() };
  for (const spec of allEventTypes()) {
    const fields: Record<string, Resolver> = { ...common };
    for (const f of fieldsOf(spec.fields)) fields[eventFieldName(f.key, f.graphqlName)] = ((n) => convert(original(n as EventNode).event[f.key], f.type)) as Resolver;
    if (FLOW_TYPES.has(spec.name)) fields['peer'] = peer as Resolver;
    map[spec.graphqlName] = fields;
  }
  for (const object of allObjectTypes()) {
    const fields: Record<string, Resolver> = {};
    for (const f of fieldsOf(object.fields)) fields[f.graphqlName] = ((o) => convert((o as Record<string, unknown>)[f.key], f.type)) as Resolver;
    map[object.name] = fields;
  }
  return map;
}
