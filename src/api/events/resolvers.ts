/**
 * Resolvers of the event types, built from the catalogue at start-up (as the SDL is): every event
 * type gets the common Event fields plus one resolver per body field, reading the stored original
 * by its LimaCharlie key and converting by the catalogue's type. Nothing here is per type by hand.
 */
import type { GraphQLFieldResolver, GraphQLTypeResolver } from 'graphql';
import { allEventTypes, allObjectTypes, eventTypeSpec, FAMILIES, fieldsOf, fitScalar, type Family, type FieldType } from '../../catalogue';
import { AppError, ErrorCode } from '../../errors/codes';
import type { EventNode } from '../../graph/reader/events';
import type { ApiContext } from '../context';
import { eventFieldName, familyUnionName } from '../schema/event-types';
import { checkFirst, checkTypes, toConnection } from './connection';
import { parseJson } from '../../ingest/parse';
import { architectureOf, original, platformOf } from './view';

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
  }
}

export function checkDepth(maxDepth: number, cap: number): number {
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new AppError(ErrorCode.BAD_USER_INPUT, 'maxDepth must be a whole number of at least 1');
  if (maxDepth > cap) throw new AppError(ErrorCode.LIMIT_EXCEEDED, `maxDepth ${maxDepth} is above the limit of ${cap}`, { max: cap });
  return maxDepth;
}

const routing = (n: EventNode) => original(n).routing;
const routingString = (key: string) => (n: EventNode) => {
  const v = routing(n)[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
};

/** The Event interface's fields, for every type that implements it. */
const COMMON: Record<string, (n: EventNode, args: Record<string, unknown>, ctx: ApiContext) => unknown> = {
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
  // silent null for a referenced parent: it resolves to a MissingEvent.
  parent: (n, _args, ctx) => (n.parentAtom ? ctx.loaders.eventByUid.load(`${n.oid}/${n.parentAtom}`) : null),
  ancestors: (n, args, ctx) => ctx.reader.ancestors(n.uid, checkDepth(Number(args['maxDepth'] ?? 64), ctx.limits.maxDepth), ctx.orgScope),
  children: async (n, args, ctx) =>
    toConnection(
      await ctx.loaders.children.load({
        uid: n.uid,
        types: checkTypes(args['eventTypes'] as string[] | null),
        first: checkFirst(Number(args['first'] ?? 50), ctx.limits.maxPage),
        after: (args['after'] as string | null) ?? null,
      }),
    ),
  childTypeCounts: (n, _args, ctx) => ctx.loaders.childTypeCounts.load(n.uid),
  sensor: (n, _args, ctx) => (n.sid ? ctx.loaders.sensorByUid.load(`${n.oid}/${n.sid}`) : null),
  target: (n, _args, ctx) => (n.targetAtom ? ctx.loaders.eventByUid.load(`${n.oid}/${n.targetAtom}`) : null),
  targetedBy: async (n, args, ctx) =>
    toConnection(
      await ctx.loaders.targetedBy.load({
        uid: n.uid,
        types: null,
        first: checkFirst(Number(args['first'] ?? 50), ctx.limits.maxPage),
        after: (args['after'] as string | null) ?? null,
      }),
    ),
  descendants: async (n, args, ctx) =>
    toConnection(
      await ctx.trees.descendants(
        n.uid,
        checkDepth(Number(args['maxDepth'] ?? 16), ctx.limits.maxTreeDepth),
        checkTypes(args['eventTypes'] as string[] | null),
        checkFirst(Number(args['first'] ?? 100), ctx.limits.maxPage),
        (args['after'] as string | null) ?? null,
        ctx.orgScope,
      ),
    ),
};

export const resolveEventType: GraphQLTypeResolver<EventNode, ApiContext> = (n) =>
  n.placeholder ? 'MissingEvent' : (eventTypeSpec(n.type ?? '')?.graphqlName ?? 'GenericEvent');

export function eventResolvers(): Record<string, Record<string, Resolver | GraphQLTypeResolver<EventNode, ApiContext>>> {
  const map: Record<string, Record<string, Resolver | GraphQLTypeResolver<EventNode, ApiContext>>> = {};
  const common = Object.fromEntries(Object.entries(COMMON).map(([k, f]) => [k, ((n, args, ctx) => f(n as EventNode, args, ctx)) as Resolver]));
  map['Event'] = { __resolveType: resolveEventType };
  map['AnyEvent'] = { __resolveType: resolveEventType };
  for (const family of Object.keys(FAMILIES) as Family[]) map[familyUnionName(family)] = { __resolveType: resolveEventType };
  map['GenericEvent'] = { ...common };
  map['MissingEvent'] = { ...common };
  for (const spec of allEventTypes()) {
    const fields: Record<string, Resolver> = { ...common };
    for (const f of fieldsOf(spec.fields)) fields[eventFieldName(f.key, f.graphqlName)] = ((n) => convert(original(n as EventNode).event[f.key], f.type)) as Resolver;
    map[spec.graphqlName] = fields;
  }
  for (const object of allObjectTypes()) {
    const fields: Record<string, Resolver> = {};
    for (const f of fieldsOf(object.fields)) fields[f.graphqlName] = ((o) => convert((o as Record<string, unknown>)[f.key], f.type)) as Resolver;
    map[object.name] = fields;
  }
  return map;
}
