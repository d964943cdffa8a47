/**
 * Detections in the API: the root fields (detections, detection, detectionCounts), the Detection
 * type, Sensor.detections, Event.detections (batched per request) and detectionAdded. Thin: the
 * Cypher is in src/graph/reader/detections.ts, the live matching in src/live/detections.ts.
 */
import DataLoader from 'dataloader';
import { AppError, ErrorCode } from '../../errors/codes';
import type { GraphExecutor } from '../../graph/executor';
import { type DetectionFilter as GraphFilter, type DetectionNode, DetectionReader } from '../../graph/reader/detections';
import type { EventNode } from '../../graph/reader/events';
import type { DetectionRow } from '../../graph/writer/detections';
import { normalizeTag, techniquesOf } from '../../ingest/detection';
import { parseJson } from '../../domain/json';
import { detectionFeedOf, type DetectionDelivery } from '../../live/detections';
import type { ApiContext } from '../context';
import { toConnection } from '../events/connection';
import type { DetectionFilter, DetectionResolvers, EventDetectionsArgs, QueryResolvers, SubscriptionResolvers } from '../generated/resolvers-types';
import { toDetectionNode } from '../../graph/reader/detections';
import { createLoaders, type Loaders } from '../loaders';

/** Longest rule, category or tag (list lengths are the gate's). */
const MAX_TEXT = 1024;

const readers = new WeakMap<GraphExecutor, DetectionReader>();
/** Holds nothing per request (the org scope is an argument): one per executor. */
function readerOf(ctx: ApiContext): DetectionReader {
  let reader = readers.get(ctx.executor);
  if (!reader) {
    reader = new DetectionReader(ctx.executor);
    readers.set(ctx.executor, reader);
  }
  return reader;
}

/** Per request, like the other loaders: N events asking for their detections cost one round trip. */
const loaders = new WeakMap<Loaders, DataLoader<string, DetectionNode[]>>();
function detectionsOfEvent(ctx: ApiContext): DataLoader<string, DetectionNode[]> {
  let loader = loaders.get(ctx.loaders);
  if (!loader) {
    const reader = readerOf(ctx);
    loader = new DataLoader((uids: readonly string[]) => reader.ofEvents(uids, ctx.orgScope), { maxBatchSize: 1000 });
    loaders.set(ctx.loaders, loader);
  }
  return loader;
}

/** GraphQL input -> graph filter: texts bounded, tags normalised. */
export function toDetectionFilter(input: DetectionFilter | null | undefined): GraphFilter | null {
  if (!input) return null;
  for (const [name, text] of Object.entries({ rule: input.rule, category: input.category, tag: input.tag })) {
    if (text && text.length > MAX_TEXT) throw new AppError(ErrorCode.LIMIT_EXCEEDED, `${name} takes at most ${MAX_TEXT} characters`, { max: MAX_TEXT });
  }
  return {
    orgIds: input.orgIds ?? null,
    sensorIds: input.sensorIds ?? null,
    hostnames: input.hostnames ?? null,
    rule: input.rule || null,
    category: input.category || null,
    tag: input.tag ? normalizeTag(input.tag) : null,
    minPriority: input.minPriority === null || input.minPriority === undefined ? null : BigInt(input.minPriority),
    from: (input.from as bigint | null | undefined) ?? null,
    to: (input.to as bigint | null | undefined) ?? null,
  };
}

export const detections: QueryResolvers['detections'] = async (_parent, args, ctx) => {
  const first = args.first ?? 50;
  return toConnection(await readerOf(ctx).search(toDetectionFilter(args.filter), args.orderBy ?? 'TIME_DESC', first, args.after ?? null, ctx.orgScope));
};

export const detection: QueryResolvers['detection'] = (_parent, args, ctx) => readerOf(ctx).byId(args.id, args.orgId ?? null, ctx.orgScope);

export const detectionCounts: QueryResolvers['detectionCounts'] = (_parent, args, ctx) =>
  readerOf(ctx).counts(args.groupBy, toDetectionFilter(args.filter), args.limit ?? 100, ctx.orgScope);

/** Sensor.detections: the host's detections, in its own org only. */
export const sensorDetections = async (sensor: { oid: string; sid: string }, args: { first?: number | null; after?: string | null }, ctx: ApiContext) => {
  const first = args.first ?? 20;
  return toConnection(await readerOf(ctx).search({ orgIds: [sensor.oid], sensorIds: [sensor.sid] }, 'TIME_DESC', first, args.after ?? null, ctx.orgScope));
};

