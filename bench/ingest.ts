/**
 * `npm run bench:ingest`: ingest speed and memory, side by side in one run, on the same Neo4j:
 *   - cli:     `atomgraph load` as users run it (a child process; its peak RSS is measured);
 *   - naive:   one transaction per event, the same write statement (on a sample, it is slow);
 *   - ceiling: one raw UNWIND statement per batch with no validation (nodes and PARENT/TARGET edges);
 *   - same graph: the CLI's own write statements, as many batches in flight as the CLI, on rows
 *     prepared before the clock starts.
 * Sizes via BENCH_EVENTS (default 100000); the CLI also runs on BENCH_MEMORY_FACTOR (10) times that,
 * the 1M events, to show RSS stays flat. The CLI is the built one (`npm run bench:ingest`
 * builds first), started as users start it, so its time includes starting up and connecting.
 * Results: bench/results/ingest-<timestamp>.json, and a table on stdout for docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { runBulk } from './lib/bulk';
import { watchPeakRss } from '../src/local/peak-rss';
import { writeCorpus } from './lib/corpus';
import { runHttp } from './lib/ingest-http';
import { benchNeo4j, type BenchNeo4j } from './lib/neo4j';
import { parseConfig } from '../src/config/env';
import { createDriver } from '../src/graph/driver';
import { GraphExecutor } from '../src/graph/executor';
import { migrate } from '../src/graph/schema/migrate';
import { writeBatch } from '../src/graph/writer/write-batch';
import { normalizeRecord } from '../src/ingest/normalize';
import { parseJson } from '../src/domain/json';
import { DEFAULT_WRITE_CONCURRENCY as INGEST_CONCURRENCY } from '../src/ingest/pipeline';
import { DEFAULT_BATCH_SIZE } from '../src/ingest/defaults';
import type { EventRow } from '../src/graph/writer/rows';

const ROOT = join(__dirname, '..');
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const NAIVE_EVENTS = Number(process.env['BENCH_NAIVE_EVENTS'] ?? 2_000);
// Every path in the same batch size, the CLI's default unless BENCH_BATCH says otherwise.
const BATCH = Number(process.env['BENCH_BATCH'] ?? DEFAULT_BATCH_SIZE);
const MEMORY_FACTOR = Number(process.env['BENCH_MEMORY_FACTOR'] ?? 10);
const SENDERS = Number(process.env['BENCH_SENDERS'] ?? 4);

interface Result {
  path: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb?: number;
  /** POST /ingest: each request's time to its reply, ms. */
  replyMs?: { alone: number; p50: number; max: number; requests: number; maxInBatches: number };
}

async function runCli(db: BenchNeo4j, file: string, events: number, label: string): Promise<Result> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'atomgraph.js'), 'load', file, '--batch-size', String(BATCH), '--no-progress'], {
    env: { ...process.env, NEO4J_URI: db.uri, NEO4J_USERNAME: db.user, NEO4J_PASSWORD: db.password, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const peakRss = watchPeakRss(child.pid);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const peakRssMb = peakRss();
  if (code !== 0) throw new Error(`atomgraph load exited ${code}: ${out}`);
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`  ${label}: ${out.trim()}\n`);
  return { path: label, events, seconds, eventsPerSecond: Math.round(events / seconds), peakRssMb };
}

function rowsOf(file: string, limit: number) {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).slice(0, limit);
  return lines.flatMap((l) => {
    const p = parseJson(l);
    const n = p.ok ? normalizeRecord(p.value) : null;
    return n && n.ok ? n.rows : [];
  });
}

async function runNaive(executor: GraphExecutor, file: string): Promise<Result> {
  const rows = rowsOf(file, NAIVE_EVENTS);
  const started = performance.now();
  for (const row of rows) await writeBatch(executor, [row]);
  const seconds = (performance.now() - started) / 1000;
  return { path: 'naive: one transaction per event', events: rows.length, seconds, eventsPerSecond: Math.round(rows.length / seconds) };
}

