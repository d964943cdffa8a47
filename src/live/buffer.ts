/**
 * A subscriber's bounded queue: a ring of fixed capacity that, when full, drops its oldest entry
 * and adds the count to the entry after it (`droppedBefore`), so the subscriber learns of every
 * loss with the next event it receives. Dropping the oldest keeps a lagging dashboard current.
 * Items and counts live in two parallel arrays, so pushing (once per subscriber per event, on the
 * ingest path) allocates nothing.
 */
export interface Buffered<T> {
  item: T;
  /** Entries dropped just before this one. */
  droppedBefore: number;
}

export class DropOldestBuffer<T> {
  private readonly items: (T | undefined)[];
  private readonly drops: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`buffer capacity must be a whole number of at least 1, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
    this.drops = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an entry; returns how many were dropped to make room (0 or 1). */
  push(item: T): number {
    let carried = 0;
    let dropped = 0;
    if (this.count === this.capacity) {
      carried = 1 + (this.drops[this.head] as number);
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count -= 1;
      dropped = 1;
      // The next entry in line carries the loss; with capacity 1 that is the one added now.
      if (this.count > 0) {
        this.drops[this.head] = (this.drops[this.head] as number) + carried;
        carried = 0;
      }
    }
    const slot = (this.head + this.count) % this.capacity;
    this.items[slot] = item;
    this.drops[slot] = carried;
    this.count += 1;
    return dropped;
  }

  shift(): Buffered<T> | undefined {
    if (this.count === 0) return undefined;
    const entry = { item: this.items[this.head] as T, droppedBefore: this.drops[this.head] as number };
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
    return entry;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