/** Event.detections (the interface field every event type has). */
export const eventDetections = async (event: EventNode, args: EventDetectionsArgs, ctx: ApiContext): Promise<DetectionNode[]> => {
  // At most MAX_DETECTIONS_PER_EVENT: the gate's first rule for this field.
  const first = args.first ?? 10;
  return (await detectionsOfEvent(ctx).load(event.uid)).slice(0, first);
};

/** The parsed record, once per node (a resolver per field would parse it again). */
const records = new WeakMap<DetectionNode, Record<string, unknown>>();
function recordOf(d: DetectionNode): Record<string, unknown> {
  let r = records.get(d);
  if (!r) {
    const parsed = d.raw ? parseJson(d.raw) : null;
    r = parsed?.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : {};
    records.set(d, r);
  }
  return r;
}

/** The triggering event's SHA-256 (detect.event.HASH), as its copy in the detection says. */
function hashOf(d: DetectionNode): string | null {
  const detect = recordOf(d)['detect'] as { event?: Record<string, unknown> } | undefined;
  const hash = detect?.event?.['HASH'];
  return typeof hash === 'string' && hash.length > 0 ? hash : null;
}

const jsonSafe = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;

export const Detection: DetectionResolvers = {
  id: (d) => d.detectId,
  orgId: (d) => d.oid,
  name: (d) => d.cat,
  category: (d) => d.cat,
  priority: (d) => (d.priority === null ? null : Number(d.priority)),
  attackTags: (d) => d.tags.filter((t) => t.startsWith('attack.')),
  techniques: (d) => techniquesOf(d.tags),
  detectTime: (d) => d.time,
  eventTime: (d) => d.eventTime,
  sensorId: (d) => d.sid,
  sensor: (d, _args, ctx) => (d.sid ? ctx.loaders.sensorByUid.load(`${d.oid}/${d.sid}`) : null),
  // The event's key is the org and its atom (`event:<id>` for events without one), as eventUid makes it.
  // Read with the detection when the reader could (search, by id); otherwise through the batched loader.
  event: (d, _args, ctx) => (d.event !== undefined ? d.event : d.eventAtom ? ctx.loaders.eventByUid.load(`${d.oid}/${d.eventAtom}`) : null),
  hashSightings: async (d, args, ctx) => {
    const hash = hashOf(d);
    if (!hash) return null;
    const first = args.first ?? 20;
    const page = await ctx.sightings.sightings('HASH', hash, d.oid, first, null, ctx.orgScope);
    return {
      totalCount: page.totalCount,
      edges: page.edges.map((node) => ({ cursor: node.cursor, node })),
      nodes: page.edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges[page.edges.length - 1]?.cursor ?? null },
    };
  },
  raw: (d) => (d.raw ? (jsonSafe(recordOf(d)) as Record<string, unknown>) : null),
};

const OVER_WEBSOCKET = 'subscriptions run over graphql-ws (WebSocket) at /graphql, not over HTTP POST';

/** A freshly stored row as the node the queries read back. */
function rowToDetectionNode(row: DetectionRow): DetectionNode {
  return toDetectionNode({ properties: row.props });
}

export const detectionAdded: SubscriptionResolvers['detectionAdded'] = {
  subscribe: (_parent, args, ctx) => {
    if (!ctx.live) throw new AppError(ErrorCode.BAD_USER_INPUT, OVER_WEBSOCKET);
    return detectionFeedOf(ctx.live).subscribe(toDetectionFilter(args.filter), ctx.orgScope, ctx.principal.keyId);
  },
  resolve: (delivery: DetectionDelivery | undefined, _args: unknown, ctx: ApiContext) => {
    if (!delivery?.row) throw new AppError(ErrorCode.BAD_USER_INPUT, OVER_WEBSOCKET);
    // Fresh loaders per detection, as eventAdded does: a subscription's context lives for hours.
    ctx.loaders = createLoaders(ctx.reader, ctx.trees, ctx.search, ctx.lateral, ctx.orgScope);
    return { detection: rowToDetectionNode(delivery.row), droppedBefore: delivery.droppedBefore };
  },
};
