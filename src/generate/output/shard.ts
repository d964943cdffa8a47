/**
 * One shard's output: its engine writes lines into a buffer, remembering where each ends and its
 * event time, and hands them over in batches of about CHUNK_BYTES for the merge (output/merge.ts).
 * Batches are plain typed arrays, so a worker thread can transfer them without copying.
 */
import type { LineSink } from '../events/emit';
import type { GenerateOptions } from '../options';
import { Engine } from '../sim/engine';
import type { ShardPlan } from '../sim/shards';
import type { StoryTruth } from '../stories/truth';
import { LineBuffer } from './lines';

/** Output chunks handed to the stream. */
export const CHUNK_BYTES = 256 * 1024;
/** Batches a shard hands to the merge: larger, as each may cross threads. */
export const BATCH_BYTES = 2 * 1024 * 1024;

export interface Batch {
  readonly bytes: Uint8Array;
  /** Offset just past each line's newline. */
  readonly ends: Uint32Array;
  readonly times: Float64Array;
  /** The shard's events generated so far (progress). */
  readonly generated: number;
}

/** What a finished shard reports for the truth file. */
export interface ShardResult {
  readonly stories: StoryTruth[];
  readonly generated: number;
  readonly sent: number;
  readonly suppressed: number;
  readonly withheldProcesses: number;
  readonly types: [string, number][];
  readonly firstTime: number;
  readonly lastTime: number;
}

class ShardSink implements LineSink {
  readonly buffer = new LineBuffer(BATCH_BYTES + (BATCH_BYTES >> 1));
  private ends: number[] = [];
  private times: number[] = [];

  get lines(): number {
    return this.ends.length;
  }

  lineWritten(_start: number, time: number): void {
    this.ends.push(this.buffer.off);
    this.times.push(time);
  }

  recycle(bytes: Uint8Array): void {
    this.buffer.recycle(bytes);
  }

  take(generated: number): Batch {
    const batch = { bytes: this.buffer.take(), ends: Uint32Array.from(this.ends), times: Float64Array.from(this.times), generated };
    this.ends = [];
    this.times = [];
    return batch;
  }
}

export class ShardRunner {
  private readonly sink = new ShardSink();
  private readonly engine: Engine;

  constructor(options: GenerateOptions, plan: ShardPlan) {
    this.engine = new Engine(options, this.sink, plan);
  }

  /** Memory of a batch the merge is done with, for the next batches. */
  recycle(bytes: Uint8Array): void {
    this.sink.recycle(bytes);
  }

  /** The next batch of lines, or null once the shard has finished. */
  next(): Batch | null {
    if (!this.engine.done) this.engine.run(() => this.sink.buffer.off >= BATCH_BYTES);
    return this.sink.lines > 0 ? this.sink.take(this.engine.emitter.generated) : null;
  }

  result(): ShardResult {
    const { emitter } = this.engine;
    return {
      stories: this.engine.stories.map((s) => s.truth()),
      generated: emitter.generated,
      sent: emitter.sent,
      suppressed: emitter.suppressed,
      withheldProcesses: this.engine.withheldProcesses,
      types: [...emitter.types],
      firstTime: emitter.firstTime,
      lastTime: emitter.lastTime,
    };
  }
}
