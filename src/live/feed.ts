/**
 * The in-process live feed: ingest publishes the rows it committed, each subscriber gets those its
 * filter and org scope admit. Publishing never waits for anyone: it copies references into each
 * interested subscriber's bounded buffer (dropping the oldest when full) and returns, so a slow or
 * stalled subscriber costs ingest nothing but that copy. Subscribers are indexed by the orgs they
 * may see, so an org's batch touches only that org's subscribers (and those of every org).
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
  metrics?: LiveMetrics;
  /** A fault in matching must never fail the ingest that published; it is reported here. */
  onError?: (error: unknown) => void;
}

/** One event for one subscriber, with how many of its events were dropped just before it. */
export interface LiveDelivery {
  row: EventRow;
  droppedBefore: number;
}

export class LiveFeed {
  private readonly byOrg = new Map<string, Set<Subscriber>>();
  private readonly anyOrg = new Set<Subscriber>();
  private readonly all = new Set<Subscriber>();

  constructor(readonly options: LiveFeedOptions) {}

  get subscriptions(): number {
    return this.all.size;
  }

  /** Called after commit with the rows stored for the first time. Synchronous, O(interested subscribers x rows). */
  publish(rows: readonly EventRow[]): void {
    if (rows.length === 0) return;
    this.options.metrics?.published.inc(rows.length);
    if (this.all.size === 0) return;
    try {
      const byOid = new Map<string, EventRow[]>();
      for (const row of rows) {
        const oid = String(row.props['oid']);
        const group = byOid.get(oid);
        if (group) group.push(row);
        else byOid.set(oid, [row]);
      }
      for (const [oid, group] of byOid) {
        for (const sub of this.byOrg.get(oid) ?? []) sub.offer(group);
        for (const sub of this.anyOrg) sub.offer(group);
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /**
   * A new subscription, ended by its iterator's return(). `orgs` is the caller's scope (null:
   * every org); the filter can narrow it, never widen it.
   */
  subscribe(filter: EventFilter | null, orgs: readonly string[] | null): AsyncIterableIterator<LiveDelivery> {
    const max = this.options.maxSubscriptions;
    if (this.all.size >= max) {
      throw new AppError(ErrorCode.LIMIT_EXCEEDED, `the server holds at most ${max} live subscriptions; try again later`, { max });
    }
    const visible = orgsOf(filter, orgs);
    const sub = new Subscriber(compileRowTest(filter, orgs), this.options.bufferEvents, this.options.metrics, () => this.detach(sub, visible));
    this.all.add(sub);
    if (visible === null) this.anyOrg.add(sub);
    for (const oid of visible ?? []) {
      const set = this.byOrg.get(oid) ?? new Set<Subscriber>();
      set.add(sub);
      this.byOrg.set(oid, set);
    }
    this.options.metrics?.subscriptions.inc();
    return sub;
  }

  /** Ends every subscription (on shutdown): pending reads finish as done. */
  close(): void {
    for (const sub of [...this.all]) void sub.return();
  }

  private detach(sub: Subscriber, visible: readonly string[] | null): void {
    if (!this.all.delete(sub)) return;
    this.anyOrg.delete(sub);
    for (const oid of visible ?? []) {
      const set = this.byOrg.get(oid);
      set?.delete(sub);
      if (set?.size === 0) this.byOrg.delete(oid);
    }
    this.options.metrics?.subscriptions.dec();
  }
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

  /** Hands a reader that is waiting its event at once; otherwise buffers, dropping the oldest when full. */
  offer(rows: readonly EventRow[]): void {
    if (this.ended) return;
    let dropped = 0;
    for (const row of rows) {
      if (!this.test(row)) continue;
      const waiting = this.waiting;
      if (waiting) {
        // A reader only waits on an empty buffer, so nothing was dropped before this one.
        this.waiting = null;
        this.metrics?.delivered.inc();
        waiting({ value: { row, droppedBefore: 0 }, done: false });
      } else {
        dropped += this.buffer.push(row);
      }
    }
    if (dropped > 0) this.metrics?.dropped.inc(dropped);
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
