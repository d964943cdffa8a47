/**
 * Benchmark input: the shared attack capture, copied as many times as needed with a distinct org
 * per copy (so every copy is new to the graph), streamed to a JSONL file.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';

export const DATASET = join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl');

export async function writeCorpus(file: string, events: number, tag: string): Promise<number> {
  const lines = readFileSync(DATASET, 'utf8').split('\n').filter((l) => l.trim());
  const out = createWriteStream(file);
  let written = 0;
  for (let copy = 0; written < events; copy++) {
    const org = `bench-${tag}-${copy}`;
    for (const line of lines) {
      if (written >= events) break;
      if (!out.write(`${line.replace(/"oid":"[^"]*"/, `"oid":"${org}"`)}\n`)) await once(out, 'drain');
      written++;
    }
  }
  out.end();
  await once(out, 'finish');
  return written;
}
