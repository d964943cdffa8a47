/**
 * One event -> one JSON line, written straight into the output buffer (see output/lines.ts). The
 * routing members a host shares are pre-encoded once (Host.prefix); per event only the type, time,
 * ids and atoms are written, then the body. Every event passes through here, which is also where
 * the budget (--events) is counted.
 */
import type { Host } from '../fleet/hosts';
import { hex32 } from '../ids';
import { type LineBuffer, utf8 } from '../output/lines';

export interface EmitExtra {
  /** A pre-assigned atom (a process's atom is known before its event is written, for its children). */
  readonly atom?: string;
  readonly parent?: string | null;
  readonly target?: string | null;
  /** No routing.this at all: RECEIPT and CLOUD_NOTIFICATION as LimaCharlie sends them. */
  readonly noAtom?: boolean;
  readonly investigation?: string;
  /**
   * Generated but not sent: a process that started before the capture. It still counts toward the
   * budget and draws its ids, so the rest of the run is the same whether or not it is sent.
   */
  readonly suppress?: boolean;
}

/** The process an event hangs off, as the fast path needs it (a Proc; its encoded tail is cached on it). */
export interface ParentTail {
  readonly atom: string;
  parentTail: Uint8Array | null;
  parentTailAtom: string;
}

/** Where lines go: the buffer they are written to, and what happens to each one once written (wrinkles). */
export interface LineSink {
  readonly buffer: LineBuffer;
  /** A line (its final newline included) was just written from `start` to the buffer's end; `time` is its event_time. */
  lineWritten(start: number, time: number): void;
}

/** Types whose TIMESTAMP the classic catalogue shows in seconds; all others carry milliseconds. */
const SECONDS_TYPES: ReadonlySet<string> = new Set([
  'STARTING_UP',
  'SHUTTING_DOWN',
  'NEW_PROCESS',
  'EXISTING_PROCESS',
  'TERMINATE_PROCESS',
  'DNS_REQUEST',
  'CODE_IDENTITY',
  'NETWORK_SUMMARY',
  'OS_AUTORUNS_REP',
  'EXEC_OOB',
]);

/** The body TIMESTAMP of an event of `type` at `time` (ms), in the unit that type uses. */
export function bodyTime(type: string, time: number): number {
  return SECONDS_TYPES.has(type) ? Math.floor(time / 1000) : time;
}

const THIS = utf8(',"this":"');
const PARENT = utf8(',"parent":"');
const TARGET = utf8(',"target":"');
const INVESTIGATION = utf8(',"investigation_id":');
const BODY = utf8('},"event":');
// The same keys with the quote closing the previous value (the fast path writes one piece instead of two).
const Q_THIS = utf8('","this":"');
const END_LINE = utf8('}}\n');
const QUOTE = 34;
const DASH = 45;
const EVENT_TIME_KEY = utf8('"event_time":');
const TIMESTAMP_KEY = utf8('"TIMESTAMP":');

/**
 * Every time in the line [start, end) as a clock `skew` ms off reports it (sim/clocks.ts):
 * routing.event_time and every TIMESTAMP, nested ones included, rewritten in place. Milliseconds
 * (13 digits) move by the skew; seconds (10 digits) become the second of the skewed time when they
 * are the event's own, else move by the skew rounded to seconds. `time` is the event's true time.
 */
export function skewLine(buf: Buffer, start: number, end: number, time: number, skew: number): void {
  const line = buf.subarray(start, end);
  for (const key of [EVENT_TIME_KEY, TIMESTAMP_KEY]) {
    for (let at = line.indexOf(key); at >= 0; at = line.indexOf(key, at + key.length)) {
      const from = at + key.length;
      let to = from;
      while (to < line.length && (line[to] as number) >= 48 && (line[to] as number) <= 57) to++;
      const digits = to - from;
      if (digits !== 13 && digits !== 10) continue;
      const value = Number(line.toString('latin1', from, to));
      const shifted = digits === 13 ? value + skew : value === Math.floor(time / 1000) ? Math.floor((time + skew) / 1000) : value + Math.round(skew / 1000);
      const text = String(shifted);
      if (text.length === digits) line.write(text, from, 'latin1');
    }
  }
}

