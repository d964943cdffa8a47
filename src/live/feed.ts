/**
 * The in-process live feed: ingest publishes the rows it committed, each subscriber gets those its
 * filter and org scope admit. Publishing never waits for anyone: it copies references into each
 * interested subscriber's bounded buffer (dropping the oldest when full) and returns, so a slow or
 * stalled subscriber costs ingest nothing but that copy. Subscribers are indexed by the orgs they
 * may see and the event types they ask for, so a row is matched only against subscribers that
 * could want it, in arrival order.
 */
import { AppError, ErrorCode } from '../errors/codes';
import type { EventFilter } from '../graph/reader/event-filter';
import type { FeedLogWriter } from '../graph/feed-log';
import type { EventRow } from '../graph/writer/rows';
import type { IngestOptions } from '../ingest/pipeline';
import { detectionFeedOf } from './detections';
import { compileRowTest, orgsOf } from './match';
import { type Delivery, OwnerSlots, Subscriber as GenericSubscriber } from './subscriber';

type Subscriber = GenericSubscriber<EventRow>;

/** What the feed counts; prom-client Counters and Gauges fit as they are. */
export interface LiveMetrics {
  published: { inc(value?: number): void };
  delivered: { inc(value?: number): void };
  dropped: { inc(value?: number): void };
  subscriptions: { inc(value?: number): void; dec(value?: number): void };
}

export interface LiveFeedOptions {
  /** Events buffered per subscriber before the oldest are dropped. */
  bufferEvents: number;
  /** Subscriptions held at once; one more is refused with LIMIT_EXCEEDED. */
  maxSubscriptions: number;
  /**
   * Subscriptions one owner (an API key) holds at once, below maxSubscriptions so that one tenant
   * cannot take every slot; unset means only the global cap. Owners null (auth off) are not counted.
   */
  maxPerOwner?: number;
  metrics?: LiveMetrics;
  /** A fault in matching must never fail the ingest that published; it is reported here. */
  onError?: (error: unknown) => void;
}

/** One event for one subscriber, with how many of its events were dropped just before it. */
export type LiveDelivery = Delivery<EventRow>;

/** The refusal when a key holds its share of live subscriptions (eventAdded and detectionAdded together). */
export const perKeyRefusal = (max: number) =>
  new AppError(ErrorCode.LIMIT_EXCEEDED, `an API key may hold at most ${max} live subscriptions at once; end one first`, { max, per: 'key' });

/** An index key meaning "any org" or "any type". */
const ANY = null;
type Key = string | typeof ANY;
const NONE: ReadonlySet<never> = new Set();

export class LiveFeed {
  /** org (or ANY) -> event type (or ANY) -> subscribers; each subscriber sits under exactly one pair per (org, type). */
  private readonly index = new Map<Key, Map<Key, Set<Subscriber>>>();
  private readonly all = new Set<Subscriber>();
  /** Open subscriptions per owner (API key id), shared with the detection feed beside this one. */
  readonly owners: OwnerSlots;
  /** Set when replicas share the feed through Neo4j (LIVE_FEED=neo4j): ingest records its batches there, and the poller publishes here. */
  log: FeedLogWriter | null = null;

  constructor(readonly options: LiveFeedOptions) {
    this.owners = new OwnerSlots(options.maxPerOwner);
  }

  get subscriptions(): number {
    return this.all.size;
  }

  /** Called after commit with the rows stored for the first time. Synchronous; per row, only the subscribers indexed under its org and type. */
  publish(rows: readonly EventRow[]): void {
    if (rows.length === 0) return;
    this.options.metrics?.published.inc(rows.length);
    if (this.all.size === 0) return;
    const touched = new Set<Subscriber>();
    try {
      for (const row of rows) {
        const oid = String(row.props['oid']);
        const type = String(row.props['type']);
        this.offer(this.index.get(oid), type, row, touched);
        this.offer(this.index.get(ANY), type, row, touched);
      }
    } catch (error) {
      this.options.onError?.(error);
    }
    let dropped = 0;
    for (const sub of touched) dropped += sub.takeDropped();
    if (dropped > 0) this.options.metrics?.dropped.inc(dropped);
  }

  private offer(byType: Map<Key, Set<Subscriber>> | undefined, type: string, row: EventRow, touched: Set<Subscriber>): void {
    if (!byType) return;
    for (const sub of byType.get(type) ?? NONE) if (sub.offer(row)) touched.add(sub);
    for (const sub of byType.get(ANY) ?? NONE) if (sub.offer(row)) touched.add(sub);
  }

  /**
   * A new subscription, ended by its iterator's return(). `orgs` is the caller's scope (null:
   * every org); the filter can narrow it, never widen it. `owner` (the API key's id) is counted
   * against maxPerOwner.
   */
  subscribe(filter: EventFilter | null, orgs: readonly string[] | null, owner: string | null = null): AsyncIterableIterator<LiveDelivery> {
    // The owner's own cap first: a key at its share is told so, whatever the others hold.
    const release = this.owners.take(owner, perKeyRefusal);
    const max = this.options.maxSubscriptions;
    if (this.all.size >= max) {
      release();
      throw new AppError(ErrorCode.LIMIT_EXCEEDED, `the server holds at most ${max} live subscriptions; try again later`, { max });
    }
    const keys = indexKeys(filter, orgs);
    const sub: Subscriber = new GenericSubscriber(compileRowTest(filter, orgs), this.options.bufferEvents, this.options.metrics?.delivered, () => this.detach(sub, keys, release));
    this.all.add(sub);
    for (const [org, type] of keys) {
      const byType = this.index.get(org) ?? new Map<Key, Set<Subscriber>>();
      this.index.set(org, byType);
      const set = byType.get(type) ?? new Set<Subscriber>();
      byType.set(type, set);
      set.add(sub);
    }
    this.options.metrics?.subscriptions.inc();
    return sub;
  }

  /** Ends every subscription (on shutdown): pending reads finish as done. */
  close(): void {
    for (const sub of [...this.all]) void sub.return();
  }

  private detach(sub: Subscriber, keys: readonly (readonly [Key, Key])[], release: () => void): void {
    if (!this.all.delete(sub)) return;
    release();
    for (const [org, type] of keys) {
      const byType = this.index.get(org);
      const set = byType?.get(type);
      set?.delete(sub);
      if (set?.size === 0) byType?.delete(type);
      if (byType?.size === 0) this.index.delete(org);
    }
    this.options.metrics?.subscriptions.dec();
  }
}

/** The (org, type) pairs a subscriber is indexed under: its visible orgs (or ANY) times its types (or ANY). */
function indexKeys(filter: EventFilter | null, orgs: readonly string[] | null): (readonly [Key, Key])[] {
  const visible: Key[] = orgsOf(filter, orgs) ?? [ANY];
  const types: Key[] = filter?.eventTypes?.length ? [...new Set(filter.eventTypes)] : [ANY];
  return [...new Set(visible)].flatMap((org) => types.map((type) => [org, type] as const));
}

/**
 * What ingest is given so that subscribers hear what it commits: in one process, publish after
 * commit; with replicas sharing the feed, record each batch in Neo4j inside its transaction.
 */
export function liveIngestHooks(live: LiveFeed | undefined): Pick<IngestOptions, 'onCommitted' | 'onDetectionsCommitted' | 'feedLog'> {
  if (!live) return {};
  if (live.log) return { feedLog: live.log };
  const detections = detectionFeedOf(live);
  return { onCommitted: (rows) => live.publish(rows), onDetectionsCommitted: (rows) => detections.publish(rows) };
}
