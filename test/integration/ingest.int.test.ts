import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../src/graph/schema/migrate';
import { parseJson } from '../../src/ingest/parse';
import type { Runtime } from '../../src/runtime';
import { expectedGraph, graphCounts, graphDump, withOrg } from '../helpers/graph';
import { ingestLines, shuffled } from '../helpers/ingest';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

const shared = join(__dirname, '..', '..', '..', 'shared');
const datasetLines = readFileSync(join(shared, 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
const dataset = datasetLines.map((l) => JSON.parse(l) as { routing: Record<string, unknown>; event: Record<string, unknown> });
const sampleLines = readFileSync(join(shared, 'samples', 'secops-doc-edr-samples.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
const samples = sampleLines.map((l) => JSON.parse(l) as { routing: Record<string, unknown>; event: Record<string, unknown> });

describe('ingest into a real Neo4j', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  const load = (records: readonly object[], batchSize?: number) =>
    ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)), batchSize);

  it('stores the attack dataset with the events, edges and placeholders its file implies', async () => {
    const org = uniqueOrg('dataset');
    const records = withOrg(dataset, org);
    const { summary, rejects } = await load(records);
    expect(rejects).toEqual([]);
    const expected = expectedGraph(records);
    expect(summary.stored).toBe(expected.events.size);
    const counts = await graphCounts(runtime.driver, org);
    expect(counts.events).toBe(expected.events.size);
    expect(counts.placeholders).toBe(expected.placeholders.size);
    expect(counts.parentEdges).toBe(expected.parentEdges);
    expect(counts.targetEdges).toBe(expected.targetEdges);
    // The dataset's README: 51 processes never arrive as events.
    expect(expected.placeholders.size).toBeGreaterThan(0);
  });

  it('stores the real sample events, including events without an atom', async () => {
    const org = uniqueOrg('samples');
    const records = withOrg(samples, org);
    const { summary, rejects } = await load(records);
    expect(rejects).toEqual([]);
    const expected = expectedGraph(records);
    expect(summary.stored).toBe(expected.events.size);
    const counts = await graphCounts(runtime.driver, org);
    expect(counts.events).toBe(expected.events.size);
    expect(counts.placeholders).toBe(expected.placeholders.size);
    expect(counts.parentEdges).toBe(expected.parentEdges);
    expect(counts.targetEdges).toBe(expected.targetEdges);
  });

  it('leaves node, edge and property counts unchanged when the same events are loaded again', async () => {
    const org = uniqueOrg('twice');
    const records = withOrg(dataset, org);
    await load(records);
    const first = await graphCounts(runtime.driver, org);
    const again = await load(records);
    expect(again.summary.stored).toBe(0);
    expect(again.summary.duplicates).toBe(expectedGraph(records).events.size);
    expect(await graphCounts(runtime.driver, org)).toEqual(first);
  });

  it('builds the identical graph whatever the arrival order, duplicates included', async () => {
    const inOrder = uniqueOrg('ordered');
    const reordered = uniqueOrg('shuffled');
    await load(withOrg(dataset, inOrder), 300);
    const mixed = shuffled([...dataset, ...dataset.slice(0, 200)], 42);
    await load(withOrg(mixed, reordered), 300);
    const [a, b] = await Promise.all([graphDump(runtime.driver, inOrder), graphDump(runtime.driver, reordered)]);
    expect(b.length).toBe(a.length);
    expect(b).toEqual(a);
  });

  it('rejects each broken line with its line number and stores every good event', async () => {
    const org = uniqueOrg('broken');
    const good = withOrg(dataset.slice(0, 300), org).map((r) => JSON.stringify(r));
    const lines = [...good];
    lines.splice(10, 0, '{"routing": {"this": "x"');
    lines.splice(50, 0, JSON.stringify({ routing: { ...withOrg([dataset[0]!], org)[0]!.routing, this: 'bad-type' }, event: { PROCESS_ID: 'abc' } }));
    lines.splice(120, 0, 'not json at all');
    const { summary, rejects } = await ingestLines(runtime.executor, lines, 100);
    expect(rejects.map((r) => r.line)).toEqual([11, 51, 121]);
    expect(rejects[0]?.reason).toMatch(/not valid JSON/);
    expect(rejects[1]?.reason).toMatch(/event\.PROCESS_ID: expected an integer/);
    expect(summary.rejected).toBe(3);
    const counts = await graphCounts(runtime.driver, org);
    expect(counts.events).toBe(expectedGraph(good.map((l) => JSON.parse(l) as object)).events.size);
  });

  it('keeps a 64-bit value with the same digits', async () => {
    const org = uniqueOrg('int64');
    const text = `{"routing":{"this":"oob1","event_type":"EXEC_OOB","event_time":1456254033000,"oid":"${org}","sid":"s1"},"event":{"PROCESS_ID":3904,"STACK_TRACES":[{"STACK_TRACE_FRAMES":[{"STACK_TRACE_FRAME_PC":4035225266123964416,"STACK_TRACE_FRAME_SP":10483804}],"THREAD_ID":4708}]}}`;
    const { rejects } = await ingestLines(runtime.executor, [text]);
    expect(rejects).toEqual([]);
    const session = runtime.driver.session();
    try {
      const result = await session.run('MATCH (e:Event {uid: $uid}) RETURN e.raw AS raw', { uid: `${org}/oob1` });
      const raw = result.records[0]?.get('raw') as string;
      expect(raw).toContain('"STACK_TRACE_FRAME_PC":4035225266123964416');
      const parsed = parseJson(raw);
      expect(parsed.ok && (parsed.value as { event: { STACK_TRACES: { STACK_TRACE_FRAMES: { STACK_TRACE_FRAME_PC: bigint }[] }[] } }).event.STACK_TRACES[0]?.STACK_TRACE_FRAMES[0]?.STACK_TRACE_FRAME_PC).toBe(4035225266123964416n);
    } finally {
      await session.close();
    }
  });

  it('records which hosts saw which indicator, once per event', async () => {
    const org = uniqueOrg('sightings');
    await load(withOrg(dataset, org));
    const session = runtime.driver.session();
    try {
      // Independently: distinct hashes of NEW_PROCESS/MODULE_LOAD events per host.
      const perHost = new Map<string, Set<string>>();
      for (const r of dataset) {
        const hash = r.event['HASH'];
        if (typeof hash !== 'string' || !hash) continue;
        const host = r.routing['sid'] as string;
        perHost.set(host, (perHost.get(host) ?? new Set()).add(hash.toLowerCase()));
      }
      const result = await session.run(
        `MATCH (s:Sensor {oid: $oid})-[:SAW]->(i:Indicator {kind: 'HASH'}) RETURN s.sid AS sid, count(i) AS n`,
        { oid: org },
      );
      const got = new Map(result.records.map((r) => [r.get('sid') as string, Number(r.get('n'))]));
      for (const [sid, hashes] of perHost) expect(got.get(sid)).toBe(hashes.size);
    } finally {
      await session.close();
    }
  });
});
