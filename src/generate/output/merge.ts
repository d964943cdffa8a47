/**
 * The shards' lines merged into one feed by event time (ties to the lower shard), then through
 * the wrinkles into the output buffer. A shard is read in-process or from a worker thread; the
 * merge sees the same batches either way, so the bytes do not depend on how it ran.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GenerateOptions } from '../options';
import type { ShardPlan } from '../sim/shards';
import { type Batch, type ShardResult, ShardRunner } from './shard';
import type { WorkerMessage } from './shard-worker';
import type { Wrinkles } from './wrinkles';

export interface Source {
  next(): Promise<Batch | null>;
  result(): Promise<ShardResult>;
  close(): void;
  /** Events generated so far (progress). */
  readonly generated: number;
}

export class LocalSource implements Source {
  private readonly runner: ShardRunner;
  private last: Batch | null = null;
  generated = 0;

  constructor(options: GenerateOptions, plan: ShardPlan) {
    this.runner = new ShardRunner(options, plan);
  }

  next(): Promise<Batch | null> {
    // The merge asks for a batch once it is done with the previous one.
    if (this.last) this.runner.recycle(this.last.bytes);
    const batch = this.runner.next();
    this.last = batch;
    if (batch) this.generated = batch.generated;
    return Promise.resolve(batch);
  }

  result(): Promise<ShardResult> {
    return Promise.resolve(this.runner.result());
  }

  close(): void {}
}

/**
 * How to start a shard worker: the compiled script beside this file or, when running from the
 * TypeScript sources, the source loaded through tsx's require hook (development and tests; when
 * tsx is not there, shards run in-process).
 */
export function workerScript(): string | null {
  const file = path.join(__dirname, `shard-worker${path.extname(__filename)}`);
  if (!existsSync(file)) return null;
  if (file.endsWith('.js')) return file;
  try {
    const register = require.resolve('tsx/cjs');
    return `require(${JSON.stringify(register)}); require(${JSON.stringify(file)});`;
  } catch {
    return null;
  }
}

export class WorkerSource implements Source {
  private readonly worker: Worker;
  private readonly queue: Batch[] = [];
  private last: Batch | null = null;
  private waiting: { resolve: (b: Batch | null) => void; reject: (e: unknown) => void } | null = null;
  private finished: ShardResult | null = null;
  private failure: unknown = null;
  generated = 0;

  /** `script`: a file, or code to evaluate (see workerScript). */
  constructor(script: string, options: GenerateOptions, plan: ShardPlan) {
    this.worker = new Worker(script, { workerData: { options, plan }, eval: !script.endsWith('.js') });
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'batch') this.queue.push({ bytes: m.bytes, ends: m.ends, times: m.times, generated: m.generated });
      else this.finished = m.result;
      this.wake();
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      this.wake();
    });
  }

  private wake(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    if (this.failure) {
      this.waiting = null;
      waiting.reject(this.failure);
    } else if (this.queue.length > 0 || this.finished) {
      this.waiting = null;
      waiting.resolve(this.take());
    }
  }

  private take(): Batch | null {
    const batch = this.queue.shift();
    if (!batch) return null;
    this.generated = batch.generated;
    // Ask for another batch, returning the memory of the one the merge has finished with.
    const done = this.last?.bytes.buffer;
    if (done instanceof ArrayBuffer) this.worker.postMessage({ recycle: done }, [done]);
    else this.worker.postMessage({});
    this.last = batch;
    return batch;
  }

  next(): Promise<Batch | null> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queue.length > 0 || this.finished) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async result(): Promise<ShardResult> {
    if (!this.finished) throw new Error('the shard has not finished: read its batches to the end first');
    const result = this.finished;
    await this.worker.terminate();
    return result;
  }

  close(): void {
    void this.worker.terminate();
  }
}

interface Cursor {
  batch: Batch | null;
  line: number;
  exhausted: boolean;
}

export class Merger {
  private readonly cursors: Cursor[];

  constructor(
    private readonly sources: readonly Source[],
    private readonly out: Wrinkles,
  ) {
    this.cursors = sources.map(() => ({ batch: null, line: 0, exhausted: false }));
  }

  /** Merges lines until the output holds `bytes` or every shard is exhausted; true once all are. */
  async fill(bytes: number): Promise<boolean> {
    const { cursors, out } = this;
    const buffer = out.buffer;
    for (;;) {
      let best = -1;
      let bestTime = Infinity;
      for (let i = 0; i < cursors.length; i++) {
        const c = cursors[i] as Cursor;
        if (c.exhausted) continue;
        if (!c.batch || c.line >= c.batch.ends.length) {
          const batch = await (this.sources[i] as Source).next();
          if (!batch) {
            c.exhausted = true;
            c.batch = null;
            continue;
          }
          c.batch = batch;
          c.line = 0;
        }
        const time = (c.batch as Batch).times[c.line] as number;
        if (time < bestTime) {
          best = i;
          bestTime = time;
        }
      }
      if (best < 0) return true;
      const c = cursors[best] as Cursor;
      const batch = c.batch as Batch;
      const start = c.line === 0 ? 0 : (batch.ends[c.line - 1] as number);
      const at = buffer.off;
      buffer.copyIn(batch.bytes, start, batch.ends[c.line] as number);
      c.line += 1;
      out.lineWritten(at);
      if (buffer.off >= bytes) return false;
    }
  }
}
