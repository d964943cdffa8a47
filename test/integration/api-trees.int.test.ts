// descendants, children, childTypeCounts, target and targetedBy against a real Neo4j, each compared
// with what the input file implies, computed here from routing alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphExecutor } from '../../src/graph/executor';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { withOrg } from '../helpers/graph';
import { ingestLines } from '../helpers/ingest';
import { graphqlRunner } from '../helpers/api';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { treeBelow } from '../helpers/routing-graph';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const dataset = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Rec);

const PROCESS_TYPES = ['NEW_PROCESS', 'EXISTING_PROCESS'];

describe('trees and neighbours through GraphQL', () => {
  let runtime: Runtime;
  let executor: GraphExecutor;
  let queries = 0;
  const org = uniqueOrg('trees');
  const records = withOrg(dataset, org);
  const childrenOf = new Map<string, Rec[]>();
  for (const r of records) {
    const p = r.routing['parent'] as string | undefined;
    if (p) childrenOf.set(p, [...(childrenOf.get(p) ?? []), r]);
  }
  const tree = (atom: string, maxDepth: number, types: string[] | null) => treeBelow(records, atom, maxDepth, types);

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)));
    executor = new GraphExecutor(runtime.driver, { database: runtime.config.NEO4J_DATABASE, timeoutMs: 30_000, onQuery: () => (queries += 1) });
  });
  afterAll(async () => runtime.close());

  const runQuery = graphqlRunner(() => runtime, () => executor);
  async function run(query: string, variables: Record<string, unknown> = {}) {
    queries = 0;
    return runQuery(query, variables);
  }

  // The atom (present or not) with the largest tree of everything below it.
  const roots = [...childrenOf.keys()].map((a) => ({ a, size: tree(a, 16, null).size })).sort((x, y) => y.size - x.size);
  const root = roots[0]!.a;

  it('returns the whole tree breadth-first with depths, as the file implies', async () => {
    const expected = tree(root, 16, null);
    const result = await run(`query($a: ID!, $o: String) { descendants(atom: $a, orgId: $o, first: 500) { totalCount edges { depth node { atom parentAtom } } pageInfo { hasNextPage } } }`, { a: root, o: org });
    expect(result.errors).toBeUndefined();
    const c = result.data?.['descendants'] as { totalCount: number; edges: { depth: number; node: { atom: string } }[] };
    expect(c.totalCount).toBe(expected.size);
    expect(c.edges).toHaveLength(Math.min(500, expected.size));
    for (const e of c.edges) expect(e.depth).toBe(expected.get(e.node.atom));
    const depths = c.edges.map((e) => e.depth);
    expect(depths).toEqual([...depths].sort((a, b) => a - b));
  });

  it('follows only the requested types, to the requested depth (a process tree)', async () => {
    const withProcesses = roots.find((r) => tree(r.a, 5, PROCESS_TYPES).size > 1)!.a;
    const expected = tree(withProcesses, 2, PROCESS_TYPES);
    const result = await run(`query($a: ID!, $o: String, $t: [String!]) { descendants(atom: $a, orgId: $o, maxDepth: 2, eventTypes: $t) { totalCount edges { depth node { atom eventType } } } }`, { a: withProcesses, t: PROCESS_TYPES, o: org });
    const c = result.data?.['descendants'] as { totalCount: number; edges: { depth: number; node: { atom: string; eventType: string } }[] };
    expect(new Map(c.edges.map((e) => [e.node.atom, e.depth]))).toEqual(expected);
    for (const e of c.edges) expect(PROCESS_TYPES).toContain(e.node.eventType);
  });

  it('pages through a tree with cursors, every node exactly once', async () => {
    const expected = tree(root, 16, null);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const result = await run(`query($a: ID!, $o: String, $after: String) { descendants(atom: $a, orgId: $o, first: 37, after: $after) { edges { cursor node { atom } } pageInfo { hasNextPage endCursor } } }`, { a: root, after, o: org });
      const c = result.data?.['descendants'] as { edges: { node: { atom: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      seen.push(...c.edges.map((e) => e.node.atom));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen.length).toBe(expected.size);
    expect(new Set(seen)).toEqual(new Set(expected.keys()));
  });

  it('lists children with counts per type, and batches children of many events into one query', async () => {
    const expectedCounts = new Map<string, number>();
    for (const c of childrenOf.get(root) ?? []) expectedCounts.set(c.routing['event_type'] as string, (expectedCounts.get(c.routing['event_type'] as string) ?? 0) + 1);
    const result = await run(`query($a: ID!, $o: String) { event(atom: $a, orgId: $o) { childTypeCounts { eventType count } children(first: 5) { totalCount nodes { atom children(first: 2) { totalCount } } } } }`, { a: root, o: org });
    expect(result.errors).toBeUndefined();
    const e = result.data?.['event'] as { childTypeCounts: { eventType: string; count: number }[]; children: { totalCount: number; nodes: unknown[] } };
    expect(new Map(e.childTypeCounts.map((c) => [c.eventType, c.count]))).toEqual(expectedCounts);
    expect(e.children.totalCount).toBe(childrenOf.get(root)?.length);
    // event, then childTypeCounts and children (one batch each), then the children's children: one batch.
    expect(queries).toBe(4);
  });

  it('resolves target and targetedBy both ways', async () => {
    const handle = records.find((r) => r.routing['target'])!;
    const targetAtom = handle.routing['target'] as string;
    const expectedCount = records.filter((r) => r.routing['target'] === targetAtom).length;
    const result = await run(`query($a: ID!, $o: String) { event(atom: $a, orgId: $o) { target { __typename atom targetedBy(first: 3) { totalCount nodes { atom } } } } }`, { a: handle.routing['this'], o: org });
    expect(result.errors).toBeUndefined();
    const t = (result.data?.['event'] as { target: { atom: string; targetedBy: { totalCount: number; nodes: unknown[] } } }).target;
    expect(t.atom).toBe(targetAtom);
    expect(t.targetedBy.totalCount).toBe(expectedCount);
    expect(t.targetedBy.nodes).toHaveLength(Math.min(3, expectedCount));
  });

  it('refuses oversized pages and depths with LIMIT_EXCEEDED before querying', async () => {
    const wide = await run(`{ descendants(atom: "x", first: 100000) { totalCount } }`);
    expect(wide.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
    const deep = await run(`{ descendants(atom: "x", maxDepth: 1000) { totalCount } }`);
    expect(deep.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(queries).toBe(0);
    const bad = await run(`{ descendants(atom: "x", after: "not-a-cursor") { totalCount } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
