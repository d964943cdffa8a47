/**
 * The live feed of detections (Subscription.detectionAdded): ingest publishes the detections it
 * committed; each subscriber gets those its filter and org scope admit, through the same bounded
 * drop-oldest buffer as eventAdded, so publishing never waits for a subscriber. One per LiveFeed,
 * with that feed's buffer size and subscription cap (counted apart from eventAdded's).
 */
import { AppError, ErrorCode } from '../errors/codes';
import type { DetectionFilter } from '../graph/reader/detections';
import type { DetectionRow } from '../graph/writer/detections';
import { DropOldestBuffer } from './buffer';
import type { LiveFeed } from './feed';

export interface DetectionDelivery {
  row: DetectionRow;
  droppedBefore: number;
}

type Test = (row: DetectionRow) => boolean;

const big = (v: unknown): bigint | null => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null);

/** The filter as a predicate on a row; the caller's orgs always apply, whatever orgIds says. */
export function detectionRowTest(filter: DetectionFilter | null, orgs: readonly string[] | null): Test {
  const f = filter ?? {};
  const scope = orgs ? new Set(orgs) : null;
  const orgIds = f.orgIds?.length ? new Set(f.orgIds) : null;
  const sids = f.sensorIds?.length ? new Set(f.sensorIds) : null;
  const hosts = f.hostnames?.length ? new Set(f.hostnames.map((h) => h.toLowerCase())) : null;
  return (row) => {
    const p = row.props;
    if (scope && !scope.has(row.oid)) return false;
    if (orgIds && !orgIds.has(row.oid)) return false;
    if (sids && !sids.has(String(p['sid']))) return false;
    if (hosts && !hosts.has(String(p['hostKey']))) return false;
    if (f.rule && p['rule'] !== f.rule) return false;
    if (f.category && p['cat'] !== f.category) return false;
    if (f.tag && !row.tags.includes(f.tag)) return false;
    const priority = big(p['priority']);
    if (f.minPriority !== null && f.minPriority !== undefined && (priority === null || priority < f.minPriority)) return false;
    const time = big(p['time']);
    if (f.from !== null && f.from !== undefined && (time === null || time < f.from)) return false;
    if (f.to !== null && f.to !== undefined && (time === null || time >= f.to)) return false;
    return true;
  };
}

export class DetectionFeed {
  private readonly subs = new Set<DetectionSubscriber>();

  constructor(
    private readonly bufferSize: number,
    private readonly maxSubscriptions: number,
    private readonly onError?: (error: unknown) => void,
  ) {}

  get subscriptions(): number {
    return this.subs.size;
  }

  publish(rows: readonly DetectionRow[]): void {
    if (this.subs.size === 0) return;
    try {
      for (const row of rows) for (const sub of this.subs) sub.offer(row);
    } catch (error) {
      this.onError?.(error);
    }
  }

  subscribe(filter: DetectionFilter | null, orgs: readonly string[] | null): AsyncIterableIterator<DetectionDelivery> {
    if (this.subs.size >= this.maxSubscriptions) {
      throw new AppError(ErrorCode.LIMIT_EXCEEDED, `the server holds at most ${this.maxSubscriptions} live detection subscriptions; try again later`, { max: this.maxSubscriptions });
    }
    const sub: DetectionSubscriber = new DetectionSubscriber(detectionRowTest(filter, orgs), this.bufferSize, () => this.subs.delete(sub));
    this.subs.add(sub);
    return sub;
  }

  close(): void {
    for (const sub of [...this.subs]) void sub.return();
  }
}

const feeds = new WeakMap<LiveFeed, DetectionFeed>();

/** The detection feed beside a live feed (made on first use, with its buffer size and cap). */
export function detectionFeedOf(live: LiveFeed): DetectionFeed {
  let feed = feeds.get(live);
  if (!feed) {
    feed = new DetectionFeed(live.options.bufferEvents, live.options.maxSubscriptions, live.options.onError);
    feeds.set(live, feed);
  }
  return feed;
}

const DONE: IteratorResult<DetectionDelivery> = { value: undefined, done: true };

class DetectionSubscriber implements AsyncIterableIterator<DetectionDelivery> {
  private readonly buffer: DropOldestBuffer<DetectionRow>;
  private waiting: ((result: IteratorResult<DetectionDelivery>) => void) | null = null;
  private ended = false;

  constructor(
    private readonly test: Test,
    capacity: number,
    private readonly onEnd: () => void,
  ) {
    this.buffer = new DropOldestBuffer<DetectionRow>(capacity);
  }

  offer(row: DetectionRow): void {
    if (this.ended || !this.test(row)) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      waiting({ value: { row, droppedBefore: 0 }, done: false });
      return;
    }
    this.buffer.push(row);
  }

  next(): Promise<IteratorResult<DetectionDelivery>> {
    const entry = this.buffer.shift();
    if (entry) return Promise.resolve({ value: { row: entry.item, droppedBefore: entry.droppedBefore }, done: false });
    if (this.ended) return Promise.resolve(DONE);
    if (this.waiting) return Promise.reject(new Error('a live subscription is read one detection at a time'));
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<DetectionDelivery>> {
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

  throw(error?: unknown): Promise<IteratorResult<DetectionDelivery>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<DetectionDelivery> {
    return this;
  }
}
