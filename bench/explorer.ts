/**
 * `npm run bench:explorer`: how fast the explorer draws a big process tree, in headless Chromium
 * (Debian's chromium, as the browser tests use) against `atomgraph serve` (built) and a Neo4j:
 * NEO4J_URI when set; else bench:scale's kept 1M-event graph (~/.cache/atomgraph/bench-scale/1000000,
 * or BENCH_EXPLORER_GRAPH) when it exists, with the tree loaded once into its own org beside the
 * fleet's (so the numbers are against the 1M-event benchmark graph); else a throwaway Neo4j.
 *
 * The tree: one host whose root process has 40 children with 50 children each (2,041 processes,
 * every one with two DNS requests for the badges), plus 20 great-grandchildren under one
 * grandchild. The first view draws the root's 40 children, each with a "+50 processes" stub (the
 * two levels hold more than the first view's 200). Measured per run, on two pages:
 *   - time to interactive: navigation start to the tree painted with its handlers on (the page's own
 *     performance.now() when it marks the graph ready; the GraphQL queries are included, and
 *     when they were answered is reported beside it);
 *   - cold (the page opened with ahead=off: no fetch-ahead): a click on a "+50 processes" stub until
 *     its children are drawn, then on the "+20 processes" stub under the first of them (the pointer
 *     moves there and clicks at once), then on another "+50" stub after resting the pointer on it
 *     for 300 ms, as a hunter does (the page fetches children on hover; timed from the click);
 *   - as served (fetch-ahead on): a click on a "+50" stub as soon as the view is interactive (the
 *     fetch-ahead has just started), and on another one a second later. The stubs clicked move
 *     along the row from run to run (the fetch-ahead goes left to right), so not only the first.
 *   - first load: the page and its assets as served, and gzip-compressed.
 * BENCH_EXPLORER_RUNS (default 5). Results: bench/results/explorer-<timestamp>.json and a table.
 */
import { existsSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { createRuntime } from '../src/runtime';
import { createLogger } from '../src/log/logger';
import type { NamedQuery } from '../src/graph/executor';
import { migrate } from '../src/graph/schema/migrate';
import { ingest } from '../src/ingest/pipeline';
import { readBuffer } from '../src/ingest/read';
import { launchChromium } from '../test/helpers/browser';
import { processTreeLines } from '../test/helpers/process-tree';
import { benchNeo4j, keptBenchNeo4j, type BenchNeo4j } from './lib/neo4j';
import { writeResult } from './lib/results';
import { closeClients, startApi } from './lib/servers';
import { percentile, round1 } from './lib/stats';

const RUNS = Number(process.env['BENCH_EXPLORER_RUNS'] ?? 5);
const CHILDREN = 40;
const GRANDCHILDREN = 50;
const DEEP = 20;
/** How long the pointer rests on a stub before the third click (the page fetches on hover). */
const HOVER_MS = 300;
/** How long after the view is interactive the second click on the served page comes. */
const LATER_MS = 1000;
/** bench:scale's kept 1M-event graph (a Neo4j home). */
const SCALE_GRAPH = process.env['BENCH_EXPLORER_GRAPH'] ?? join(homedir(), '.cache', 'atomgraph', 'bench-scale', '1000000');
/** The tree's own org in the kept graph (loaded once, found again by this id). */
const TREE_ORG = 'b3e1c4a0-7e57-4d1b-9e11-e4910e7ee000';
const TREE_SID = 'b3e1c4a0-7e57-4d1b-9e11-e4910e7ee001';

const DELETE_ORG: NamedQuery = {
  name: 'bench: delete a partly loaded tree',
  cypher: `MATCH (n) WHERE n.oid = $org WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS deleted`,
};
const FIND_TREE: NamedQuery = {
  name: 'bench: the explorer tree',
  cypher: `MATCH (e:NEW_PROCESS) WHERE e.oid = $org
WITH count(e) AS processes, collect(CASE WHEN NOT (e)-[:PARENT]->(:NEW_PROCESS) THEN e.atom END) AS roots
RETURN processes, roots`,
};

async function firstLoad(url: string): Promise<{ raw: number; gzip: number; files: Record<string, number> }> {
  const origin = new URL(url).origin;
  const files: Record<string, number> = {};
  let raw = 0;
  let gzip = 0;
  for (const path of ['/explorer', '/explorer/assets/explorer.js', '/explorer/assets/explorer.css', '/explorer/assets/favicon.svg']) {
    const body = Buffer.from(await (await fetch(`${origin}${path}`, { headers: { accept: 'text/html' } })).arrayBuffer());
    raw += body.length;
    const z = gzipSync(body).length;
    gzip += z;
    files[path] = z;
  }
  return { raw, gzip, files };
}

/** Clicks the stub `stub` (centred first) and waits until more nodes are drawn. */
async function expandStub(page: Page, stub: string, hoverMs = 0): Promise<{ wall: number; inPage: number; timings: string }> {
  const before = (await page.evaluate('window.atomgraphExplorer.nodes().length')) as number;
  await page.evaluate(`window.atomgraphExplorer.center(${JSON.stringify(stub)})`);
  const at = (await page.evaluate(`window.atomgraphExplorer.position(${JSON.stringify(stub)})`)) as { x: number; y: number } | null;
  if (!at) throw new Error(`stub ${stub} is not drawn`);
  if (hoverMs) {
    // A hunter points before clicking: the page starts fetching the children on hover.
    await page.mouse.move(at.x, at.y);
    await new Promise((r) => setTimeout(r, hoverMs));
  }
  const t0 = Date.now();
  await page.mouse.click(at.x, at.y);
  // Polled from here: a string predicate would be eval'd in the page, which its CSP forbids.
  while (((await page.evaluate('window.atomgraphExplorer.nodes().length')) as number) <= before) {
    if (Date.now() - t0 > 180_000) throw new Error('the expansion was not drawn within 180 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  const wall = Date.now() - t0;
  // The page's own measure (0 until the new nodes are painted).
  let inPage = 0;
  while (!(inPage = (await page.evaluate('window.atomgraphExplorer.lastExpandMs()')) as number)) {
    if (Date.now() - t0 > 180_000) throw new Error('the expansion was not painted within 180 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { wall, inPage, timings: JSON.stringify(await page.evaluate('window.atomgraphExplorer.timings()')) };
}

/** The drawn stubs labelled `label`, in the order drawn (left to right). */
async function stubs(page: Page, label: string): Promise<string[]> {
  return (await page.evaluate(`window.atomgraphExplorer.nodes().filter((n) => n.kind === "more" && n.label === ${JSON.stringify(label)}).map((n) => n.id)`)) as string[];
}

/** Opens the page and waits until the tree is drawn and interactive; returns the page's own times. */
async function openView(page: Page, url: string): Promise<{ ready: number; loaded: number }> {
  await page.goto(url);
  await page.waitForSelector('#graph[data-ready="true"]', { timeout: 120_000 });
  return { ready: Number(await page.getAttribute('#graph', 'data-ready-ms')), loaded: Number(await page.getAttribute('#graph', 'data-loaded-ms')) };
}

/** The Neo4j and the org to measure in: the tree loaded (once, in the kept graph) and its root. */
async function graph(lines: () => ReturnType<typeof processTreeLines>): Promise<{ db: BenchNeo4j; org: string; root: string; onScaleGraph: boolean }> {
  const onScaleGraph = !process.env['NEO4J_URI'] && existsSync(join(SCALE_GRAPH, 'data'));
  const db = onScaleGraph ? await keptBenchNeo4j({ ...process.env, BENCH_DATA_DIR: SCALE_GRAPH }) : await benchNeo4j(process.env);
  const runtime = await createRuntime({ overrides: { NEO4J_URI: db.uri, NEO4J_USERNAME: db.user, NEO4J_PASSWORD: db.password, LOG_LEVEL: 'silent', AUTH: 'off', NEO4J_TX_TIMEOUT_MS: 300_000, NEO4J_ACQUIRE_TIMEOUT_MS: 60_000 }, logger: createLogger('silent') });
  try {
    await migrate(runtime.executor);
    const org = onScaleGraph ? TREE_ORG : crypto.randomUUID();
    const found = (await runtime.executor.read(FIND_TREE, { org })).records[0];
    const have = Number(found?.get('processes') ?? 0);
    const tree = lines();
    if (have === tree.processes) {
      const roots = (found!.get('roots') as (string | null)[]).filter((r): r is string => !!r);
      if (roots.length !== 1) throw new Error(`org ${org} holds ${roots.length} tree roots; expected one`);
      console.log(`the ${have}-process tree is already in org ${org} of ${SCALE_GRAPH}`);
      return { db, org, root: roots[0]!, onScaleGraph };
    }
    if (have !== 0) {
      // A load cut short: what it wrote goes, and the tree is loaded again.
      console.log(`org ${org} holds ${have} processes, not the tree's ${tree.processes}: deleting them`);
      while (Number((await runtime.executor.write(DELETE_ORG, { org })).records[0]?.get('deleted') ?? 0) > 0);
    }
    const text = tree.lines.join('\n').replaceAll(TREE_ORG, org);
    // One write at a time: every batch touches the tree's few shared nodes (its host, its two
    // domains); a load deadlocked on them once, while a second bench run was loading the same tree.
    await ingest(readBuffer(Buffer.from(text), 'bench-tree'), { executor: runtime.executor, batchSize: 500, concurrency: 1 });
    console.log(`loaded a ${tree.processes}-process tree (${tree.lines.length} events) into org ${org}${onScaleGraph ? ` of ${SCALE_GRAPH}` : ''}`);
    return { db, org, root: tree.root, onScaleGraph };
  } finally {
    await runtime.close();
  }
}

const stat = (xs: number[]) => ({ p50: round1(percentile(xs, 50)), max: round1(Math.max(...xs)), samples: xs });

async function main(): Promise<void> {
  const { db, org, root, onScaleGraph } = await graph(() => processTreeLines(TREE_ORG, TREE_SID, { children: CHILDREN, grandchildren: GRANDCHILDREN, deep: DEEP }));
  const processes = 1 + CHILDREN * (1 + GRANDCHILDREN) + DEEP;
  const api = await startApi(db);
  const browser = await launchChromium();
  const url = `${new URL(api.url).origin}/explorer?view=process&org=${org}&atom=${root}`;
  const tti: number[] = [];
  const queries: number[] = [];
  const cold: number[] = [];
  const deep: number[] = [];
  const hovered: number[] = [];
  const atOnce: number[] = [];
  const later: number[] = [];
  let drawn = 0;
  const wide = `+${GRANDCHILDREN} processes`;
  try {
    for (let run = 0; run < RUNS + 1; run++) {
      // Which stubs this run clicks: spread along the row (the fetch-ahead goes left to right).
      const pick = (list: string[], k: number) => list[(run * 7 + k * 13) % list.length]!;
      const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
      const page: Page = await context.newPage();
      // The page as served: click as soon as it is interactive, then a second later.
      const { ready, loaded } = await openView(page, url);
      const first = await expandStub(page, pick(await stubs(page, wide), 0));
      await new Promise((r) => setTimeout(r, LATER_MS));
      const second = await expandStub(page, pick(await stubs(page, wide), 1));
      console.log(`run ${run}: drawn and interactive ${ready} ms after navigation (queries answered at ${loaded} ms)`);
      console.log(`run ${run}: expand ${wide} at once ${first.wall} ms (in page ${Math.round(first.inPage)} ms; drawing ${first.timings})`);
      console.log(`run ${run}: expand ${wide} ${LATER_MS} ms later ${second.wall} ms (in page ${Math.round(second.inPage)} ms; drawing ${second.timings}; ahead ${JSON.stringify(await page.evaluate('window.atomgraphExplorer.ahead()'))})`);
      await page.close();
      // Cold: no fetch-ahead; a click fetches.
      const coldPage: Page = await context.newPage();
      await openView(coldPage, `${url}&ahead=off`);
      drawn = (await coldPage.evaluate('window.atomgraphExplorer.nodes().length')) as number;
      const c = await expandStub(coldPage, pick(await stubs(coldPage, wide), 2));
      // The "+20 processes" stub sits under the first worker's first task.
      if (!(await stubs(coldPage, `+${DEEP} processes`)).length) await expandStub(coldPage, (await stubs(coldPage, wide))[0]!);
      const d = await expandStub(coldPage, (await stubs(coldPage, `+${DEEP} processes`))[0]!);
      const h = await expandStub(coldPage, pick(await stubs(coldPage, wide), 3), HOVER_MS);
      console.log(`run ${run}: cold expand ${wide} ${c.wall} ms (in page ${Math.round(c.inPage)} ms; drawing ${c.timings})`);
      console.log(`run ${run}: cold expand +${DEEP} ${d.wall} ms (in page ${Math.round(d.inPage)} ms; drawing ${d.timings})`);
      console.log(`run ${run}: expand ${wide} after a ${HOVER_MS} ms hover ${h.wall} ms (in page ${Math.round(h.inPage)} ms; drawing ${h.timings})`);
      // The first run warms Neo4j's page cache and the server; it is not counted.
      if (run > 0) {
        tti.push(ready);
        queries.push(loaded);
        atOnce.push(Math.max(first.wall, first.inPage));
        later.push(Math.max(second.wall, second.inPage));
        cold.push(Math.max(c.wall, c.inPage));
        deep.push(Math.max(d.wall, d.inPage));
        hovered.push(Math.max(h.wall, h.inPage));
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const load = await firstLoad(api.url);
  await api.stop();
  await closeClients();
  await db.stop();
  const result = {
    date: new Date().toISOString(),
    graph: { processes, drawnNodes: drawn, neo4j: onScaleGraph ? `bench:scale's 1M-event graph (${SCALE_GRAPH}), the tree in its own org` : 'a throwaway Neo4j holding only the tree' },
    runs: RUNS,
    timeToInteractiveMs: stat(tti),
    queriesAnsweredMs: stat(queries),
    loadAverage: loadavg().map(round1),
    expandAtOnceMs: stat(atOnce),
    expandLaterMs: { afterMs: LATER_MS, ...stat(later) },
    expandColdMs: stat(cold),
    expandColdDeepMs: stat(deep),
    expandAfterHoverMs: { hoverMs: HOVER_MS, ...stat(hovered) },
    firstLoad: load,
  };
  const file = writeResult('explorer', result);
  const row = (what: string, r: { p50: number; max: number }, target = '300 ms') => `| ${what} | ${r.p50} ms | ${r.max} ms | ${target} |`;
  console.log(`graph: ${result.graph.neo4j}
| measure | p50 | max | target |
|---|---|---|---|
${row(`time to interactive, ${processes}-process tree (${drawn} nodes drawn)`, result.timeToInteractiveMs, '1500 ms')}
${row('of which the GraphQL queries (answered at)', result.queriesAnsweredMs, '')}
${row(`expand one node (${wide}), as soon as the view is interactive`, result.expandAtOnceMs)}
${row(`expand one node (${wide}), ${LATER_MS / 1000} s after`, result.expandLaterMs)}
${row(`expand one node (${wide}), cold (fetch-ahead off)`, result.expandColdMs)}
${row(`expand one node (+${DEEP} processes), cold`, result.expandColdDeepMs)}
${row(`expand one node (${wide}) after a ${HOVER_MS} ms hover, fetch-ahead off`, result.expandAfterHoverMs)}
| first load, gzip | ${(load.gzip / 1024).toFixed(0)} KiB (${(load.raw / 1024).toFixed(0)} KiB as served) | | 1024 KiB |
load average at the end (1, 5, 15 min): ${result.loadAverage.join(', ')}
results: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
