/**
 * `npm run bench:bulk [events...]`: the bulk row of bench:ingest alone (`atomgraph import`, the
 * built CLI, into a Neo4j home of its own, to a queryable graph), at each size given (default
 * 1,000,000), beside a "read floor": how fast Node alone reads the same file (lines + JSON parse)
 * and reads + validates + normalises it (what `load` and `import` do before writing), so the
 * split between reading, CSV, the import tool and the index build is visible.
 * Results: bench/results/bulk-<timestamp>.json, a table on stdout. The input is bench:ingest's.
 */
import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runBulk, type BulkResult } from './lib/bulk';
import { writeCorpus } from './lib/corpus';
import { parseJson } from '../src/domain/json';
import { normalizeRecord } from '../src/ingest/normalize';

const ROOT = join(__dirname, '..');
const HEAP = process.env['BENCH_BULK_HEAP'] ?? '2g';
// BENCH_READ_FLOOR=0 skips the floor (it reads the whole input once more).
const FLOOR = process.env['BENCH_READ_FLOOR'] !== '0';

interface Floor {
  seconds: number;
  /** Of which JSON parsing, and validation + normalisation (summed per line). */
  parseSeconds: number;
  normalizeSeconds: number;
  eventsPerSecond: number;
}

/** Node alone on the same file: read lines, parse, normalise; nothing written. */
async function readFloor(file: string): Promise<Floor> {
  const started = performance.now();
  let parse = 0;
  let normalize = 0;
  let events = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const t0 = performance.now();
    const p = parseJson(line);
    const t1 = performance.now();
    if (p.ok) normalizeRecord(p.value);
    const t2 = performance.now();
    parse += t1 - t0;
    normalize += t2 - t1;
    events++;
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, parseSeconds: parse / 1000, normalizeSeconds: normalize / 1000, eventsPerSecond: Math.round(events / seconds) };
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  if (sizes.length === 0) sizes.push(1_000_000);
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`usage: npm run bench:bulk [events...], got ${process.argv.slice(2).join(' ')}`);
  const loadAtStart = loadavg();
  const dir = join(tmpdir(), `atomgraph-bench-bulk-input-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const rows: Array<{ events: number; floor: Floor | null; bulk: BulkResult }> = [];
  try {
    for (const events of sizes) {
      const file = join(dir, `bulk-${events}.jsonl`);
      await writeCorpus(file, events, `${Date.now().toString(36)}-b`);
      process.stderr.write(`bulk benchmark: ${events} events, import heap ${HEAP}, load average ${loadavg().map((l) => l.toFixed(1)).join('/')}\n`);
      const floor = FLOOR ? await readFloor(file) : null;
      if (floor) process.stderr.write(`  read floor: ${floor.seconds.toFixed(1)} s (parse ${floor.parseSeconds.toFixed(1)} s, validate+normalise ${floor.normalizeSeconds.toFixed(1)} s)\n`);
      const bulk = await runBulk(file, events, HEAP);
      rows.push({ events, floor, bulk });
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const date = new Date().toISOString();
  const outFile = join(ROOT, 'bench', 'results', `bulk-${date.replace(/[:.]/g, '-')}.json`);
  const round = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);
  writeFileSync(
    outFile,
    `${JSON.stringify({ date, machine: { cpus: cpus().length, node: process.version }, heap: HEAP, rows, loadAverageAtStart: round(loadAtStart), loadAverage: round(loadavg()) }, null, 2)}\n`,
  );
  process.stdout.write('\n| events | end to end s | events/s | read floor s | read+csv s | import tool s | start s | indexes s | Node peak MB | import JVM peak MB |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
  for (const { events, floor, bulk } of rows) {
    const s = bulk.stages;
    process.stdout.write(
      `| ${events} | ${bulk.seconds.toFixed(1)} | ${bulk.eventsPerSecond} | ${floor?.seconds.toFixed(1) ?? '-'} | ${s['read+csv'] ?? '-'} | ${s['import tool'] ?? '-'} | ${s['start'] ?? '-'} | ${s['indexes'] ?? '-'} | ${bulk.peakRssMb} | ${bulk.importJvmPeakRssMb} |\n`,
    );
  }
  process.stdout.write(`load average ${round(loadAtStart).join('/')} at start, ${round(loadavg()).join('/')} at end. Written to ${outFile}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:bulk failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
