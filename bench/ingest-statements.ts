/**
 * Where a batch's transaction spends its time: runs the CLI's write path (writeBatch) on rows
 * prepared beforehand, one batch at a time, and times each statement inside the transaction.
 * Also times the pipeline's own steps (parse, normalise) on the same input. Not part of
 * bench:ingest; a tool for deciding what to change. NEO4J_URI etc. point at a running Neo4j.
 *   node --import tsx bench/ingest-statements.ts [events=40000] [batch=2000]
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCorpus } from './lib/corpus';
import { parseConfig } from '../src/config/env';
import { createDriver } from '../src/graph/driver';
import { GraphExecutor, type TxRunner } from '../src/graph/executor';
import { migrate } from '../src/graph/schema/migrate';
import { writeBatch } from '../src/graph/writer/write-batch';
import { normalizeRecord } from '../src/ingest/normalize';
import { parseJson } from '../src/domain/json';
import type { EventRow } from '../src/graph/writer/rows';

const EVENTS = Number(process.argv[2] ?? 40_000);
const BATCH = Number(process.argv[3] ?? 2000);

async function main(): Promise<void> {
  const config = parseConfig({ NEO4J_URI: process.env['NEO4J_URI'], NEO4J_USERNAME: 'neo4j', NEO4J_PASSWORD: process.env['NEO4J_PASSWORD'] ?? 'atomgraph-bench' });
  const driver = createDriver(config);
  const base = new GraphExecutor(driver, { database: 'neo4j', timeoutMs: 600_000 });
  if (!process.env['NO_MIGRATE']) await migrate(base);
  const dir = join(tmpdir(), `atomgraph-stmt-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'c.jsonl');
  await writeCorpus(file, EVENTS, Date.now().toString(36));
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  let t = performance.now();
  const parsed = lines.map((l) => parseJson(l));
  const parseMs = performance.now() - t;
  t = performance.now();
  const rows: EventRow[] = parsed.flatMap((p, i) => {
    const n = p.ok ? normalizeRecord(p.value, lines[i]) : null;
    return n && n.ok ? n.rows : [];
  });
  const normMs = performance.now() - t;
  process.stderr.write(`pipeline on ${lines.length} lines: parse ${parseMs.toFixed(0)} ms, normalise ${normMs.toFixed(0)} ms\n`);

  const times = new Map<string, number>();
  const executor = Object.create(base) as GraphExecutor;
  const add = (name: string, ms: number) => times.set(name, (times.get(name) ?? 0) + ms);
  executor.writeTransaction = async <T>(name: string, work: (run: TxRunner) => Promise<T>) => {
    const begun = performance.now();
    let workEnded = 0;
    let firstRun = 0;
    const out = await base.writeTransaction(name, async (run) => {
      const result = await work(async (q, p) => {
        const s = performance.now();
        if (firstRun === 0) firstRun = s;
        const r = await run(q, p);
        add(q.name, performance.now() - s);
        return r;
      });
      workEnded = performance.now();
      return result;
    });
    const ended = performance.now();
    // Before the first statement: session and BEGIN; after the work: COMMIT (store, indexes, log).
    add('(session + begin)', firstRun - begun);
    add('(commit + session close)', ended - workEnded);
    return out;
  };
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) await writeBatch(executor, rows.slice(i, i + BATCH));
  const total = performance.now() - started;
  process.stderr.write(`${rows.length} rows, ${(rows.length / (total / 1000)).toFixed(0)} events/s, ${total.toFixed(0)} ms\n`);
  for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) process.stderr.write(`  ${k}: ${v.toFixed(0)} ms (${((v / total) * 100).toFixed(0)}%)\n`);
  await driver.close();
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
