/**
 * `npm run bench:tree-pages`: what does a descendants page (first 100, no totalCount) cost at
 * different places of one big tree, now (the walk bounded by the page's own levels) against the
 * statement before it (the whole tree walked to maxDepth on every page)?
 *
 * The tree is synthetic, written straight into a throwaway Neo4j (or NEO4J_URI) with Cypher, so a
 * 100k-process tree takes seconds, not an ingest: BENCH_TREE_FANOUT (default "8,8,8,8,8": 8
 * children per process for 5 levels, 37,448 processes) with times spread over a day and some
 * ties. The cursors are computed from the generated tree (depth, time, key: the page order), not
 * by paging, so each page is measured alone. BENCH_TREE_ROUNDS (default 5) rounds, median ms.
 */
import { encodeCursor } from '../src/graph/reader/cursor';
import { benchNeo4j } from './lib/neo4j';
import { writeResult } from './lib/results';
import { percentile, round1 } from './lib/stats';
import { parseConfig } from '../src/config/env';
import { createDriver } from '../src/graph/driver';
import { GraphExecutor, type NamedQuery } from '../src/graph/executor';
import { TreeReader } from '../src/graph/reader/trees';
import { migrate } from '../src/graph/schema/migrate';
import { loadavg } from 'node:os';

const FANOUT = (process.env['BENCH_TREE_FANOUT'] ?? '8,8,8,8,8').split(',').map((s) => Number(s.trim()));
const ROUNDS = Number(process.env['BENCH_TREE_ROUNDS'] ?? 5);
const PAGE = 100;
const MAX_DEPTH = 16;
const ORG = 'bench-tree-org';

const WRITE_NODES: NamedQuery = {
  name: 'bench: tree nodes',
  cypher: `UNWIND $rows AS r
CREATE (e:Event:NEW_PROCESS {uid: r.uid, atom: r.atom, oid: $org, sid: 's1', hostname: 'h1', type: 'NEW_PROCESS', time: r.time, placeholder: false})
WITH e, r WHERE r.parent IS NOT NULL
MATCH (p:Event {uid: r.parent})
CREATE (e)-[:PARENT]->(p)`,
};

/** The page statement before this change (commit 2296023), for comparison: the walk to maxDepth, then top-k. */
const BEFORE: NamedQuery = {
  name: 'bench: descendants page, walk to maxDepth (before)',
  cypher: `MATCH (root:Event {uid: $uid})
WHERE ($orgs IS NULL OR root.oid IN $orgs)
MATCH (root) (()<-[:PARENT]-(x:Event WHERE $types IS NULL OR x.type IN $types)){1,${MAX_DEPTH}}
WITH root, last(x) AS d, min(size(x)) AS depth
WHERE d <> root
WITH d, depth, coalesce(d.time, 0) AS t
WHERE $after IS NULL
   OR depth > $after.d
   OR (depth = $after.d AND (t > $after.t OR (t = $after.t AND d.uid > $after.uid)))
WITH d, depth, t ORDER BY depth, t, d.uid LIMIT $limit
RETURN collect({d: d, depth: depth, t: t}) AS page`,
};

