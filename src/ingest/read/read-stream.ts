/**
 * Bytes -> records, for any byte stream: a file, stdin, an HTTP body. Gzip is undone, the format is
 * detected from the first lines, and the matching splitter cuts the rest as it streams past, so
 * memory holds one chunk and the record in progress, whatever the input's size. Failures are data:
 * a stream that breaks mid-way ends with one problem saying why, never with an exception.
 */
import { type Readable } from 'node:stream';
import { type ByteSource, decompressIfGzip } from './gzip';
import { LineSplitter } from './line-splitter';
import { Prelude, type Decision } from './prelude';
import { DEFAULT_MAX_RECORD_BYTES, type InputItem, type ReadOptions, type Splitter, problem } from './types';
import { ValueSplitter } from './value-splitter';

export async function* readStream(stream: Readable | ByteSource, source: string, options: ReadOptions = {}): AsyncGenerator<InputItem, void, undefined> {
  const limit = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const prelude = new Prelude(limit);
  let splitter: Splitter | null = null;
  let received = false;
  const out: InputItem[] = [];
  const chunks = decompressIfGzip(stream);

  let refused = false;
  const start = (decision: Decision): Splitter | null => {
    if (decision.kind === 'refuse') {
      out.push(problem(source, 1, decision.reason));
      refused = true;
      return null;
    }
    const made =
      decision.format === 'lines'
        ? new LineSplitter(source, limit, decision.firstLine)
        : new ValueSplitter(source, limit, decision.firstLine);
    made.push(decision.bytes, out);
    return made;
  };

  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        const line = received ? (splitter?.line ?? prelude.line) : 0;
        yield problem(source, line, describeReadError(error));
        return;
      }
      if (next.done) break;
      received = true;
      if (splitter) splitter.push(next.value, out);
      else {
        const decision = prelude.push(next.value);
        if (decision) splitter = start(decision);
      }
      for (const item of out) yield item;
      out.length = 0;
      if (refused) return;
    }
    if (!splitter) {
      const decision = prelude.push(null);
      if (decision) splitter = start(decision);
    }
    splitter?.end(out);
    for (const item of out) yield item;
  } finally {
    await chunks.return();
  }
}

/**
 * Bytes in memory are handed to the splitter this much at a time: one slice's records are cut
 * synchronously, so a 16 MB body of tiny lines in one piece would be millions of records made
 * before anyone else ran. 16 KiB: at most ~5,500 records of `{}` per slice.
 */
const BUFFER_SLICE_BYTES = 16 * 1024;

/** The same for bytes already in memory (an HTTP body); gzip is undone by its magic bytes too. */
export function readBuffer(buf: Buffer, source: string, options: ReadOptions = {}): AsyncGenerator<InputItem, void, undefined> {
  return readStream(
    (async function* () {
      for (let at = 0; at < buf.length; at += BUFFER_SLICE_BYTES) yield buf.subarray(at, at + BUFFER_SLICE_BYTES);
    })(),
    source,
    options,
  );
}

function describeReadError(error: unknown): string {
  const { message, code } = error as { message?: string; code?: string };
  if (typeof code === 'string' && code.startsWith('Z_')) return `gzip data is corrupt or truncated: ${message ?? code}`;
  return `read failed: ${message ?? String(error)}`;
}
