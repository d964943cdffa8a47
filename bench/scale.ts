/**
 * `npm run bench:scale`: do the hunting and dashboard questions cost the same at 10x the events?
 * For each size in BENCH_SCALE_SIZES (default "1000000,10000000", the issue's run), a generated
 * fleet (10,000 events per host) is loaded once into its own kept Neo4j under BENCH_DATA_DIR
 * (default ~/.cache/atomgraph/bench-scale/<size>), then each question is asked BENCH_SCALE_ROUNDS
 * times (default 200, after 10 warm-up rounds) through the same readers the API runs (the driver
 * floor: no HTTP, no GraphQL). Reported per size: p50/p99 per question, the store's size on disk
 * per million events, and, last size over first, the ratio of each p50 and p99. Each graph also
 * holds a 100k-process tree in an org of its own (bench/lib/big-tree.ts, written once), paged at
 * page 1, above its widest level and inside it.
 * Results: bench/results/scale-<timestamp>.json and a markdown table on stdout. The kept Neo4j's
 * page cache and heap: BENCH_NEO4J_PAGECACHE and BENCH_NEO4J_HEAP (default 3g each), reported.
 * A load takes hours at 10M events: Ctrl-C (or SIGTERM) stops it after the batches in flight and
 * the next run goes on from there; BENCH_SCALE_LOAD_ONLY=1 loads and measures nothing, so the load
 * can run niced beside other work and the questions later on a quiet machine.
 */
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { bigTreeOnce, type BigTreeRow } from './lib/big-tree';
import { keptBenchNeo4j } from './lib/neo4j';
import { writeResult } from './lib/results';
import { percentile, round1 } from './lib/stats';
import { parseConfig } from '../src/config/env';
import { loadFleetOnce } from '../src/demo/load-fleet';
import { withDefaults } from '../src/generate';
import { createDriver } from '../src/graph/driver';
import { GraphExecutor, type NamedQuery } from '../src/graph/executor';
import { encodeCursor } from '../src/graph/reader/cursor';
import { EventReader } from '../src/graph/reader/events';
import { SearchReader } from '../src/graph/reader/search';
import { SightingReader } from '../src/graph/reader/sightings';
import { TreeReader } from '../src/graph/reader/trees';
import { migrate } from '../src/graph/schema/migrate';

const SIZES = (process.env['BENCH_SCALE_SIZES'] ?? '1000000,10000000').split(',').map((s) => Number(s.trim()));
const ROUNDS = Number(process.env['BENCH_SCALE_ROUNDS'] ?? 200);
const WARMUP = 10;
const ROOT = process.env['BENCH_DATA_DIR'] ?? join(homedir(), '.cache', 'atomgraph', 'bench-scale');
const TREE_PAGE = 100;
const TREE_DEPTH = 32;
const LOAD_ONLY = process.env['BENCH_SCALE_LOAD_ONLY'] === '1';
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

const PICK_TREE: NamedQuery = {
  name: 'bench: the largest tree',
  cypher: `MATCH (root:Process) WHERE root.oid = $org AND NOT (root)-[:PARENT]->()
CALL (root) { MATCH (root) (()<-[:PARENT]-(x:Event)){1,32} RETURN count(DISTINCT last(x)) AS size }
RETURN root.atom AS atom, size ORDER BY size DESC LIMIT 1`,
};
const PICK_ATOMS: NamedQuery = {
  name: 'bench: process atoms',
  cypher: `MATCH (e:NEW_PROCESS) WHERE e.oid = $org AND e.placeholder = false WITH e ORDER BY e.uid LIMIT 2000 RETURN collect(e.atom) AS atoms`,
};
const PICK_HASH: NamedQuery = {
  name: 'bench: the most widely seen hash',
  cypher: `MATCH (i:Indicator {kind: 'HASH'}) WHERE i.oid = $org WITH i LIMIT 5000 RETURN i.value AS value, COUNT { (:Sensor)-[:SAW]->(i) } AS hosts ORDER BY hosts DESC, value LIMIT 1`,
};
const PICK_HOST: NamedQuery = {
  name: 'bench: a busy host',
  cypher: `MATCH (s:Sensor) WHERE s.oid = $org RETURN s.hostname AS hostname ORDER BY s.eventCount DESC, s.uid LIMIT 1`,
};

