/**
 * Real-feed wrinkles, applied to each line of the merged feed as it is written: late arrivals
 * (held back up to a window of lines), exact re-sends, and malformed lines. They draw from their own random stream,
 * so the well-formed events are the same whatever the wrinkle settings. Memory is bounded by the
 * window: a held line is a copy of its bytes until it is let out.
 */
import type { LineSink } from '../events/emit';
import type { GenerateOptions } from '../options';
import type { Prng } from '../prng';
import { Heap, type Timed } from '../sim/heap';
import { LineBuffer } from './lines';

interface Held extends Timed {
  readonly bytes: Buffer;
}

/** Re-sends come soon after the original, as retries do. */
const DUPLICATE_WINDOW = 500;

const GARBAGE = [
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
  'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
  '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
];

export class Wrinkles implements LineSink {
  readonly buffer = new LineBuffer();
  lines = 0;
  duplicateLines = 0;
  shuffledLines = 0;
  badLines = 0;
  private readonly held = new Heap<Held>();

  constructor(
    private readonly options: Pick<GenerateOptions, 'shuffle' | 'shuffleWindow' | 'duplicates' | 'badFraction'>,
    private readonly rng: Prng,
  ) {}

  lineWritten(start: number): void {
    const { rng, options, buffer } = this;
    const end = buffer.off;
    let bad = 0;
    // Never before the first line: readers judge a file's format by its first line.
    if (options.badFraction > 0 && this.lines > 0) while (rng.float() < options.badFraction) bad += 1;
    const text = bad > 0 ? buffer.slice(start, end - 1) : '';
    let copy: Buffer | null = null;
    const bytes = () => (copy ??= Buffer.from(buffer.buf.subarray(start, end)));
    if (options.shuffle > 0 && rng.float() < options.shuffle) {
      this.held.push({ time: this.lines + 1 + rng.below(options.shuffleWindow), seq: 0, bytes: bytes() });
      this.shuffledLines += 1;
      buffer.off = start;
    } else {
      this.lines += 1;
    }
    if (options.duplicates > 0 && rng.float() < options.duplicates) {
      this.held.push({ time: this.lines + 1 + rng.below(DUPLICATE_WINDOW), seq: 0, bytes: bytes() });
      this.duplicateLines += 1;
    }
    for (let i = 0; i < bad; i++) {
      buffer.text(malformed(text, rng));
      buffer.byte(10);
      this.lines += 1;
      this.badLines += 1;
    }
    this.release(false);
  }

  /** Lets out whatever is still held. */
  end(): void {
    this.release(true);
  }

  private release(all: boolean): void {
    for (let next = this.held.peek(); next && (all || next.time <= this.lines); next = this.held.peek()) {
      this.held.pop();
      this.buffer.bytes(next.bytes);
      this.lines += 1;
    }
  }
}

/**
 * A line ingest must reject, made from a good one the ways feeds break: cut off, a number sent as
 * text in the routing, the routing or its event type lost, no identity at all, no org, or
 * something that is not JSON. Every kind is certain to be refused: only routing is (a body that does
 * not fit is stored with a warning).
 */
export function malformed(line: string, rng: Prng): string {
  switch (rng.below(8)) {
    case 0:
      return line.slice(0, 1 + rng.below(line.length - 2));
    case 1:
      return line.replace(/"event_time":(\d+)/, '"event_time":"$1"');
    case 2:
      return `{"event":${line.slice(line.indexOf('},"event":') + 10)}`;
    case 3:
      return line.replace(/"event_type":"[^"]*",/, '');
    case 4:
      return line.replace(/,"event_id":"[^"]*"/, '').replace(/,"this":"[^"]*"/, '');
    case 5:
      return line.replace(/"oid":"[^"]*"/, '"oid":""');
    case 6:
      return line.replace(/"plat":(\d+)/, '"plat":"platform-$1"');
    default:
      return rng.pick(GARBAGE);
  }
}
