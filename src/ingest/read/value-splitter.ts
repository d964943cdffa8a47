/**
 * JSON arrays and pretty-printed or concatenated JSON: each top-level value is a record, and a
 * top-level array is unwrapped so that its elements are. Values are found by tracking strings,
 * escapes and bracket depth on raw bytes; nothing is parsed here. Separators are not checked (a
 * missing or doubled comma still splits): the next stage parses every record strictly anyway.
 *
 * A value that breaks the bracket structure cannot be isolated by depth alone. After a mismatched
 * closer, or once a value outgrows the size limit (typically an unclosed `{` swallowing what
 * follows), the splitter resynchronises at the next line that starts with `{` no deeper than the
 * broken value started: formatters indent nested values further, so that is the next record.
 */
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  CR,
  NL,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  SPACE,
  TAB,
  endsBareToken,
  isWhitespace,
} from './bytes';
import { type InputItem, type Splitter, problem, textPrefix } from './types';

/** Scanning values normally. */
const NORMAL = 0;
/** An oversized value was reported; it is still tracked to its end, but not kept. */
const DROPPING = 1;
/** The structure broke; everything is skipped up to a line that starts the next value. */
const LOST = 2;
type Trouble = typeof NORMAL | typeof DROPPING | typeof LOST;

const EMPTY = Buffer.alloc(0);

export class ValueSplitter implements Splitter {
  line: number;
  /** Stream offsets of the current chunk's first byte and of the last newline: they give columns. */
  private base = 0;
  private lastNl = -1;
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  /** Inside a top-level array, whose elements are the records. */
  private inArray = false;
  private inValue = false;
  /** The value is a bare token (number, literal or garbage), which ends at a delimiter. */
  private bare = false;
  private startLine = 0;
  private startColumn = 0;
  /** Where the current value starts in the current chunk (0 when it began in an earlier one). */
  private start = 0;
  /** The current value's bytes from earlier chunks. */
  private parts: Buffer[] = [];
  private size = 0;
  private trouble: Trouble = NORMAL;
  /** Only whitespace so far on the current line (tracked while in trouble, to resynchronise). */
  private lineBlank = false;
  private resyncColumn = 0;

