// RETENTION inside `atomgraph serve` as operators run it (a child process against the test Neo4j):
// events older than the cutoff disappear while the server serves, in small batches (each one
// transaction); the kept events stay whole in every read, every event the API returns meanwhile
// is whole (never a remnant of a half-deleted one), and the counts are exact afterwards.
//
// The test Neo4j is shared with the other suites and RETENTION prunes every org, so the old events
// here are from 2005 and the retention is the longest allowed (3650 days: a cutoff at the end of
// 2016), which no other suite's data (2017 and later) is older than.
import { randomBytes } from 'node:crypto';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { ingestLines } from '../helpers/ingest';
import { readCypher, testRuntime, uniqueOrg } from '../helpers/runtime';
import { startServe } from '../helpers/serve';
import { waitFor } from '../helpers/wait';

const atom = () => randomBytes(16).toString('hex');
const OLD = Date.UTC(2005, 0, 1);
const NEW = Date.UTC(2020, 0, 1);
const RETENTION = '3650d';
const CUTOFF = Date.now() - 3650 * 86_400_000;

describe('atomgraph serve: RETENTION', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => {
    await runtime.close();
  });

  it('prunes events older than the cutoff while serving; the API never returns a half-deleted event', async () => {
    expect(CUTOFF).toBeGreaterThan(Date.UTC(2006, 0, 1));
    expect(CUTOFF).toBeLessThan(NEW);
    const org = uniqueOrg('retention');
    // One process from 2020 with 40 children from 2020 and 400 from 2005 (all on one page of descendants), each child with a file
    // path and a hash (OBSERVED edges to indicators) and its PARENT edge to the 2020 process.
    const rootAtom = atom();
    const lines: string[] = [];
    const add = (self: string, parent: string | null, time: number, i: number) =>
      lines.push(
        JSON.stringify({
          routing: { oid: org, sid: 'sensor-r', hostname: 'ret-host', event_type: 'NEW_PROCESS', event_time: time, this: self, ...(parent ? { parent } : {}) },
          event: { FILE_PATH: `C:\\bin\\p${i}.exe`, COMMAND_LINE: `p${i}.exe`, HASH: (i % 97).toString(16).padStart(64, 'a') },
        }),
      );
    add(rootAtom, null, NEW, 0);
    const kept = Array.from({ length: 40 }, () => atom());
    const old = Array.from({ length: 400 }, () => atom());
    kept.forEach((a, i) => add(a, rootAtom, NEW + 1000 + i, i + 1));
    old.forEach((a, i) => add(a, rootAtom, OLD + i * 60_000, i + 100));
    await ingestLines(runtime.executor, lines, 200);

    // One statement: every stored event of the org with its edges, as a reader sees them (leaving
    // out what retention is deleting, scope.ts live()).
    const snapshot = async () =>
      new Map(
        (
          await readCypher(
            runtime,
            `MATCH (e:Event {oid: $org}) WHERE e.placeholder = false AND NOT e:Pruning
             RETURN e.atom AS atom, e.time AS time, COUNT { (e)-[:PARENT]->() } AS parents, COUNT { (e)-[:OBSERVED]->() } AS observed`,
            { org },
          )
        ).map((r) => [r.get('atom') as string, { parents: Number(r.get('parents')), observed: Number(r.get('observed')) }]),
      );
    const whole = await snapshot();
    expect(whole.size).toBe(1 + kept.length + old.length);
    for (const a of [...kept, ...old]) expect(whole.get(a)).toEqual({ parents: 1, observed: expect.any(Number) });
    for (const [a, edges] of whole) if (a !== rootAtom) expect(edges.observed).toBeGreaterThanOrEqual(2);

    // A shorter transaction timeout than the default: retention waits twice it before deleting what it marked.
    const serve = await startServe({ AUTH: 'off', LOG_LEVEL: 'info', RETENTION, RETENTION_INTERVAL_MS: '1000', PRUNE_BATCH_SIZE: '15', NEO4J_TX_TIMEOUT_MS: '10000' });
    try {
      const url = serve.url;
      const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
        return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      };

      // Until every old event is gone: the kept events stay whole in every read, and every event
      // the API returns meanwhile is whole (its own type and fields, as stored), never a remnant.
      // Neo4j reads are read-committed, not snapshots: a statement running while a delete commits
      // could see an old event's node and not its edges. Retention deletes only events marked
      // longer ago than any statement runs, and a read leaves marked events out, so none is torn
      // (docs/graph-model.md, Retention).
      const commandLines = new Map(lines.map((l) => JSON.parse(l) as { routing: { this: string }; event: { COMMAND_LINE: string } }).map((r) => [r.routing.this, r.event.COMMAND_LINE]));
      const seen: number[] = [];
      let torn = 0;
      let left = old.length;
      await waitFor(
        'the old events to be pruned',
        async () => {
          const now = await snapshot();
          for (const a of [rootAtom, ...kept]) expect([a, now.get(a)]).toEqual([a, whole.get(a)]);
          for (const a of old) if (now.has(a) && now.get(a)!.parents !== 1) torn += 1;
          left = old.filter((a) => now.has(a)).length;
          seen.push(left);
          const tree = await graphql('query($a: ID!) { descendants(atom: $a, first: 500) { nodes { __typename atom ... on NewProcess { commandLine } } } }', { a: rootAtom });
          expect(tree.errors).toBeUndefined();
          const nodes = (tree.data?.['descendants'] as { nodes: { __typename: string; atom: string; commandLine?: string }[] }).nodes;
          for (const n of nodes) expect(n).toEqual({ __typename: 'NewProcess', atom: n.atom, commandLine: commandLines.get(n.atom) });
          const atoms = new Set(nodes.map((n) => n.atom));
          for (const a of kept) expect(atoms.has(a)).toBe(true);
          return left === 0;
        },
        180_000,
      );
      process.stderr.write(`retention-serve: ${seen.length} reads during the prune, ${torn} old events seen without their edges by a read-committed statement\n`);
      expect(torn).toBe(0);
      // The prune was watched while it ran (batches of 15: some snapshots between all and none).
      expect(seen.some((n) => n > 0 && n < old.length)).toBe(true);
      expect(serve.output()).toContain('retention: scheduled');

      // Afterwards the org's counts are those of the kept events (rollups taken off exactly), and an
      // old event is simply not there.
      const counts = await graphql('query($o: [String!]) { eventCounts(groupBy: EVENT_TYPE, filter: {orgIds: $o}) { key count } }', { o: [org] });
      expect(counts.errors).toBeUndefined();
      expect(counts.data?.['eventCounts']).toEqual([{ key: 'NEW_PROCESS', count: 1 + kept.length }]);
      const gone = await graphql('query($a: ID!) { event(atom: $a) { atom } }', { a: old[0] });
      expect(gone.errors).toBeUndefined();
      expect(gone.data?.['event']).toBeNull();
      const sensors = await readCypher(runtime, 'MATCH (s:Sensor {oid: $org}) RETURN s.eventCount AS n', { org });
      expect(sensors.map((r) => Number(r.get('n')))).toEqual([1 + kept.length]);
      // Hidden first, deleted once the marks settle: then only the kept events are left.
      const stored = async () => Number((await readCypher(runtime, 'MATCH (e:Event {oid: $org}) RETURN count(e) AS n', { org }))[0]!.get('n'));
      await waitFor('the marked events to be deleted', async () => (await stored()) === 1 + kept.length, 120_000);
    } finally {
      const code = await serve.stop();
      expect({ code, output: code === 0 ? '' : serve.output().slice(-3000) }).toEqual({ code: 0, output: '' });
    }
  }, 300_000);
});
