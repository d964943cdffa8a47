/**
 * Which splitter fits an input, decided from its first lines:
 * - `[` first: a JSON array; its elements are the records ('values').
 * - the first value ends on its first line: JSON Lines, one record per line ('lines'). A broken line
 *   then costs only itself, which is why this is preferred whenever it fits.
 * - otherwise pretty-printed or concatenated JSON, split by bracket depth ('values') -- unless the
 *   next non-blank line is a whole `{...}` on its own: then the first line is a broken JSON Lines
 *   record (a cut-off write), since no pretty-printer puts a complete object on the line after an
 *   unfinished one, and 'lines' keeps that break from swallowing the records after it.
 */
import { CLOSE_BRACE, CLOSE_BRACKET, NL, OPEN_BRACE, OPEN_BRACKET, BACKSLASH, QUOTE, endsBareToken, isWhitespace } from './bytes';

export type Format = 'lines' | 'values';

/**
 * `buf` starts at the input's first non-whitespace byte. Returns undefined while more input is
 * needed; `ended` means there is no more. Past `limit` bytes it decides anyway: the first record
 * is oversized whatever the format, and 'lines' skips it without buffering.
 */
export function detectFormat(buf: Buffer, ended: boolean, limit: number): Format | undefined {
  if (buf.length === 0) return ended ? 'lines' : undefined;
  if (buf[0] === OPEN_BRACKET) return 'values';
  const firstEnd = lineEnd(buf, 0, ended);
  if (firstEnd < 0) return buf.length > limit ? 'lines' : undefined;
  if (valueEnd(buf, 0, firstEnd) >= 0) return 'lines';

  let next = firstEnd;
  while (next < buf.length && isWhitespace(buf[next])) next += 1;
  if (next === buf.length) return ended || buf.length > limit ? 'values' : undefined;
  if (buf[next] !== OPEN_BRACE) return 'values';
  const secondEnd = lineEnd(buf, next, ended);
  if (secondEnd < 0) return buf.length > limit ? 'values' : undefined;
  let end = valueEnd(buf, next, secondEnd);
  if (end < 0) return 'values';
  while (end < secondEnd && isWhitespace(buf[end])) end += 1;
  return end === secondEnd ? 'lines' : 'values';
}

/** Index of the newline ending the line that holds `from`; the input's end once it has ended; else -1. */
function lineEnd(buf: Buffer, from: number, ended: boolean): number {
  const nl = buf.indexOf(NL, from);
  if (nl >= 0) return nl;
  return ended ? buf.length : -1;
}

/** Where the JSON value starting at `from` ends (exclusive), or -1 when it is still open at `to`. */
export function valueEnd(buf: Buffer, from: number, to: number): number {
  const first = buf[from];
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET && first !== QUOTE) {
    let i = from + 1;
    while (i < to && !endsBareToken(buf[i])) i += 1;
    return i;
  }
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = from; i < to; i += 1) {
    const c = buf[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
