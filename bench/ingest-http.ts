/**
 * `npm run bench:ingest-http`: POST /ingest with concurrent webhook_bulk senders, side by side in one
 * run on one Neo4j, for each INGEST_WRITE_SLOTS setting: 64 (every request writes as soon as its
 * batch is ready, which is how the server behaved before the write lane), 1 and 2 (the default).
 * The question is the "no sender waits more than one batch for a reply" (read as the
 * longest reply within senders + 1 batches of the server's time, see lib/ingest-http.ts) beside the
 * events/s each setting gives. Sizes: BENCH_EVENTS per row (default 60000), BENCH_BATCH, BENCH_SENDERS.
 * Results: bench/results/ingest-http-<timestamp>.json and a table on stdout.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCorpus } from './lib/corpus';
import { runHttp, type HttpResult } from './lib/ingest-http';
import { benchNeo4j } from './lib/neo4j';
import { writeResult } from './lib/results';
import { DEFAULT_BATCH_SIZE } from '../src/ingest/defaults';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 60_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? DEFAULT_BATCH_SIZE);
const SENDERS = Number(process.env['BENCH_SENDERS'] ?? 4);
const SLOTS = ['64', '1', '2'];

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

async function main(): Promise<void> {
  const loadAverageAtStart = load();
  const db = await benchNeo4j(process.env);
  const dir = join(tmpdir(), `atomgraph-bench-ingest-http-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const tag = Date.now().toString(36);
    // Warm-up, not reported: a fresh JVM and store are slower for their first writes.
    const warm = join(dir, 'warm.jsonl');
    await writeCorpus(warm, Math.min(EVENTS, 20_000), `${tag}-w`);
    const warmAlone = join(dir, 'warm-alone.jsonl');
    await writeCorpus(warmAlone, BATCH, `${tag}-wa`);
    await runHttp(db, warm, warmAlone, { batch: BATCH, senders: SENDERS, label: 'warm-up' });
    const rows: (HttpResult & { slots: number })[] = [];
    for (const slots of SLOTS) {
      const file = join(dir, `http-${slots}.jsonl`);
      await writeCorpus(file, EVENTS, `${tag}-h${slots}`);
      const alone = join(dir, `alone-${slots}.jsonl`);
      await writeCorpus(alone, BATCH * 3, `${tag}-a${slots}`);
      const result = await runHttp(db, file, alone, { batch: BATCH, senders: SENDERS, settings: { INGEST_WRITE_SLOTS: slots }, label: `INGEST_WRITE_SLOTS=${slots}` });
      rows.push({ ...result, slots: Number(slots) });
    }
    const summary = { date: new Date().toISOString(), batch: BATCH, senders: SENDERS, bar: `longest reply within ${SENDERS + 1} batches of the server's time`, rows, loadAverageAtStart, loadAverage: load() };
    const file = writeResult('ingest-http', summary);
    process.stdout.write(`\n| INGEST_WRITE_SLOTS | events/s | reply alone (ms) | p50 (ms) | longest (ms) | longest in batches (bar ${SENDERS + 1}) |\n|---:|---:|---:|---:|---:|---:|\n`);
    for (const r of rows) process.stdout.write(`| ${r.slots} | ${r.eventsPerSecond} | ${r.replyMs.alone} | ${r.replyMs.p50} | ${r.replyMs.max} | ${r.replyMs.maxInBatches} |\n`);
    process.stdout.write(`\nload average ${loadAverageAtStart.join(', ')} at start, ${summary.loadAverage.join(', ')} at the end. Written to ${file}\n`);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ingest-http failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
