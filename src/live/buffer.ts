/**
 * A subscriber's bounded queue: a ring of fixed capacity that, when full, drops its oldest entry
 * and adds the count to the entry after it (`droppedBefore`), so the subscriber learns of every
 * loss with the next event it receives. Dropping the oldest keeps a lagging dashboard current.
 */
export interface Buffered<T> {
  item: T;
  /** Entries dropped just before this one. */
  droppedBefore: number;
}

export class DropOldestBuffer<T> {
  private readonly slots: (Buffered<T> | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`buffer capacity must be a whole number of at least 1, got ${capacity}`);
    this.slots = new Array<Buffered<T> | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an entry; returns how many were dropped to make room (0 or 1). */
  push(item: T): number {
    let carried = 0;
    let dropped = 0;
    if (this.count === this.capacity) {
      const gone = this.shift() as Buffered<T>;
      dropped = 1;
      carried = 1 + gone.droppedBefore;
      // The next entry in line carries the loss; with capacity 1 that is the one added now.
      const next = this.count > 0 ? this.slots[this.head] : undefined;
      if (next) {
        next.droppedBefore += carried;
        carried = 0;
      }
    }
    this.slots[(this.head + this.count) % this.capacity] = { item, droppedBefore: carried };
    this.count += 1;
    return dropped;
  }

  shift(): Buffered<T> | undefined {
    if (this.count === 0) return undefined;
    const entry = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
    return entry;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
