/**
 * Helpers for the input-layer tests: feeding bytes in chunks of a chosen size, and reducing what
 * comes out to [line, text] pairs that read well in expectations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type InputItem } from '../../../src/ingest/read';

export async function collect(items: AsyncIterable<InputItem>): Promise<InputItem[]> {
  const all: InputItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A stream of `bytes` in chunks of `size` bytes (1 cuts every character and escape in two). */
export function trickle(bytes: Buffer | string, size: number): Readable {
  if (!Number.isInteger(size) || size < 1) throw new Error(`trickle(bytes, size): size must be a whole number >= 1, got ${size}`);
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return Readable.from(chunks);
}

/** Records as [line, text]; problems as [line, 'problem: ' + reason]. */
export function summary(items: readonly InputItem[]): [number, string][] {
  return items.map((item) => [item.line, item.kind === 'record' ? item.text : `problem: ${item.reason}`]);
}

/** A fresh folder under the system temp folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atomgraph-read-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
