// descendants pages: without totalCount the statement keeps only the page (no whole-tree list, no
// count) and walks only down to the page's own levels, and its pages are the same events in the
// same order as the counted statement's and as a breadth-first walk of the input computed here.
import { randomBytes } from 'node:crypto';
import { encodeCursor } from '../../src/graph/reader/cursor';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { graphqlRunner } from '../helpers/api';
import { ingestLines, shuffled } from '../helpers/ingest';
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
  it('concatenated pages equal a breadth-first walk of the input: several depths, ties, a deep chain, maxDepth and eventTypes cuts', async () => {
    const org = uniqueOrg('tree');
    interface Input { atom: string; parent: string | null; time: number; type: string }
    const events: Input[] = [];
    const add = (parent: string | null, time: number, type = 'NEW_PROCESS') => {
      const e = { atom: atom(), parent, time, type };
      events.push(e);
      return e.atom;
    };
    const T = 1_700_000_000_000;
    const root = add(null, T);
    const level1 = Array.from({ length: 9 }, (_, i) => add(root, T + (i % 3)));
    level1.forEach((a, i) => {
      for (let j = 0; j < i % 6; j++) {
        const b = add(a, T + 1000 + (j % 2));
        for (let k = 0; k < 3; k++) add(b, T + 2000); // all tied on time: the uid decides
        if (j === 0) add(add(b, T + 1500, 'DNS_REQUEST'), T + 2500); // a process under a non-process
      }
    });
    // One narrow branch down to depth 14: pages there span many levels each.
    let tip = level1[0]!;
    for (let d = 2; d <= 14; d++) tip = add(tip, T + 3000 + d);

    const lines = events.map((e) =>
      JSON.stringify({
        routing: { oid: org, sid: 'sensor-1', hostname: 'h1', event_type: e.type, event_time: e.time, this: e.atom, ...(e.parent ? { parent: e.parent } : {}) },
        event: e.type === 'NEW_PROCESS' ? { FILE_PATH: 'C:\\x.exe' } : { DOMAIN_NAME: 'example.com' },
      }),
    );
    await ingestLines(runtime.executor, shuffled(lines, 20), 40);

    // Expected from the input alone: breadth-first from the root, each level only through events of
    // the asked types, ordered by depth, time, then key (org/atom).
    const breadthFirst = (maxDepth: number, types: string[] | null) => {
      const rows: { atom: string; depth: number; time: number }[] = [];
      let level = [root];
      for (let depth = 1; depth <= maxDepth && level.length > 0; depth++) {
        const parents = new Set(level);
        const next = events.filter((e) => e.parent !== null && parents.has(e.parent) && (types === null || types.includes(e.type)));
        rows.push(...next.map((e) => ({ atom: e.atom, depth, time: e.time })));
        level = next.map((e) => e.atom);
      }
      const key = (a: string) => `${org}/${a}`;
      return rows.sort((a, b) => a.depth - b.depth || a.time - b.time || (key(a.atom) < key(b.atom) ? -1 : key(a.atom) > key(b.atom) ? 1 : 0));
    };
    const expected = (maxDepth: number, types: string[] | null) => breadthFirst(maxDepth, types).map((r) => r.atom);
    const depths = (maxDepth: number, types: string[] | null) => breadthFirst(maxDepth, types).map((r) => r.depth);

    const walk = async (args: { maxDepth: number; types: string[] | null; first: number }, withTotal: boolean) => {
      const atoms: string[] = [];
      const bounds: number[][] = [];
      let after: string | null = null;
      for (let page = 0; page < 500; page++) {
        queries.length = 0;
        const res = await run(
          `query($a: ID!, $d: Int, $t: [String!], $n: Int, $after: String) { descendants(atom: $a, maxDepth: $d, eventTypes: $t, first: $n, after: $after) { ${withTotal ? 'totalCount ' : ''}pageInfo { hasNextPage endCursor } nodes { atom } } }`,
          { a: root, d: args.maxDepth, t: args.types, n: args.first, after },
        );
        expect(res.errors).toBeUndefined();
        const conn = res.data?.['descendants'] as { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { atom: string }[] };
        atoms.push(...conn.nodes.map((n) => n.atom));
        bounds.push(queries.filter((q) => q.startsWith('descendants page')).map((q) => Number(/depth (\d+)/.exec(q)?.[1])));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      return { atoms, bounds };
    };

    for (const args of [
      { maxDepth: 16, types: null, first: 7 },
      { maxDepth: 4, types: null, first: 5 },
      { maxDepth: 16, types: ['NEW_PROCESS'], first: 3 },
      { maxDepth: 16, types: null, first: 500 },
    ]) {
      const want = expected(args.maxDepth, args.types);
      const paged = await walk(args, false);
      expect(paged.atoms).toEqual(want);
      expect((await walk(args, true)).atoms).toEqual(want);
      // No page walked deeper than it had to: the first page of 7 fills from level 1 (9 children)
      // alone, and under maxDepth 16 (the tree is 14 deep) only the last page, the one finding that
      // nothing follows, may reach it.
      if (args.first === 7) expect(paged.bounds[0]).toEqual([1]);
      // No page walked deeper than it had to: the first page of 7 fills from level 1 (9 children)
      // alone, and a page within the wide levels 1..3 walks at most one level below its rows.
      const depthOf = new Map(want.map((a, i) => [a, depths(args.maxDepth, args.types)[i]!]));
      if (args.first === 7) expect(paged.bounds[0]).toEqual([1]);
      paged.bounds.forEach((b, i) => {
        const pageAtoms = paged.atoms.slice(i * args.first, (i + 1) * args.first);
        const deepest = Math.max(...pageAtoms.map((a) => depthOf.get(a)!));
        if (deepest <= 3 && i < paged.bounds.length - 1) expect(Math.max(...b)).toBeLessThanOrEqual(deepest + 1);
      });
    }
    expect(expected(16, null)).toContain(tip);
    expect(expected(4, null)).not.toContain(tip);
    expect(expected(16, ['NEW_PROCESS']).length).toBeLessThan(expected(16, null).length - 1);

    // A cursor from a deeper walk than this one asks: nothing after it, not an error. A cursor
    // someone edited (depth 0) or one of another connection: a coded client error.
    const deep = encodeCursor('descendants', { d: 9, t: String(T), uid: `${org}/${tip}` });
    const beyond = await run('query($a: ID!, $after: String) { descendants(atom: $a, maxDepth: 4, after: $after) { pageInfo { hasNextPage } nodes { atom } } }', { a: root, after: deep });
    expect(beyond.errors).toBeUndefined();
    expect(beyond.data?.['descendants']).toEqual({ pageInfo: { hasNextPage: false }, nodes: [] });
    for (const forged of [
      Buffer.from(JSON.stringify({ v: 1, k: 'descendants', d: 0, t: '1', uid: 'x' })).toString('base64url'),
      encodeCursor('children', { t: '1', uid: 'x' }),
    ]) {
      const res = await run('query($a: ID!, $after: String) { descendants(atom: $a, after: $after) { nodes { atom } } }', { a: root, after: forged });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  }, 300_000);
  it('pages inside a level of 22,500 processes, in order from the cursor', async () => {
    // A page from the middle of a wide level: the statement sorts the level whole and cuts (it once
    // kept the best rows of a collected list, which Neo4j's memory accounting counted once per
    // kept row, and a 100k-wide level failed at the transaction memory limit; bench:tree-pages).
    const org = uniqueOrg('wide');
    const root = atom();
    const line = (self: string, parent: string | null, time: number) =>
      JSON.stringify({ routing: { oid: org, sid: 'sensor-1', hostname: 'h1', event_type: 'NEW_PROCESS', event_time: time, this: self, ...(parent ? { parent } : {}) }, event: { FILE_PATH: 'C:\\x.exe' } });
    const lines = [line(root, null, 1_699_999_999_000)];
    const level2: { atom: string; time: number }[] = [];
    for (let i = 0; i < 150; i++) {
      const a = atom();
      lines.push(line(a, root, 1_700_000_000_000 + i));
      for (let j = 0; j < 150; j++) {
        const c = { atom: atom(), time: 1_700_000_001_000 + ((i * 150 + j) % 997) };
        level2.push(c);
        lines.push(line(c.atom, a, c.time));
      }
    }
    await ingestLines(runtime.executor, lines, 2000);
    const order = [...level2].sort((a, b) => a.time - b.time || (`${org}/${a.atom}` < `${org}/${b.atom}` ? -1 : 1));
    const at = 12_345;
    const before = order[at - 1]!;
    const after = encodeCursor('descendants', { d: 2, t: String(before.time), uid: `${org}/${before.atom}` });
    const res = await run('query($a: ID!, $after: String) { descendants(atom: $a, first: 100, after: $after) { pageInfo { hasNextPage } nodes { atom } } }', { a: root, after });
    expect(res.errors).toBeUndefined();
    const page = res.data?.['descendants'] as { pageInfo: { hasNextPage: boolean }; nodes: { atom: string }[] };
    expect(page.nodes.map((n) => n.atom)).toEqual(order.slice(at, at + 100).map((c) => c.atom));
    expect(page.pageInfo.hasNextPage).toBe(true);
  }, 300_000);
});
