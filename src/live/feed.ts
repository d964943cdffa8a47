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
import type { EventRow } from '../graph/writer/rows';
import { DropOldestBuffer } from './buffer';
import { compileRowTest, orgsOf, type RowTest } from './match';

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
export interface LiveDelivery {
  row: EventRow;
  droppedBefore: number;
}

/** An index key meaning "any org" or "any type". */
const ANY = null;
type Key = string | typeof ANY;
const NONE: ReadonlySet<never> = new Set();

export class LiveFeed {
  /** org (or ANY) -> event type (or ANY) -> subscribers; each subscriber sits under exactly one pair per (org, type). */
  private readonly index = new Map<Key, Map<Key, Set<Subscriber>>>();
  private readonly all = new Set<Subscriber>();
  /** Open subscriptions per owner (API key id). */
  private readonly owned = new Map<string, number>();

  constructor(readonly options: LiveFeedOptions) {}

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
    const perOwner = this.options.maxPerOwner;
    const held = owner === null ? 0 : (this.owned.get(owner) ?? 0);
    if (perOwner !== undefined && owner !== null && held >= perOwner) {
      throw new AppError(ErrorCode.LIMIT_EXCEEDED, `an API key may hold at most ${perOwner} live subscriptions at once; end one first`, { max: perOwner, per: 'key' });
    }
    const max = this.options.maxSubscriptions;
    if (this.all.size >= max) {
      throw new AppError(ErrorCode.LIMIT_EXCEEDED, `the server holds at most ${max} live subscriptions; try again later`, { max });
    }
    const keys = indexKeys(filter, orgs);
    const sub = new Subscriber(compileRowTest(filter, orgs), this.options.bufferEvents, this.options.metrics, () => this.detach(sub, keys, owner));
    this.all.add(sub);
    if (owner !== null) this.owned.set(owner, held + 1);
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

  private detach(sub: Subscriber, keys: readonly (readonly [Key, Key])[], owner: string | null): void {
    if (!this.all.delete(sub)) return;
    if (owner !== null) {
      const left = (this.owned.get(owner) ?? 1) - 1;
      if (left > 0) this.owned.set(owner, left);
      else this.owned.delete(owner);
    }
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

const DONE: IteratorResult<LiveDelivery> = { value: undefined, done: true };

/** One subscription: a bounded buffer read as an async iterator, one read at a time. */
class Subscriber implements AsyncIterableIterator<LiveDelivery> {
  private readonly buffer: DropOldestBuffer<EventRow>;
  private waiting: ((result: IteratorResult<LiveDelivery>) => void) | null = null;
  private ended = false;

  constructor(
    private readonly test: RowTest,
    capacity: number,
    private readonly metrics: LiveMetrics | undefined,
    private readonly onEnd: () => void,
  ) {
    this.buffer = new DropOldestBuffer<EventRow>(capacity);
  }

  /** Drops counted since the last call (the feed adds them to the metric once per publish). */
  private dropped = 0;

  /**
   * Hands the row to a reader that is waiting at once; otherwise buffers it, dropping the oldest
   * when full. Returns whether it dropped one.
   */
  offer(row: EventRow): boolean {
    if (this.ended || !this.test(row)) return false;
    const waiting = this.waiting;
    if (waiting) {
      // A reader only waits on an empty buffer, so nothing was dropped before this one.
      this.waiting = null;
      this.metrics?.delivered.inc();
      waiting({ value: { row, droppedBefore: 0 }, done: false });
      return false;
    }
    const dropped = this.buffer.push(row);
    this.dropped += dropped;
    return dropped > 0;
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  next(): Promise<IteratorResult<LiveDelivery>> {
    const entry = this.buffer.shift();
    if (entry) {
      this.metrics?.delivered.inc();
      return Promise.resolve({ value: { row: entry.item, droppedBefore: entry.droppedBefore }, done: false });
    }
    if (this.ended) return Promise.resolve(DONE);
    if (this.waiting) return Promise.reject(new Error('a live subscription is read one event at a time'));
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<LiveDelivery>> {
    if (!this.ended) {
      this.ended = true;
      this.buffer.clear();
      this.onEnd();
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.(DONE);
    }
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<LiveDelivery>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LiveDelivery> {
    return this;
  }
}