interface Row { uid: string; atom: string; parent: string | null; time: number; depth: number }

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const neo4j = await benchNeo4j(process.env);
  const config = parseConfig({ NEO4J_URI: neo4j.uri, NEO4J_USERNAME: neo4j.user, NEO4J_PASSWORD: neo4j.password, NEO4J_TX_TIMEOUT_MS: '600000' });
  const driver = createDriver(config, neo4j.uri);
  const executor = new GraphExecutor(driver, { database: config.NEO4J_DATABASE, timeoutMs: config.NEO4J_TX_TIMEOUT_MS });
  try {
    await migrate(executor);
    // A deterministic tree: level by level, each process with FANOUT[level] children.
    const T = 1_700_000_000_000;
    let n = 0;
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const mk = (parent: string | null, depth: number): Row => {
      const atom = `${(n++).toString(16).padStart(12, '0')}${Math.floor(rand() * 1e8).toString(16)}`;
      // Every tenth process shares a time with others (a burst), the rest spread over a day.
      const time = T + (n % 10 === 0 ? 1000 * depth : Math.floor(rand() * 86_400_000));
      return { uid: `${ORG}/${atom}`, atom, parent, time, depth };
    };
    const root = mk(null, 0);
    const rows: Row[] = [];
    let level = [root];
    for (let d = 0; d < FANOUT.length; d++) {
      const next: Row[] = [];
      for (const p of level) for (let i = 0; i < FANOUT[d]!; i++) next.push(mk(p.uid, d + 1));
      rows.push(...next);
      level = next;
    }
    log(`writing a tree of ${rows.length} processes (fan-out ${FANOUT.join(',')})`);
    await executor.write(WRITE_NODES, { rows: [root], org: ORG });
    for (let i = 0; i < rows.length; i += 5000) await executor.write(WRITE_NODES, { rows: rows.slice(i, i + 5000), org: ORG });

    // The page order, from the generated tree: depth, time, key.
    rows.sort((a, b) => a.depth - b.depth || a.time - b.time || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    const pages = Math.ceil(rows.length / PAGE);
    const cursorBefore = (page: number) => {
      if (page === 1) return null;
      const last = rows[(page - 1) * PAGE - 1]!;
      return encodeCursor('descendants', { d: last.depth, t: String(last.time), uid: last.uid });
    };
    const firstPageOfLevel = (d: number) => Math.floor(rows.findIndex((r) => r.depth === d) / PAGE) + 1;
    const picks: [string, number][] = [['page 1', 1], ['page 2', 2]];
    for (let d = 2; d <= FANOUT.length; d++) picks.push([`first page reaching level ${d}`, firstPageOfLevel(d)]);
    picks.push(['middle of the last level', Math.floor((firstPageOfLevel(FANOUT.length) + pages) / 2)], ['last page', pages]);

    const trees = new TreeReader(executor);
    const result: Record<string, { page: number; newMs: number; oldMs: number; rows: number }> = {};
    for (const [label, page] of picks) {
      const after = cursorBefore(page);
      const newMs: number[] = [];
      const oldMs: number[] = [];
      let got = 0;
      for (let r = 0; r < ROUNDS + 1; r++) {
        let t = performance.now();
        got = (await trees.descendants(root.uid, MAX_DEPTH, null, PAGE, after, null, false)).edges.length;
        if (r > 0) newMs.push(performance.now() - t);
        t = performance.now();
        const before = after === null ? null : (() => {
          const k = rows[(page - 1) * PAGE - 1]!;
          return { d: BigInt(k.depth), t: BigInt(k.time), uid: k.uid };
        })();
        await executor.read(BEFORE, { uid: root.uid, orgs: null, types: null, after: before, limit: BigInt(PAGE + 1) });
        if (r > 0) oldMs.push(performance.now() - t);
      }
      const expect = rows.slice((page - 1) * PAGE, page * PAGE).length;
      if (got !== expect) throw new Error(`${label}: ${got} rows, expected ${expect}`);
      result[label] = { page, newMs: round1(percentile(newMs, 50)), oldMs: round1(percentile(oldMs, 50)), rows: got };
      log(`${label} (page ${page} of ${pages}): ${result[label].newMs} ms now, ${result[label].oldMs} ms walking to maxDepth`);
    }
    const load = loadavg().map((l) => l.toFixed(1)).join(' ');
    const report = { date: new Date().toISOString(), fanout: FANOUT, processes: rows.length, pages, rounds: ROUNDS, loadAverage: load, result };
    const file = writeResult('tree-pages', report);
    const lines = [`Tree of ${rows.length.toLocaleString('en')} processes (fan-out ${FANOUT.join(',')}, ${pages} pages of ${PAGE}), median of ${ROUNDS}, load average ${load}:`, '', '| page | now (ms) | walk to maxDepth (ms) |', '|---|---:|---:|'];
    for (const [label, r] of Object.entries(result)) lines.push(`| ${label} (${r.page}) | ${r.newMs} | ${r.oldMs} |`);
    process.stdout.write(`${lines.join('\n')}\n\n(${file})\n`);
  } finally {
    await driver.close();
    await neo4j.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
