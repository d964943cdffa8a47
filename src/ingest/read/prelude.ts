/**
 * Holds a stream's first bytes until its format is known (see detect-format.ts): a UTF-8 byte order
 * mark is dropped, UTF-16 is refused, leading blank lines are dropped and counted so that line
 * numbers stay right. Detection is retried only when a newline arrives, so tiny chunks cost nothing.
 */
import { NL, isWhitespace, startsWithBom } from './bytes';
import { type Format, detectFormat } from './detect-format';

export type Decision =
  | { kind: 'split'; format: Format; bytes: Buffer; firstLine: number }
  | { kind: 'refuse'; reason: string };

export class Prelude {
  private parts: Buffer[] = [];
  private size = 0;
  private bomChecked = false;
  private skippedLines = 0;
  /** Detection has seen content and waits for the end of a line. */
  private waitingForNewline = false;

  constructor(private readonly limit: number) {}

  /** The line reached so far (for a read error before the format is known). */
  get line(): number {
    return 1 + this.skippedLines;
  }

  /** `chunk` null means the input has ended; then the answer is never undefined. */
  push(chunk: Buffer | null): Decision | undefined {
    const ended = chunk === null;
    if (chunk) {
      this.parts.push(chunk);
      this.size += chunk.length;
      if (this.waitingForNewline && this.size <= this.limit && chunk.indexOf(NL) < 0) return undefined;
    }
    let buf = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    if (!this.bomChecked) {
      if (buf.length < 3 && !ended) {
        this.parts = [buf];
        return undefined;
      }
      if (startsWithBom(buf)) buf = buf.subarray(3);
      else if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
        return { kind: 'refuse', reason: 'input is UTF-16 (it starts with a UTF-16 byte order mark); convert it to UTF-8' };
      }
      this.bomChecked = true;
    }
    let first = 0;
    while (first < buf.length && isWhitespace(buf[first])) {
      if (buf[first] === NL) this.skippedLines += 1;
      first += 1;
    }
    buf = buf.subarray(first);
    this.parts = buf.length > 0 ? [buf] : [];
    this.size = buf.length;
    const format = detectFormat(buf, ended, this.limit);
    if (format === undefined) {
      this.waitingForNewline = buf.length > 0;
      return undefined;
    }
    this.parts = [];
    return { kind: 'split', format, bytes: buf, firstLine: 1 + this.skippedLines };
  }
}
