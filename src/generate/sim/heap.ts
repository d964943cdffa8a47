/**
 * The simulation clock: pending actions ordered by time, ties broken by scheduling order so the
 * run never depends on how the heap happens to arrange equal keys. Keys live in typed arrays
 * beside the items: the sift loops then compare contiguous numbers instead of chasing objects,
 * which matters at one pop per few events.
 */
export interface Timed {
  time: number;
  seq: number;
}

export class Heap<T extends Timed> {
  private items: T[] = [];
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    item.seq = this.counter++;
    const n = this.items.length;
    if (n === this.times.length) this.grow();
    const { items, times, seqs } = this;
    const time = item.time;
    const seq = item.seq;
    let i = n;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && (seqs[parent] as number) < seq)) break;
      items[i] = items[parent] as T;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      i = parent;
    }
    items[i] = item;
    times[i] = time;
    seqs[i] = seq;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const { items, times, seqs } = this;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    const lt = last.time;
    const ls = last.seq;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let ct = times[child] as number;
      let cs = seqs[child] as number;
      const right = child + 1;
      if (right < n) {
        const rt = times[right] as number;
        const rs = seqs[right] as number;
        if (rt < ct || (rt === ct && rs < cs)) {
          child = right;
          ct = rt;
          cs = rs;
        }
      }
      if (lt < ct || (lt === ct && ls < cs)) break;
      items[i] = items[child] as T;
      times[i] = ct;
      seqs[i] = cs;
      i = child;
    }
    items[i] = last;
    times[i] = lt;
    seqs[i] = ls;
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
  }
}
