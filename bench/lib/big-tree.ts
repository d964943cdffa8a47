/**
 * A 100k-process tree for bench:scale (issue 20: "the 100k-tree page at 1M and at 10M"): one root,
 * 10 children per process for 5 levels (111,110 processes), in an org of its own, written once
 * into a kept bench graph through the ingest pipeline (so sensors and rollups count it, as they
 * count every event). The generator's own trees stop at ~20k processes. Deterministic: the same
 * atoms and times on every run, so the page cursors are computed here, not by paging.
 */
import type { GraphExecutor, NamedQuery } from '../../src/graph/executor';
import { ingest } from '../../src/ingest/pipeline';
import { readBuffer } from '../../src/ingest/read';

export const BIG_TREE_ORG = 'b16b16b1-7ee0-4000-8000-000000100000';
const FANOUT = [10, 10, 10, 10, 10];
const T0 = 1_714_456_800_000;

export interface BigTreeRow {
  uid: string;
  atom: string;
  depth: number;
  time: number;
}

export interface BigTree {
  rootAtom: string;
  /** Every descendant in page order (depth, time, key). */
  rows: BigTreeRow[];
}

const COUNT_STORED: NamedQuery = {
  name: 'bench: big tree stored',
  cypher: `MATCH (e:Event) WHERE e.oid = $org AND e.time >= 0 AND e.placeholder = false RETURN count(e) AS n`,
};

function generate(): { tree: BigTree; lines: string[] } {
  let n = 0;
  const lines: string[] = [];
  const rows: BigTreeRow[] = [];
  const make = (parent: string | null, depth: number): string => {
    const atom = (n++).toString(16).padStart(32, '0');
    // Every tenth process shares its level's time (a burst: ties broken by key); the rest spread over a day.
    const time = T0 + (n % 10 === 0 ? 1000 * depth : (n * 7919) % 86_400_000);
    lines.push(JSON.stringify({
      routing: { oid: BIG_TREE_ORG, sid: 'big-tree-sensor', hostname: 'big-tree-host', event_type: 'NEW_PROCESS', event_time: time, this: atom, ...(parent ? { parent } : {}) },
      event: { FILE_PATH: 'C:\\Windows\\System32\\svchost.exe', COMMAND_LINE: `svchost.exe -k ${n}`, PROCESS_ID: n },
    }));
    if (depth > 0) rows.push({ uid: `${BIG_TREE_ORG}/${atom}`, atom, depth, time });
    return atom;
  };
  const rootAtom = make(null, 0);
  let level = [rootAtom];
  FANOUT.forEach((fanout, d) => {
    const next: string[] = [];
    for (const parent of level) for (let i = 0; i < fanout; i++) next.push(make(parent, d + 1));
    level = next;
  });
  rows.sort((a, b) => a.depth - b.depth || a.time - b.time || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  return { tree: { rootAtom, rows }, lines };
}

/** The tree, written first if the graph does not hold all of it (a replay of a partial write adds only what is missing). */
export async function bigTreeOnce(executor: GraphExecutor, log: (line: string) => void): Promise<BigTree> {
  const { tree, lines } = generate();
  const stored = Number((await executor.read(COUNT_STORED, { org: BIG_TREE_ORG })).records[0]?.get('n') ?? 0);
  if (stored < lines.length) {
    log(`writing a tree of ${tree.rows.length} processes into the graph (${stored} of ${lines.length} there)`);
    const started = performance.now();
    await ingest(readBuffer(Buffer.from(lines.join('\n')), 'big-tree'), { executor, batchSize: 2000, concurrency: 2 });
    log(`  written in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return tree;
}
