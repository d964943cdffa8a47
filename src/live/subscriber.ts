/**
 * One live subscription, whatever it carries (events for eventAdded, detections for
 * detectionAdded): a bounded drop-oldest buffer read as an async iterator, one read at a time.
 * Publishing hands a row to a reader that is waiting, or buffers it; it never waits itself.
 */
import { DropOldestBuffer } from './buffer';

/** One item for one subscriber, with how many of its items were dropped just before it. */
export interface Delivery<T> {
  row: T;
  droppedBefore: number;
}

/** What a subscriber counts as it hands items out; the feed's prom-client counter fits. */
export interface DeliveryCounter {
  inc(value?: number): void;
}

export class Subscriber<T> implements AsyncIterableIterator<Delivery<T>> {
  private readonly buffer: DropOldestBuffer<T>;
  private waiting: ((result: IteratorResult<Delivery<T>>) => void) | null = null;
  private ended = false;
  /** Drops counted since the last takeDropped() (the feed adds them to its metric once per publish). */
  private dropped = 0;

  constructor(
    private readonly test: (row: T) => boolean,
    capacity: number,
    private readonly delivered: DeliveryCounter | undefined,
    private readonly onEnd: () => void,
  ) {
    this.buffer = new DropOldestBuffer<T>(capacity);
  }

  /**
   * Hands the row to a reader that is waiting at once; otherwise buffers it, dropping the oldest
   * when full. Returns whether it dropped one.
   */
  offer(row: T): boolean {
    if (this.ended || !this.test(row)) return false;
    const waiting = this.waiting;
    if (waiting) {
      // A reader only waits on an empty buffer, so nothing was dropped before this one.
      this.waiting = null;
      this.delivered?.inc();
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

  next(): Promise<IteratorResult<Delivery<T>>> {
    const entry = this.buffer.shift();
    if (entry) {
      this.delivered?.inc();
      return Promise.resolve({ value: { row: entry.item, droppedBefore: entry.droppedBefore }, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiting) return Promise.reject(new Error('a live subscription is read one item at a time'));
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<Delivery<T>>> {
    if (!this.ended) {
      this.ended = true;
      this.buffer.clear();
      this.onEnd();
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<Delivery<T>>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Delivery<T>> {
    return this;
  }
}

/**
 * Open subscriptions per owner (an API key), over every kind of live subscription the process
 * serves: eventAdded and detectionAdded draw on one share, so a key cannot double its share by
 * mixing them. Owner null (auth off) is not counted.
 */
export class OwnerSlots {
  private readonly held = new Map<string, number>();

  constructor(private readonly maxPerOwner: number | undefined) {}

  /** Takes one slot for the owner or throws LIMIT_EXCEEDED naming the per-key cap; returns its release. */
  take(owner: string | null, refuse: (max: number) => Error): () => void {
    if (owner === null) return () => undefined;
    const held = this.held.get(owner) ?? 0;
    if (this.maxPerOwner !== undefined && held >= this.maxPerOwner) throw refuse(this.maxPerOwner);
    this.held.set(owner, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(owner) ?? 1) - 1;
      if (left > 0) this.held.set(owner, left);
      else this.held.delete(owner);
    };
  }
}
