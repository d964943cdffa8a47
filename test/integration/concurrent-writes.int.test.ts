/**
 * Two writers completing the same placeholders at once (two senders replaying one capture, or a
 * replay while the live feed delivers): each event is stored once, with one set of edges, and
 * counted once in its sensor's eventCount and its SAW counts. Before WRITE_EVENTS locked the node
 * ahead of reading whether it was a placeholder, both transactions could read "placeholder",
 * both write it, and both count it (seen once as a SAW count one too high in prune.int).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateTextWithDetections } from '../../src/generate/stories/detections';
import { withDefaults } from '../../src/generate';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { expectedGraph, graphCounts, graphDump, withOrg } from '../helpers/graph';
import { ingestLines, shuffled } from '../helpers/ingest';
import { aggregatesAgainstEvents, readCypher, testRuntime, uniqueOrg } from '../helpers/runtime';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };

/** A generated fleet (process trees whose parents carry hashes, paths and users: indicators). */
async function fleet(): Promise<Rec[]> {
  const generated = await generateTextWithDetections(withDefaults({ hosts: 4, events: 3000, seed: 'race', orgs: 1, stories: 1, orphans: 0, duplicates: 0, shuffle: 0 }));
  return generated.text.split('\n').filter((l) => l.startsWith('{') && l.includes('"routing"')).map((l) => JSON.parse(l) as Rec).filter((r) => r.routing && r.event);
}

describe('concurrent writers completing the same placeholders', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  const cypher = (query: string, params: Record<string, unknown>) => readCypher(runtime, query, params);
  const load = (records: readonly Rec[], batchSize: number) => ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)), batchSize);

  /** Loads a fleet's children, then its parents from several writers at once; checks every count. */
  async function race(writers: (parents: Rec[]) => Rec[][]) {
    const org = uniqueOrg('race');
    const records = withOrg(await fleet(), org);
    const referenced = new Set(records.map((r) => r.routing['parent']).filter((p): p is string => typeof p === 'string'));
    const parents = records.filter((r) => referenced.has(r.routing['this'] as string));
    const rest = records.filter((r) => !referenced.has(r.routing['this'] as string));
    expect(parents.length).toBeGreaterThan(50);

    // The children first: every parent is then a placeholder.
    await load(rest, 500);
    // Small batches, so many transactions reach the same placeholders together.
    const results = await Promise.all(writers(parents).map((list) => load(list, 4)));
    for (const r of results) expect(r.rejects).toEqual([]);
    const distinctParents = new Set(parents.map((p) => p.routing['this'] as string)).size;
    expect(results.reduce((n, r) => n + r.summary.stored, 0)).toBe(distinctParents);

    const expected = expectedGraph(records);
    const counts = await graphCounts(runtime.driver, org);
    expect(counts.events).toBe(expected.events.size);
    expect(counts.parentEdges).toBe(expected.parentEdges);
    expect(counts.targetEdges).toBe(expected.targetEdges);

    // No event observes an indicator through two edges of the same field (written twice).
    const doubled = await cypher(
      `MATCH (e:Event {oid: $org})-[o:OBSERVED]->(i:Indicator) WITH e, i, o.field AS field, count(o) AS n WHERE n > 1 RETURN count(*) AS n`,
      { org },
    );
    expect(Number(doubled[0]!.get('n'))).toBe(0);
    // Sensors' eventCount: their stored events; each SAW count: the host's stored events carrying the indicator.
    const { saw, sensors } = await aggregatesAgainstEvents(runtime, org);
    expect(sensors.length).toBeGreaterThan(0);
    expect(sensors.filter((r) => r.count !== r.actual)).toEqual([]);
    expect(saw.length).toBeGreaterThan(0);
    expect(saw.filter((r) => r.count !== r.actual)).toEqual([]);
  }

  // The same order: each pair of transactions meets on the same placeholders, the second waiting on
  // the first's locks (the race the node lock closes).
  it('store and count each parent once when two writers send them in the same order', () => race((parents) => [parents, parents]));

  // Three orders: without a common lock order the transactions deadlocked until the driver gave up.
  it('store and count each parent once when three writers send them in different orders', () =>
    race((parents) => [parents, shuffled(parents, 11), [...parents].reverse()]));

  // Real captures whose processes' parents mostly never arrive (the children's snapshots describe
  // them): two writers at once, in small batches, so transactions describe the same placeholders
  // together. The graph must be the one a single writer builds, node for node and edge for edge.
  // Every capture in ../shared/datasets, gzipped or not.
  const datasets = join(__dirname, '..', '..', '..', 'shared', 'datasets');
  const captures = readdirSync(datasets).filter((f) => /\.jsonl(\.gz)?$/.test(f)).sort();
  it('finds the real captures', () => expect(captures.length).toBeGreaterThanOrEqual(3));
  it.each(captures)('two writers sending %s at once build the graph one writer builds', async (file) => {
    const raw = readFileSync(join(datasets, file));
    const capture = (file.endsWith('.gz') ? gunzipSync(raw) : raw)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Rec);
    const one = uniqueOrg('capture-one');
    const two = uniqueOrg('capture-two');
    await load(withOrg(capture, one), 500);
    const records = withOrg(capture, two);
    // About 400 batches per writer: small enough that they meet on the same placeholders often.
    const batch = Math.max(8, Math.ceil(records.length / 400));
    const results = await Promise.all([load(records, batch), load(records, batch)]);
    expect(results.reduce((n, r) => n + r.summary.stored, 0)).toBe(expectedGraph(records).events.size);
    const [a, b] = await Promise.all([graphDump(runtime.driver, one), graphDump(runtime.driver, two)]);
    expect(b.length).toBeGreaterThan(1000);
    expect(b).toEqual(a);
  }, 300_000);
});