interface SizeResult {
  events: number;
  hosts: number;
  loadSeconds: number | null;
  storeBytes: number;
  storeMBPerMillion: number;
  /** The kept Neo4j's page cache and heap (BENCH_NEO4J_PAGECACHE, BENCH_NEO4J_HEAP). */
  pagecache: string;
  heap: string;
  treeSize: number;
  questions: Record<string, { p50: number; p99: number; answer: number }>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function measureSize(events: number): Promise<SizeResult | null> {
  const hosts = Math.max(1, Math.round(events / 10_000));
  const dir = join(ROOT, String(events));
  const neo4j = await keptBenchNeo4j({ ...process.env, NEO4J_URI: undefined, BENCH_DATA_DIR: dir });
  const config = parseConfig({ NEO4J_URI: neo4j.uri, NEO4J_USERNAME: neo4j.user, NEO4J_PASSWORD: neo4j.password, NEO4J_TX_TIMEOUT_MS: '600000' });
  const driver = createDriver(config, neo4j.uri);
  const executor = new GraphExecutor(driver, { database: config.NEO4J_DATABASE, timeoutMs: config.NEO4J_TX_TIMEOUT_MS });
  try {
    await migrate(executor);
    let lastLog = 0;
    const load = await loadFleetOnce(withDefaults({ hosts, events, seed: 'atomgraph-scale', orgs: 1 }), {
      executor,
      batchSize: config.INGEST_BATCH_SIZE,
      signal: stop.signal,
      onStart: () => log(`loading ${events} events (${hosts} hosts) into ${dir}; kept for later runs`),
      onProgress: (s) => {
        if (performance.now() - lastLog > 30_000) {
          lastLog = performance.now();
          log(`  ${s.records} records read`);
        }
      },
    });
    if (load.resumedFrom) log(`  resumed after ${load.resumedFrom} records an earlier run committed`);
    if (load.interrupted || LOAD_ONLY) {
      log(load.interrupted ? `stopped after ${load.summary?.records} more records; the next run goes on from there` : `${events} events loaded`);
      await driver.close();
      await neo4j.stop();
      return null;
    }
    if (load.loadedNow) log(`loaded ${load.events} events in ${load.seconds?.toFixed(0)} s`);
    const org = load.truth.orgs[0]!.oid;
    const reader = new EventReader(executor);
    const trees = new TreeReader(executor);
    const sightings = new SightingReader(executor);
    const search = new SearchReader(executor);
    const atoms = (await executor.read(PICK_ATOMS, { org })).records[0]!.get('atoms') as string[];
    const tree = (await executor.read(PICK_TREE, { org })).records[0]!;
    const hash = (await executor.read(PICK_HASH, { org })).records[0]!.get('value') as string;
    const hostname = (await executor.read(PICK_HOST, { org })).records[0]!.get('hostname') as string;
    const root = (await reader.byAtom(tree.get('atom') as string, null, null))!;
    // Cursors of the tree's pages 2.., from one walk; each round asks one of them.
    const cursors: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page = await trees.descendants(root.uid, TREE_DEPTH, null, TREE_PAGE, after, null, false);
      if (!page.hasNextPage) break;
      after = page.edges[page.edges.length - 1]!.cursor;
      cursors.push(after);
    }
    // The 100k-process tree: cursors of pages above its widest level (levels 1-4) and inside it (level 5).
    const big = await bigTreeOnce(executor, log);
    const bigRoot = (await reader.byAtom(big.rootAtom, null, null))!;
    const cursorBefore = (r: BigTreeRow) => encodeCursor('descendants', { d: r.depth, t: String(r.time), uid: r.uid });
    const bigPages = { above: [] as string[], inside: [] as string[] };
    for (let p = 2; (p - 1) * TREE_PAGE < big.rows.length; p++) {
      const last = big.rows[(p - 1) * TREE_PAGE - 1]!;
      (big.rows[(p - 1) * TREE_PAGE]!.depth < 5 ? bigPages.above : bigPages.inside).push(cursorBefore(last));
    }
    const bigPage = async (after: string | null) => (await trees.descendants(bigRoot.uid, TREE_DEPTH, null, TREE_PAGE, after, null, false)).edges.length;
    const questions: Record<string, (round: number) => Promise<number>> = {
      'event by atom': async (r) => Number((await reader.byAtom(atoms[r % atoms.length]!, null, null)) !== null),
      'ancestors (maxDepth 20)': async (r) => (await reader.ancestorsOfAtom(atoms[(r * 7) % atoms.length]!, 20, null, null)).length,
      'tree page 1 (first 100, no totalCount)': async () => (await trees.descendants(root.uid, TREE_DEPTH, null, TREE_PAGE, null, null, false)).edges.length,
      'tree page 2..N': async (r) => (cursors.length === 0 ? 0 : (await trees.descendants(root.uid, TREE_DEPTH, null, TREE_PAGE, cursors[r % cursors.length]!, null, false)).edges.length),
      '100k tree: page 1': async () => bigPage(null),
      '100k tree: a page above its widest level': async (r) => bigPage(bigPages.above[(r * 7) % bigPages.above.length]!),
      '100k tree: a page inside its widest level (100,000 wide)': async (r) => bigPage(bigPages.inside[(r * 97) % bigPages.inside.length]!),
      'sightings of the commonest hash': async () => (await sightings.sightings('HASH', hash, null, 50, null, null)).edges.length,
      'sightings of the commonest hash (no totalCount)': async () => (await sightings.sightings('HASH', hash, null, 50, null, null, false)).edges.length,
      'events page (host + type)': async () => (await search.events({ hostnames: [hostname], eventTypes: ['DNS_REQUEST'] }, 'TIME_DESC', 50, null, null)).edges.length,
      'eventCounts fleet-wide by type': async () => (await search.counts('EVENT_TYPE', null, null, 100, null)).buckets.length,
      'eventCounts fleet-wide by hour': async () => (await search.counts('HOUR', null, null, 500, null)).buckets.length,
      // Per host: its answer has a bucket per host, so it reads every host's rollups by nature.
      'eventCounts fleet-wide by sensor (top 100)': async () => (await search.counts('SENSOR', null, null, 100, null)).buckets.length,
      'sensors (first 50)': async () => (await search.sensors(null, 50, null, null, false)).nodes.length,
      'sensors (first 50, totalCount)': async () => (await search.sensors(null, 50, null, null, true)).totalCount,
    };
    const timings = new Map<string, number[]>();
    const answers = new Map<string, number>();
    for (let round = -WARMUP; round < ROUNDS; round++) {
      for (const [name, ask] of Object.entries(questions)) {
        const started = performance.now();
        const answer = await ask(Math.abs(round));
        const ms = performance.now() - started;
        if (round >= 0) timings.set(name, [...(timings.get(name) ?? []), ms]);
        answers.set(name, answer);
      }
    }
    await driver.close();
    await neo4j.stop();
    const storeBytes = Number(execFileSync('du', ['-sb', join(dir, 'data')]).toString().split('\t')[0]);
    const result: SizeResult = {
      events: load.events,
      hosts,
      loadSeconds: load.seconds ?? null,
      storeBytes,
      storeMBPerMillion: round1(storeBytes / 1e6 / (load.events / 1e6)),
      pagecache: process.env['BENCH_NEO4J_PAGECACHE'] ?? '3g',
      heap: process.env['BENCH_NEO4J_HEAP'] ?? '3g',
      treeSize: Number(tree.get('size')),
      questions: {},
    };
    for (const [name, ms] of timings) result.questions[name] = { p50: round1(percentile(ms, 50)), p99: round1(percentile(ms, 99)), answer: answers.get(name) ?? 0 };
    return result;
  } catch (error) {
    await driver.close();
    await neo4j.stop();
    throw error;
  }
}

