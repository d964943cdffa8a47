/** Writes a benchmark's result as bench/results/<name>-<timestamp>.json; returns the file's path. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeResult(name: string, result: { date: string }): string {
  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