const CEILING = `
UNWIND $rows AS r
MERGE (e:Event {uid: r[0]})
SET e.raw = r[1]
WITH e, r
CALL (e, r) { WITH r WHERE r[2] IS NOT NULL MERGE (p:Event {uid: r[2]}) CREATE (e)-[:PARENT]->(p) }
CALL (e, r) { WITH r WHERE r[3] IS NOT NULL MERGE (t:Event {uid: r[3]}) CREATE (e)-[:TARGET]->(t) }`;

/**
 * The same graph as the CLI (every property, labels, indicators, sensors), from rows parsed and
 * normalised before the clock starts: what the CLI's own statements can take with no parsing or
 * validation in the way. The gap between this and the CLI is the pipeline's; the gap between this
 * and the raw ceiling is the graph model's.
 */
async function runSameGraph(executor: GraphExecutor, file: string): Promise<Result> {
  const rows = rowsOf(file, Number.MAX_SAFE_INTEGER);
  const batches: EventRow[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) batches.push(rows.slice(i, i + BATCH));
  const started = performance.now();
  // As many batches in flight as the CLI keeps (the pipeline's default), each taking the next.
  let next = 0;
  const writer = async () => {
    while (next < batches.length) await writeBatch(executor, batches[next++]!);
  };
  await Promise.all(Array.from({ length: INGEST_CONCURRENCY }, writer));
  const seconds = (performance.now() - started) / 1000;
  return { path: 'same graph as the CLI, rows prepared beforehand (writer statements only)', events: rows.length, seconds, eventsPerSecond: Math.round(rows.length / seconds) };
}

async function runCeiling(driver: ReturnType<typeof createDriver>, file: string, events: number): Promise<Result> {
  // Plain JSON.parse, no validation, no indicators or sensors: what the database can take at best.
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const started = performance.now();
  let batch: unknown[][] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const session = driver.session();
    try {
      await session.executeWrite((tx) => tx.run(CEILING, { rows }));
    } finally {
      await session.close();
    }
  };
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { routing: Record<string, string | undefined> };
    const r = e.routing;
    const oid = `ceiling-${r['oid'] ?? ''}`;
    batch.push([`${oid}/${r['this'] ?? ''}`, line, r['parent'] ? `${oid}/${r['parent']}` : null, r['target'] ? `${oid}/${r['target']}` : null]);
    count++;
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  const seconds = (performance.now() - started) / 1000;
  return { path: 'ceiling: raw UNWIND per batch, no validation', events: count, seconds, eventsPerSecond: Math.round(events / seconds) };
}

