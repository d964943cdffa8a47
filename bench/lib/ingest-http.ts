/**
 * POST /ingest as LimaCharlie's webhook_bulk output sends it: newline-delimited events, one batch
 * (`batch` records) per request, from `senders` senders at once, each posting its next body as soon as
 * it has its reply. The server is `atomgraph serve` as users run it (auth off on loopback), with
 * INGEST_BATCH_SIZE = batch and any other `settings`. Reported: events/s over the whole run, and each
 * request's time to its reply (p50, the longest) beside one body's time when it is the only request
 * (`alone`: the median of a few bodies posted one at a time before the concurrent run), and the
 * longest reply in batches of the server's time (`maxInBatches` = longest reply x events/s / batch).
 * With `senders` bodies written at once, a fair server answers each within `senders` batches (one
 * round: its own and one of every other sender's); the bar "no sender waits more than one batch" is
 * read as within senders + 1.
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import type { BenchNeo4j } from './neo4j';
import { startApi } from './servers';

export interface HttpResult {
  path: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb?: number;
  replyMs: { alone: number; p50: number; max: number; requests: number; maxInBatches: number };
}

export interface HttpRun {
  batch: number;
  senders: number;
  /** Extra server environment (e.g. INGEST_WRITE_SLOTS). */
  settings?: Record<string, string>;
  /** Said in the row's name after the senders. */
  label?: string;
}

export async function runHttp(db: BenchNeo4j, file: string, aloneFile: string, run: HttpRun): Promise<HttpResult> {
  const { batch, senders } = run;
  const bodiesOf = (f: string) => {
    const lines = readFileSync(f, 'utf8').split('\n').filter((l) => l.trim());
    const out: string[] = [];
    for (let i = 0; i < lines.length; i += batch) out.push(`${lines.slice(i, i + batch).join('\n')}\n`);
    return out;
  };
  // A fresh store's first batches on a busy machine can pass the default 30 s transaction timeout.
  const server = await startApi(db, { INGEST_BATCH_SIZE: String(batch), NEO4J_TX_TIMEOUT_MS: '180000', ...run.settings });
  const origin = new URL(server.url).origin;
  const pool = new Pool(origin, { connections: senders });
  const post = async (body: string): Promise<number> => {
    const t = performance.now();
    const res = await pool.request({ path: '/ingest', method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`POST /ingest answered ${res.statusCode}: ${text.slice(0, 300)}`);
    return performance.now() - t;
  };
  try {
    const aloneTimes: number[] = [];
    for (const body of bodiesOf(aloneFile)) aloneTimes.push(await post(body));
    const alone = aloneTimes.sort((a, b) => a - b)[Math.floor(aloneTimes.length / 2)]!;
    const bodies = bodiesOf(file);
    const events = bodies.reduce((n, b) => n + b.split('\n').length - 1, 0);
    const replies: number[] = [];
    let next = 0;
    const started = performance.now();
    const sender = async () => {
      while (next < bodies.length) replies.push(await post(bodies[next++]!));
    };
    await Promise.all(Array.from({ length: senders }, sender));
    const seconds = (performance.now() - started) / 1000;
    replies.sort((a, b) => a - b);
    const max = replies[replies.length - 1]!;
    const maxInBatches = Math.round(((max / 1000) * (events / seconds) * 10) / batch) / 10;
    const replyMs = { alone: Math.round(alone), p50: Math.round(replies[Math.floor(replies.length / 2)]!), max: Math.round(max), requests: replies.length, maxInBatches };
    process.stderr.write(`  POST /ingest${run.label ? ` (${run.label})` : ''}: ${events} events in ${seconds.toFixed(1)} s; reply ms alone ${replyMs.alone}, p50 ${replyMs.p50}, max ${replyMs.max} (${maxInBatches} batches)\n`);
    const path = `POST /ingest (webhook_bulk, ${senders} concurrent senders, ${batch} events per request${run.label ? `, ${run.label}` : ''})`;
    return { path, events, seconds, eventsPerSecond: Math.round(events / seconds), peakRssMb: server.rssMb(), replyMs };
  } finally {
    await pool.close();
    await server.stop();
  }
}
