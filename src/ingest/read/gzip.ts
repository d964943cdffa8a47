/**
 * Gzip is recognised by its magic bytes (1f 8b), not by a file name: bucket outputs and webhook
 * bodies arrive compressed without saying so, and JSON text can never start with 0x1f.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type ByteSource = AsyncIterable<Uint8Array | string>;

export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * The bytes of `source`, decompressed when they start with the gzip magic. Concatenated gzip
 * members (`cat a.gz b.gz`) decompress as one stream. Stopping early destroys the source.
 */
export async function* decompressIfGzip(source: ByteSource): AsyncGenerator<Buffer, void, undefined> {
  const chunks = source[Symbol.asyncIterator]();
  try {
    let head: Buffer = Buffer.alloc(0);
    while (head.length < 2) {
      const next = await chunks.next();
      if (next.done) break;
      head = head.length === 0 ? asBuffer(next.value) : Buffer.concat([head, asBuffer(next.value)]);
    }
    const rest = async function* () {
      if (head.length > 0) yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield asBuffer(next.value);
    };
    if (!isGzip(head)) {
      yield* rest();
      return;
    }
    const gunzip = createGunzip();
    // Errors of either side reach the loop below: pipeline destroys gunzip with them.
    pipeline(Readable.from(rest()), gunzip, () => {});
    for await (const chunk of gunzip) yield chunk as Buffer;
  } finally {
    await chunks.return?.();
  }
}
