/**
 * JSON Lines: one record per line. Newlines are found with Buffer.indexOf on whole chunks and a line
 * is decoded only once it is complete, which is what makes this fast; a line split across chunks is
 * the only thing kept between them. A broken line costs only itself. Blank lines, a trailing `\r`
 * (CRLF files) and a byte order mark at a line's start (files joined with `cat`) are dropped.
 */
import { CR, NL, isWhitespace, startsWithBom } from './bytes';
import { type InputItem, type Splitter, problem, textPrefix } from './types';

export class LineSplitter implements Splitter {
  line: number;
  /** The unfinished line: pieces of earlier chunks. */
  private parts: Buffer[] = [];
  private size = 0;
  /** An oversized line was reported; its bytes are dropped up to the next newline. */
  private discarding = false;

  constructor(
    private readonly source: string,
    private readonly limit: number,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  push(chunk: Buffer, out: InputItem[]): void {
    let pos = 0;
    if (this.discarding) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) return;
      this.discarding = false;
      this.line += 1;
      pos = nl + 1;
    }
    for (let nl = chunk.indexOf(NL, pos); nl >= 0; nl = chunk.indexOf(NL, pos)) {
      if (this.size === 0) {
        this.emit(chunk, pos, nl, out);
      } else {
        this.parts.push(chunk.subarray(pos, nl));
        const whole = Buffer.concat(this.parts, this.size + nl - pos);
        this.parts = [];
        this.size = 0;
        this.emit(whole, 0, whole.length, out);
      }
      this.line += 1;
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      this.parts.push(chunk.subarray(pos));
      this.size += chunk.length - pos;
      if (this.size > this.limit) {
        out.push(problem(this.source, this.line, this.tooLong(), textPrefix(this.parts)));
        this.parts = [];
        this.size = 0;
        this.discarding = true;
      }
    }
  }

  end(out: InputItem[]): void {
    if (this.size > 0) {
      const whole = Buffer.concat(this.parts, this.size);
      this.emit(whole, 0, whole.length, out);
    }
    this.parts = [];
    this.size = 0;
  }

  private emit(buf: Buffer, start: number, end: number, out: InputItem[]): void {
    if (end > start && buf[end - 1] === CR) end -= 1;
    if (startsWithBom(buf, start)) start += 3;
    let first = start;
    while (first < end && isWhitespace(buf[first])) first += 1;
    if (first === end) return;
    if (end - start > this.limit) {
      out.push(problem(this.source, this.line, this.tooLong(), textPrefix([buf.subarray(start, end)])));
      return;
    }
    out.push({ kind: 'record', source: this.source, line: this.line, text: buf.toString('utf8', start, end) });
  }

  private tooLong(): string {
    return `record is longer than ${this.limit} bytes (maxRecordBytes); skipped to the next line`;
  }
}
