/**
 * The node labels the model itself uses, read from the Cypher in src (every node pattern such as
 * `(s:Sensor`, `(p:Event:Process`, `(:ApiKey`), not from a hand-kept list: a label added to any
 * statement later is covered by the tests that use this.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(__dirname, '..', '..', 'src');
const NODE_PATTERN = /\((?:[A-Za-z_]\w*)?((?::[A-Za-z_]\w*)+)/g;
/** Labels the writer adds to event rows besides the type (`labels.push('Process')` in ingest/normalize.ts). */
const ROW_LABEL = /labels\.push\('([A-Za-z_]\w*)'\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

export function modelLabels(): string[] {
  const labels = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    for (const match of readFileSync(file, 'utf8').matchAll(NODE_PATTERN)) {
      for (const label of (match[1] ?? '').split(':').filter(Boolean)) labels.add(label);
    }
    for (const match of readFileSync(file, 'utf8').matchAll(ROW_LABEL)) labels.add(match[1] as string);
  }
  return [...labels].sort();
}