/** How much of the event the caller wants back. */
type Want = 0 | 1 | 2;
const Want = { Nothing: 0, Atom: 1, Text: 2 } as const;

export class Emitter {
  /** Events generated, sent or suppressed: what --events counts. */
  generated = 0;
  sent = 0;
  suppressed = 0;
  /** Sent events per type, in first-seen order. */
  readonly types = new Map<string, number>();
  firstTime = Infinity;
  lastTime = -Infinity;
  private readonly typeKeys = new Map<string, Uint8Array>();
  /** The line begun with begin(): where it starts, where its atom is, its type and time. */
  private lineStart = 0;
  private atomAt = 0;
  private pending = '';
  private pendingTime = 0;
  private pendingHost = 0;

  /**
   * @param skews each host's clock error in ms, by fleet index (sim/clocks.ts); none: every clock right.
   */
  constructor(
    private readonly sink: LineSink,
    private readonly skews: readonly number[] = [],
  ) {}

  /** How far off the host's clock is, in ms (sim/clocks.ts). */
  skewOf(host: Host): number {
    return this.skews[host.index] ?? 0;
  }

  emit(host: Host, type: string, time: number, body: object | string, extra: EmitExtra = {}): void {
    this.write(host, type, time, body, extra, Want.Nothing);
  }

  /** Sends an event and returns its atom. */
  emitAtom(host: Host, type: string, time: number, body: object | string, extra: EmitExtra = {}): string {
    return this.write(host, type, time, body, extra, Want.Atom).atom;
  }

  /** Sends an event and returns its atom and its line (THREAD_INJECTION embeds events that were also sent on their own). */
  emitText(host: Host, type: string, time: number, body: object | string, extra: EmitExtra = {}): { atom: string; text: string } {
    return this.write(host, type, time, body, extra, Want.Text);
  }

  /**
   * The fast path for the most frequent events (see events/writers.ts): writes the envelope of an
   * event hanging off `parent` and returns the buffer for the caller to write the body into, all
   * but its closing brace, which end() writes with the line's end. Null when the event is suppressed.
   */
  begin(host: Host, type: string, time: number, parent: ParentTail, suppress = false): LineBuffer | null {
    this.generated += 1;
    if (suppress) {
      this.skip(host.rng, time, false);
      return null;
    }
    this.lineStart = this.sink.buffer.off;
    this.envelope(host, type, time, parent);
    this.pending = type;
    this.pendingTime = time;
    this.pendingHost = host.index;
    return this.sink.buffer;
  }

  /** Closes the body (its last brace) and the line begun with begin(); returns the event's atom when asked. */
  end(wantAtom = false): string {
    const out = this.sink.buffer;
    out.bytes(END_LINE);
    const skew = this.skews[this.pendingHost] ?? 0;
    if (skew !== 0) skewLine(out.buf, this.lineStart, out.off, this.pendingTime, skew);
    this.count(this.pending, this.pendingTime + skew);
    const atom = wantAtom ? out.buf.toString('latin1', this.atomAt, this.atomAt + 32) : '';
    this.sink.lineWritten(this.lineStart, this.pendingTime);
    return atom;
  }

  /** The random draws of an event that is not written (ids and atom), so the stream stays the same. */
  private skip(rng: Host['rng'], time: number, atomGiven: boolean): string {
    this.suppressed += 1;
    rng.u32();
    rng.u32();
    rng.u32();
    rng.u32();
    if (atomGiven) return '';
    return hex32(rng.u32()) + hex32(rng.u32()) + hex32(rng.u32()) + hex32(Math.floor(time / 1000));
  }

