/**
 * What the input layer hands the pipeline: records still as text (the next stage parses them
 * losslessly), or problems the splitter itself could not turn into a record. Both carry the source
 * and the 1-based line where they start, so a reject can be found in the file it came from.
 */
export type RawRecord = { kind: 'record'; source: string; line: number; text: string };

/** `line` is 0 when the whole input could not be read (missing file, no permission). */
export type ReadProblem = { kind: 'problem'; source: string; line: number; reason: string; text: string };

export type InputItem = RawRecord | ReadProblem;

export interface ReadOptions {
  /** A record longer than this becomes a ReadProblem and is skipped without being buffered. */
  maxRecordBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** How much of an oversized or broken record a problem quotes: enough to recognise it. */
export const PROBLEM_TEXT_BYTES = 4096;

/** A splitter cuts a byte stream into records; it only ever holds the record it is in the middle of. */
export interface Splitter {
  /** The line the splitter has reached (for a read error that stops it). */
  readonly line: number;
  push(chunk: Buffer, out: InputItem[]): void;
  end(out: InputItem[]): void;
}

export function problem(source: string, line: number, reason: string, text = ''): ReadProblem {
  return { kind: 'problem', source, line, reason, text };
}

/** The first PROBLEM_TEXT_BYTES of some bytes as text, never ending in half a UTF-8 character. */
export function textPrefix(parts: readonly Buffer[]): string {
  const head: Buffer[] = [];
  let size = 0;
  for (const part of parts) {
    if (size >= PROBLEM_TEXT_BYTES) break;
    const take = part.subarray(0, PROBLEM_TEXT_BYTES - size);
    head.push(take);
    size += take.length;
  }
  const bytes = Buffer.concat(head, size);
  let end = bytes.length;
  if (size >= PROBLEM_TEXT_BYTES) {
    // Back off over continuation bytes (10xxxxxx) to the start of the last character, and drop it.
    let start = end - 1;
    while (start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start -= 1;
    if (((bytes[start] ?? 0) & 0x80) !== 0) end = start;
  }
  return bytes.toString('utf8', 0, end);
}
