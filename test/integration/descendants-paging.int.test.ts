// descendants pages: without totalCount the statement keeps only the page (no whole-tree list, no
// count), and its pages are the same events in the same order as the counted statement's.
import { randomBytes } from 'node:crypto';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { graphqlRunner } from '../helpers/api';
import { ingestLines } from '../helpers/ingest';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

const atom = () => randomBytes(16).toString('hex');

describe('descendants paging', () => {
  let runtime: Runtime;
  const run = graphqlRunner(() => runtime);
  const queries: string[] = [];

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    runtime.executor.observe(({ name }) => queries.push(name));
  });
  afterAll(async () => runtime.close());

  it('pages the same tree with and without totalCount, and counts only when asked', async () => {
    const org = uniqueOrg('tree');
    const root = atom();
    // A tree three levels deep: 12 children, each with 12 children, each with 2 (the same time for
    // many, so the order's tie-break by key is exercised).
    const lines: string[] = [];
    const add = (self: string, parent: string | null, time: number) =>
      lines.push(JSON.stringify({ routing: { oid: org, sid: 'sensor-1', hostname: 'h1', event_type: 'NEW_PROCESS', event_time: time, this: self, ...(parent ? { parent } : {}) }, event: { FILE_PATH: 'C:\\x.exe' } }));
    add(root, null, 1_700_000_000_000);
    let total = 0;
    for (let i = 0; i < 12; i++) {
      const a = atom();
      add(a, root, 1_700_000_000_000 + (i % 3));
      total += 1;
      for (let j = 0; j < 12; j++) {
        const b = atom();
        add(b, a, 1_700_000_001_000 + (j % 4));
        total += 1;
        for (let k = 0; k < 2; k++) {
          add(atom(), b, 1_700_000_002_000);
          total += 1;
        }
      }
    }
    await ingestLines(runtime.executor, lines, 500);

    const walk = async (withTotal: boolean) => {
      const atoms: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 100; page++) {
        queries.length = 0;
        const res = await run(
          `query($a: ID!, $after: String) { descendants(atom: $a, first: 37, after: $after) { ${withTotal ? 'totalCount ' : ''}pageInfo { hasNextPage endCursor } nodes { atom } } }`,
          { a: root, after },
        );
        expect(res.errors).toBeUndefined();
        const conn = res.data?.['descendants'] as { totalCount?: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { atom: string }[] };
        if (withTotal) expect(conn.totalCount).toBe(total);
        expect(queries.some((q) => q.startsWith(withTotal ? 'descendants (depth' : 'descendants page'))).toBe(true);
        atoms.push(...conn.nodes.map((n) => n.atom));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      return atoms;
    };
    const counted = await walk(true);
    expect(counted.length).toBe(total);
    expect(new Set(counted).size).toBe(total);
    expect(await walk(false)).toEqual(counted);
  }, 120_000);
});