  /** Routing, up to the body: `{"routing":{...},"event":`. */
  private envelope(host: Host, type: string, time: number, parent: ParentTail): void {
    const out = this.sink.buffer;
    const rng = host.rng;
    out.room(512);
    out.bytes(host.prefix);
    out.time(time);
    out.bytes(this.typeKey(type));
    this.eventId(rng);
    out.bytes(Q_THIS);
    this.atomAt = out.off;
    out.hex32(rng.u32());
    out.hex32(rng.u32());
    out.hex32(rng.u32());
    out.hex32(Math.floor(time / 1000));
    if (parent.parentTailAtom !== parent.atom || !parent.parentTail) {
      parent.parentTail = utf8(`","parent":"${parent.atom}"},"event":`);
      parent.parentTailAtom = parent.atom;
    }
    out.bytes(parent.parentTail);
  }

  private eventId(rng: Host['rng']): void {
    const out = this.sink.buffer;
    const a = rng.u32();
    const b = rng.u32();
    const c = rng.u32();
    const d = rng.u32();
    out.hex32(a);
    out.byte(DASH);
    out.hex16(b >>> 16);
    out.byte(DASH);
    out.hex16((b & 0xfff) | 0x4000); // version 4
    out.byte(DASH);
    out.hex16(((c >>> 16) & 0x3fff) | 0x8000);
    out.byte(DASH);
    out.hex16(c);
    out.hex32(d);
  }

  private count(type: string, time: number): void {
    this.sent += 1;
    this.types.set(type, (this.types.get(type) ?? 0) + 1);
    if (time < this.firstTime) this.firstTime = time;
    if (time > this.lastTime) this.lastTime = time;
  }

  private write(host: Host, type: string, time: number, body: object | string, extra: EmitExtra, want: Want): { atom: string; text: string } {
    const rng = host.rng;
    this.generated += 1;
    if (extra.suppress) {
      // The same draws as a sent event, nothing written.
      const atom = this.skip(rng, time, extra.noAtom === true || extra.atom !== undefined);
      return { atom: extra.atom ?? atom, text: '' };
    }
    const out = this.sink.buffer;
    const start = out.off;
    out.bytes(host.prefix);
    out.time(time);
    out.bytes(this.typeKey(type));
    this.eventId(rng);
    out.byte(QUOTE);
    let atomAt = -1;
    if (!extra.noAtom) {
      out.bytes(THIS);
      atomAt = out.off;
      if (extra.atom !== undefined) {
        out.ascii(extra.atom);
      } else {
        // A LimaCharlie atom: 96 random bits, then the event's epoch seconds (see ids.ts).
        out.hex32(rng.u32());
        out.hex32(rng.u32());
        out.hex32(rng.u32());
        out.hex32(Math.floor(time / 1000));
      }
      out.byte(QUOTE);
    }
    if (extra.parent) {
      out.bytes(PARENT);
      out.ascii(extra.parent);
      out.byte(QUOTE);
    }
    if (extra.target) {
      out.bytes(TARGET);
      out.ascii(extra.target);
      out.byte(QUOTE);
    }
    if (extra.investigation) {
      out.bytes(INVESTIGATION);
      out.text(JSON.stringify(extra.investigation));
    }
    out.bytes(BODY);
    out.text(typeof body === 'string' ? body : JSON.stringify(body));
    out.byte(125); // }
    out.byte(10); // \n
    // Read back before the wrinkles may move the line. The text is on the true clock: a carrier
    // that embeds it (THREAD_INJECTION's EVENTS) is skewed once, as a whole, when it is written.
    const atom = want !== Want.Nothing && atomAt >= 0 ? out.buf.toString('latin1', atomAt, atomAt + 32) : '';
    const text = want === Want.Text ? out.slice(start, out.off - 1) : '';
    const skew = this.skews[host.index] ?? 0;
    if (skew !== 0) skewLine(out.buf, start, out.off, time, skew);
    this.count(type, time + skew);
    this.sink.lineWritten(start, time);
    return { atom, text };
  }

  /** `,"event_type":"TYPE","event_id":"` as bytes, per type. */
  private typeKey(type: string): Uint8Array {
    let key = this.typeKeys.get(type);
    if (!key) {
      key = utf8(`,"event_type":"${type}","event_id":"`);
      this.typeKeys.set(type, key);
    }
    return key;
  }
}