  constructor(
    private readonly source: string,
    private readonly limit: number,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  push(chunk: Buffer, out: InputItem[]): void {
    let i = 0;
    while (i < chunk.length) i = this.trouble === NORMAL ? this.scan(chunk, i, out) : this.skip(chunk, i);
    if (this.inValue && this.trouble === NORMAL) {
      this.parts.push(chunk.subarray(this.start));
      this.size += chunk.length - this.start;
      this.start = 0;
      if (this.size > this.limit) {
        out.push(problem(this.source, this.startLine, this.tooLong(), textPrefix(this.parts)));
        this.parts = [];
        this.size = 0;
        this.enterTrouble(DROPPING);
      }
    }
    this.base += chunk.length;
  }

  end(out: InputItem[]): void {
    if (this.inValue && this.trouble === NORMAL) {
      if (this.bare) this.finish(EMPTY, 0, out);
      else out.push(problem(this.source, this.startLine, 'input ended inside this value', textPrefix(this.parts)));
    }
    this.parts = [];
    this.size = 0;
  }

  /** The hot loop: returns at the chunk's end, or where trouble starts. State lives in locals meanwhile. */
  private scan(chunk: Buffer, from: number, out: InputItem[]): number {
    const stack = this.stack;
    const n = chunk.length;
    let { inString, escaped, inValue, bare, line } = this;
    let i = from;
    for (; i < n; i += 1) {
      const c = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (stack.length === 0) {
            inValue = false; // a top-level string
            this.finish(chunk, i + 1, out);
          }
        } else if (c === NL) {
          line += 1;
          this.lastNl = this.base + i;
        }
        continue;
      }
      if (inValue) {
        if (!bare) {
          if (c === QUOTE) inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) stack.push(c);
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            const open = stack.pop();
            if (open !== opener(c)) {
              out.push(this.unbalanced(chunk, i, c, open, line));
              inValue = false;
              i += 1;
              break;
            }
            if (stack.length === 0) {
              inValue = false;
              this.finish(chunk, i + 1, out);
            }
          } else if (c === NL) {
            line += 1;
            this.lastNl = this.base + i;
          }
          continue;
        }
        if (!endsBareToken(c)) continue;
        bare = false;
        inValue = false;
        this.finish(chunk, i, out);
        // The delimiter itself is looked at below, between values.
      }
      if (c === NL) {
        line += 1;
        this.lastNl = this.base + i;
      } else if (c === SPACE || c === TAB || c === CR || c === COMMA) {
        continue;
      } else if (c === OPEN_BRACKET && !this.inArray) {
        this.inArray = true;
      } else if (c === CLOSE_BRACKET && this.inArray) {
        this.inArray = false;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const char = String.fromCharCode(c);
        out.push(problem(this.source, line, `unexpected '${char}' between values`, char));
      } else {
        inValue = true;
        this.start = i;
        this.startLine = line;
        this.startColumn = this.base + i - this.lastNl - 1;
        if (c === OPEN_BRACE || c === OPEN_BRACKET) stack.push(c);
        else if (c === QUOTE) inString = true;
        else bare = true;
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    this.inValue = inValue;
    this.bare = bare;
    this.line = line;
    return i;
  }

  /** Skips a dropped or broken value; returns where normal scanning resumes. */
  private skip(chunk: Buffer, from: number): number {
    const stack = this.stack;
    for (let i = from; i < chunk.length; i += 1) {
      const c = chunk[i] as number;
      const tracking = this.trouble === DROPPING;
      if (tracking && this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (stack.length === 0) return this.resume(i + 1);
        } else if (c === NL) this.newline(i);
        continue;
      }
      if (tracking && this.bare && endsBareToken(c)) return this.resume(i);
      if (c === NL) {
        this.newline(i);
        this.lineBlank = true;
        continue;
      }
      if (isWhitespace(c)) continue;
      if (this.lineBlank && c === OPEN_BRACE && this.base + i - this.lastNl - 1 <= this.resyncColumn) {
        stack.length = 0;
        this.inString = false;
        this.escaped = false;
        this.bare = false;
        return this.resume(i);
      }
      this.lineBlank = false;
      if (!tracking || this.bare) continue;
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) stack.push(c);
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (stack.pop() !== opener(c)) this.trouble = LOST;
        else if (stack.length === 0) return this.resume(i + 1);
      }
    }
    return chunk.length;
  }

  private newline(i: number): void {
    this.line += 1;
    this.lastNl = this.base + i;
  }

  private enterTrouble(trouble: Trouble): void {
    this.trouble = trouble;
    this.lineBlank = false;
    this.resyncColumn = this.startColumn;
  }

  private resume(at: number): number {
    this.trouble = NORMAL;
    this.inValue = false;
    return at;
  }

  /** Emits the current value, which ends at `end` in `chunk`. */
  private finish(chunk: Buffer, end: number, out: InputItem[]): void {
    const total = this.size + end - this.start;
    if (total > this.limit) {
      out.push(problem(this.source, this.startLine, this.tooLong(), textPrefix([...this.parts, chunk.subarray(this.start, end)])));
    } else {
      const text =
        this.parts.length === 0
          ? chunk.toString('utf8', this.start, end)
          : Buffer.concat([...this.parts, chunk.subarray(this.start, end)], total).toString('utf8');
      out.push({ kind: 'record', source: this.source, line: this.startLine, text });
    }
    this.parts = [];
    this.size = 0;
  }

  private unbalanced(chunk: Buffer, i: number, c: number, open: number | undefined, line: number) {
    const text = textPrefix([...this.parts, chunk.subarray(this.start, i + 1)]);
    const closes = open === undefined ? 'nothing' : `a '${String.fromCharCode(open)}'`;
    const reason =
      `unbalanced brackets: '${String.fromCharCode(c)}' on line ${line} closes ${closes}; ` +
      'skipped to the next line that starts a value';
    this.parts = [];
    this.size = 0;
    this.stack.length = 0;
    this.enterTrouble(LOST);
    return problem(this.source, this.startLine, reason, text);
  }

  private tooLong(): string {
    return `record is longer than ${this.limit} bytes (maxRecordBytes); skipped to its end`;
  }
}

/** `}` and `]` sit two code points after `{` and `[`. */
function opener(closer: number): number {
  return closer - 2;
}