async function main() {
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    const result = await measureSize(size);
    if (result === null) {
      if (stop.signal.aborted) return;
      continue;
    }
    results.push(result);
    log(`measured ${size}`);
  }
  if (results.length === 0) return;
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const file = writeResult('scale', { date: new Date().toISOString(), rounds: ROUNDS, results } as { date: string });
  const head = `| question | ${results.map((r) => `p50 / p99 at ${r.events.toLocaleString('en')} (ms)`).join(' | ')} | ratio p50 | ratio p99 |`;
  const lines = [head, `|---|${results.map(() => '---|').join('')}---|---|`];
  for (const name of Object.keys(first.questions)) {
    const a = first.questions[name]!;
    const b = last.questions[name]!;
    lines.push(`| ${name} | ${results.map((r) => `${r.questions[name]!.p50} / ${r.questions[name]!.p99}`).join(' | ')} | ${(b.p50 / a.p50).toFixed(2)} | ${(b.p99 / a.p99).toFixed(2)} |`);
  }
  lines.push('', ...results.map((r) => `${r.events.toLocaleString('en')} events, ${r.hosts} hosts: store ${(r.storeBytes / 1e6).toFixed(0)} MB (${r.storeMBPerMillion} MB per million events), page cache ${r.pagecache}, heap ${r.heap}, load ${r.loadSeconds === null ? 'earlier' : `${r.loadSeconds.toFixed(0)} s`}, tree of ${r.treeSize} events`));
  process.stdout.write(`${lines.join('\n')}\n\nresults: ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