async function main(): Promise<void> {
  const loadAtStart = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);
  const db = await benchNeo4j(process.env);
  const dir = join(tmpdir(), `atomgraph-bench-ingest-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const config = parseConfig({ NEO4J_URI: db.uri, NEO4J_USERNAME: db.user, NEO4J_PASSWORD: db.password });
  const driver = createDriver(config);
  const executor = new GraphExecutor(driver, { database: 'neo4j', timeoutMs: 600_000 });
  try {
    await migrate(executor);
    const tag = Date.now().toString(36);
    const small = join(dir, 'small.jsonl');
    const large = join(dir, 'large.jsonl');
    await writeCorpus(small, EVENTS, `${tag}-s`);
    await writeCorpus(large, EVENTS * MEMORY_FACTOR, `${tag}-l`);
    const naiveFile = join(dir, 'naive.jsonl');
    await writeCorpus(naiveFile, NAIVE_EVENTS, `${tag}-n`);
    const ceilingFile = join(dir, 'ceiling.jsonl');
    await writeCorpus(ceilingFile, EVENTS, `${tag}-c`);
    const sameGraphFile = join(dir, 'same-graph.jsonl');
    await writeCorpus(sameGraphFile, EVENTS, `${tag}-g`);
    const httpFile = join(dir, 'http.jsonl');
    await writeCorpus(httpFile, EVENTS, `${tag}-h`);
    const aloneFile = join(dir, 'http-alone.jsonl');
    await writeCorpus(aloneFile, BATCH * 5, `${tag}-a`);

    process.stderr.write(`ingest benchmark: ${EVENTS} events (and ${EVENTS * MEMORY_FACTOR} for the memory check), batch ${BATCH}, Neo4j ${db.uri}\n`);
    // Warm-up, not reported: a fresh JVM and store are several times slower for their first
    // tens of thousands of writes, which would penalise whichever path ran first.
    const warm = join(dir, 'warm.jsonl');
    await writeCorpus(warm, Math.min(EVENTS, 30_000), `${tag}-w`);
    await runCli(db, warm, Math.min(EVENTS, 30_000), 'warm-up');
    const results: Result[] = [];
    results.push(await runCli(db, small, EVENTS, `cli: atomgraph load (${EVENTS} events)`));
    results.push(await runCeiling(driver, ceilingFile, EVENTS));
    results.push(await runNaive(executor, naiveFile));
    results.push(await runSameGraph(executor, sameGraphFile));
    results.push(await runHttp(db, httpFile, aloneFile, { batch: BATCH, senders: SENDERS }));
    results.push(await runCli(db, large, EVENTS * MEMORY_FACTOR, `cli: atomgraph load (${EVENTS * MEMORY_FACTOR} events)`));
    // Bulk (bench/lib/bulk.ts): the same 1M-event file into a Neo4j home of its own.
    const bulk = await runBulk(large, EVENTS * MEMORY_FACTOR, process.env['BENCH_BULK_HEAP'] ?? '2g');
    results.push(bulk);

    const ceiling = results[1]!.eventsPerSecond;
    const cli = results[0]!.eventsPerSecond;
    const summary = {
      date: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      batchSize: BATCH,
      results,
      cliShareOfCeiling: Math.round((cli / ceiling) * 100) / 100,
      cliShareOfSameGraph: Math.round((cli / results[3]!.eventsPerSecond) * 100) / 100,
      bulkVsCli: Math.round((bulk.eventsPerSecond / results[5]!.eventsPerSecond) * 10) / 10,
      cli1MShareOfCeiling: Math.round((results[5]!.eventsPerSecond / ceiling) * 100) / 100,
      httpShareOfCeiling: Math.round((results[4]!.eventsPerSecond / ceiling) * 100) / 100,
      loadAverageAtStart: loadAtStart,
      loadAverage: (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100),
    };
    const outFile = join(ROOT, 'bench', 'results', `ingest-${summary.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(outFile, `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`\n| path | events | seconds | events/s | peak RSS (MB) |\n|---|---:|---:|---:|---:|\n`);
    for (const r of results) process.stdout.write(`| ${r.path} | ${r.events} | ${r.seconds.toFixed(1)} | ${r.eventsPerSecond} | ${r.peakRssMb ?? '-'} |\n`);
    process.stdout.write(`bulk: Node peak ${bulk.peakRssMb} MB, import JVM peak ${bulk.importJvmPeakRssMb} MB (-Xmx${bulk.heap}), ${summary.bulkVsCli}x the CLI on the same ${bulk.events} events; load average ${bulk.loadAverage.before.map((l) => l.toFixed(1)).join('/')} before\n`);
    const http = results[4]!.replyMs!;
    process.stdout.write(
      `\nCLI at ${Math.round(summary.cliShareOfCeiling * 100)}% of the ceiling (${Math.round(summary.cli1MShareOfCeiling * 100)}% at ${EVENTS * MEMORY_FACTOR} events), ` +
        `${Math.round(summary.cliShareOfSameGraph * 100)}% of its own statements; POST /ingest at ${Math.round(summary.httpShareOfCeiling * 100)}%, ` +
        `replies ms: alone ${http.alone}, p50 ${http.p50}, longest ${http.max} (${(http.max / http.alone).toFixed(1)}x alone, ${http.maxInBatches} batches of the server's time). Load average ${summary.loadAverage.join(', ')}. Written to ${outFile}\n`,
    );
  } finally {
    await driver.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void neo4j; // the driver module is loaded once here so the first measured path does not pay for it
main().catch((error: unknown) => {
  process.stderr.write(`bench:ingest failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
