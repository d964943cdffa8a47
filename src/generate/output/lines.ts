/**
 * Lines are written straight into a byte buffer, never assembled as JS strings: a line built by
 * concatenation is a tree of small pieces that V8 copies piece by piece when it is finally joined
 * and encoded, and that cost more than generating the event. Ids are written as hex digits from
 * their random words, integers as digits, fixed text from pre-encoded bytes.
 */
const HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
/** Two hex digits per byte value: ids are written a byte at a time. */
const HEX_PAIRS = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  HEX_PAIRS[2 * i] = HEX[i >>> 4] as number;
  HEX_PAIRS[2 * i + 1] = HEX[i & 15] as number;
}

/**
 * Buffer's own encoders, without the argument checks of buf.write() (they run for every event).
 * Node has had them on every Buffer since its first versions; write() is the fallback.
 */
type Write = (buf: Buffer, s: string, offset: number) => number;
type NativeWrite = (this: Buffer, s: string, offset: number) => number;
const natives = Buffer.prototype as unknown as { utf8Write?: NativeWrite; latin1Write?: NativeWrite };
const nativeUtf8 = natives.utf8Write;
const nativeLatin1 = natives.latin1Write;
const utf8Write: Write = nativeUtf8 ? (buf, s, offset) => nativeUtf8.call(buf, s, offset) : (buf, s, offset) => buf.write(s, offset, 'utf8');
const latin1Write: Write = nativeLatin1 ? (buf, s, offset) => nativeLatin1.call(buf, s, offset) : (buf, s, offset) => buf.write(s, offset, 'latin1');

export class LineBuffer {
  buf: Buffer;
  off = 0;

  constructor(private readonly capacity = 1 << 19) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Makes room for n more bytes. */
  room(n: number): void {
    if (this.off + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
      this.buf.copy(next, 0, 0, this.off);
      this.buf = next;
    }
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    // Most pieces are a few bytes (`","`, a key): a plain loop beats set()'s per-call overhead there.
    if (n < 24) {
      const buf = this.buf;
      let off = this.off;
      for (let i = 0; i < n; i++) buf[off++] = b[i] as number;
      this.off = off;
    } else {
      this.buf.set(b, this.off);
      this.off += n;
    }
  }

  /** Any text, UTF-8 encoded. */
  text(s: string): void {
    this.room(s.length * 3);
    this.off += utf8Write(this.buf, s, this.off);
  }

  /**
   * Text made only of ASCII characters by construction (atoms, IP addresses): one byte per
   * character, which is cheaper to encode. Anything that might hold other characters uses text().
   */
  ascii(s: string): void {
    this.room(s.length);
    this.off += latin1Write(this.buf, s, this.off);
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.off++] = c;
  }

  /** A non-negative integer below 2^53, in decimal. */
  int(n: number): void {
    this.room(16);
    const buf = this.buf;
    const start = this.off;
    let end = start;
    do {
      const q = Math.floor(n / 10);
      buf[end++] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
    this.off = end;
    for (let i = start, j = end - 1; i < j; i++, j--) {
      const t = buf[i] as number;
      buf[i] = buf[j] as number;
      buf[j] = t;
    }
  }

  /** Eight hex digits of a 32-bit word. */
  hex32(n: number): void {
    this.room(8);
    const buf = this.buf;
    const off = this.off;
    let b = (n >>> 23) & 0x1fe;
    buf[off] = HEX_PAIRS[b] as number;
    buf[off + 1] = HEX_PAIRS[b + 1] as number;
    b = (n >>> 15) & 0x1fe;
    buf[off + 2] = HEX_PAIRS[b] as number;
    buf[off + 3] = HEX_PAIRS[b + 1] as number;
    b = (n >>> 7) & 0x1fe;
    buf[off + 4] = HEX_PAIRS[b] as number;
    buf[off + 5] = HEX_PAIRS[b + 1] as number;
    b = (n << 1) & 0x1fe;
    buf[off + 6] = HEX_PAIRS[b] as number;
    buf[off + 7] = HEX_PAIRS[b + 1] as number;
    this.off = off + 8;
  }

  /** Four hex digits of a 16-bit value. */
  hex16(n: number): void {
    this.room(4);
    const buf = this.buf;
    const off = this.off;
    let b = (n >>> 7) & 0x1fe;
    buf[off] = HEX_PAIRS[b] as number;
    buf[off + 1] = HEX_PAIRS[b + 1] as number;
    b = (n << 1) & 0x1fe;
    buf[off + 2] = HEX_PAIRS[b] as number;
    buf[off + 3] = HEX_PAIRS[b + 1] as number;
    this.off = off + 4;
  }

  private second = -1;
  private secondDigits = new Uint8Array(0);

  /**
   * An epoch-milliseconds time in decimal. Events come in time order, so the digits of the current
   * second are kept and only the milliseconds are written each time.
   */
  time(ms: number): void {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      this.secondDigits = Buffer.from(String(second), 'latin1');
    }
    this.bytes(this.secondDigits);
    this.room(3);
    const rest = ms - second * 1000;
    const buf = this.buf;
    buf[this.off++] = 48 + Math.floor(rest / 100);
    buf[this.off++] = 48 + (Math.floor(rest / 10) % 10);
    buf[this.off++] = 48 + (rest % 10);
  }

  /** The low `digits` hex digits of n (n below 2^32). */
  hex(n: number, digits: number): void {
    this.room(digits);
    const buf = this.buf;
    let at = this.off + digits;
    this.off = at;
    for (let i = 0; i < digits; i++) {
      buf[--at] = HEX[n & 15] as number;
      n >>>= 4;
    }
  }

  /** Bytes start..end of another buffer. */
  copyIn(src: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.buf.set(src.subarray(start, end), this.off);
    this.off += end - start;
  }

  /** Text between two offsets (for the rare line that must be read back). */
  slice(start: number, end: number): string {
    return this.buf.toString('utf8', start, end);
  }

  private spare: Buffer | null = null;

  /** Everything written so far, handed over; the writer continues in a recycled or fresh buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.off);
    this.buf = this.spare ?? Buffer.allocUnsafe(this.capacity);
    this.spare = null;
    this.off = 0;
    return out;
  }

  /**
   * Gives back the memory of a chunk taken earlier, once its reader is done with it: writing into
   * memory already paged in is cheaper than into a fresh allocation (its first touch of each page
   * faults).
   */
  recycle(chunk: Uint8Array): void {
    const whole = chunk.buffer;
    if (chunk.byteOffset === 0 && whole.byteLength >= this.capacity && whole instanceof ArrayBuffer) this.spare = Buffer.from(whole);
  }
}

/** UTF-8 bytes of a fixed piece of text. */
export function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}
