/**
 * Reads a request body as the exact bytes sent (signatures are computed over them), refusing more
 * than `limit` bytes on the wire and, after gunzip, more than `limit` bytes decompressed.
 */
import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { AppError, ErrorCode } from '../../errors/codes';

export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      req.resume(); // drain without keeping it
      throw tooLarge(limit);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/** Gunzips when the body says so (Content-Encoding) or looks so (magic bytes), within the limit. */
export function decodeBody(body: Buffer, contentEncoding: string | undefined, limit: number): Buffer {
  const gzipped = /gzip/i.test(contentEncoding ?? '') || (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b);
  if (!gzipped) return body;
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw new AppError(ErrorCode.BAD_USER_INPUT, `the body is not valid gzip: ${(error as Error).message}`);
  }
}

function tooLarge(limit: number): AppError {
  return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the body is larger than the limit of ${limit} bytes`);
}
