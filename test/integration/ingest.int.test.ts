import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { migrate } from '../../src/graph/schema/migrate';
import { parseJson } from '../../src/domain/json';
import { ingest, type Reject } from '../../src/ingest/pipeline';
import { openInputs } from '../../src/ingest/read';
import type { Runtime } from '../../src/runtime';
import { expectedGraph, graphCounts, graphDump, withOrg } from '../helpers/graph';
import { carriedEvent, detectionWithOrg, isDetection } from '../helpers/detections';
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

  it('loads every file of ../shared/samples as the CLI reads a directory, with the counts the files imply', async () => {
    const org = uniqueOrg('samples-dir');
    const dir = mkdtempSync(join(tmpdir(), 'atomgraph-samples-'));
    type Rec = { routing?: Record<string, unknown>; event?: Record<string, unknown>; detect?: unknown };
    const all: Rec[] = [];
    try {
      for (const name of readdirSync(join(shared, 'samples')).filter((n) => /\.jsonl?$/.test(n))) {
        const text = readFileSync(join(shared, 'samples', name), 'utf8');
        const records = (name.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Rec) : [JSON.parse(text) as Rec]).map((r) => (isDetection(r) ? (detectionWithOrg(r, org) as Rec) : withOrg([r], org)[0]!));
        all.push(...records);
        writeFileSync(join(dir, name), name.endsWith('.jsonl') ? records.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(records[0], null, 2));
      }
      const rejects: Reject[] = [];
      const summary = await ingest(openInputs([dir]), { executor: runtime.executor, onReject: (r) => rejects.push(r) });
      // Telemetry is what has a type; a carrier without one still carries whole events; a detection
      // carries a copy of the event it names, which is stored as that event.
      const telemetry = all.map((r) => (isDetection(r) ? (carriedEvent(r) as Rec) : r)).flatMap((r) => (typeof r.routing?.['event_type'] === 'string' ? [r] : ((r.event?.['EVENTS'] as Rec[] | undefined) ?? [])));
      const expected = expectedGraph(telemetry);
      const counts = await graphCounts(runtime.driver, org);
      expect(counts).toMatchObject({ events: expected.events.size, placeholders: expected.placeholders.size, parentEdges: expected.parentEdges, targetEdges: expected.targetEdges });
      expect(summary.stored).toBe(expected.events.size);
      // Rejected: the routing-less carrier (reported, its inner events stored); the detection is stored.
      expect(rejects.map((r) => [basename(r.source), r.line, r.reason]).sort()).toEqual([
        ['lc-doc-thread-injection.json', 1, expect.stringMatching(/^routing\.event_type: is required.*: the carrier is not stored; its 2 inner events \(event\.EVENTS\) were stored/)],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('builds the identical graph when a carrier\'s inner events also arrive on their own, in any order', async () => {
    // The documented THREAD_INJECTION is a bare body; its carrier gets the routing of its first inner event.
    const doc = JSON.parse(readFileSync(join(shared, 'samples', 'lc-doc-thread-injection.json'), 'utf8')) as { event: { EVENTS: { routing: Record<string, unknown> }[] } };
    const first = doc.event.EVENTS[0]!.routing;
    const carrier = { routing: { ...first, this: 'carrier-atom', event_type: 'THREAD_INJECTION', event_id: 'carrier-id' }, event: doc.event as Record<string, unknown> };
    const orgs = ['carrier-first', 'alone-first', 'one-batch', 'one-batch-alone-first'].map((o) => uniqueOrg(o));
    const loads = orgs.map((org) => {
      const [c] = withOrg([carrier], org);
      const inner = (c!.event['EVENTS'] as object[]);
      // As a sensor sends them on their own: the same event, other text than the carried copy.
      const alone = inner.map((e) => JSON.stringify(e).replace(/,"/g, ', "'));
      return { carrier: JSON.stringify(c), alone, inner: inner.length };
    });
    const [a, b, c, d] = loads;
    await ingestLines(runtime.executor, [a!.carrier]);
    await ingestLines(runtime.executor, a!.alone);
    await ingestLines(runtime.executor, b!.alone);
    await ingestLines(runtime.executor, [b!.carrier]);
    await ingestLines(runtime.executor, [c!.carrier, ...c!.alone]);
    const again = await ingestLines(runtime.executor, [...d!.alone, d!.carrier]);
    expect(again.rejects).toEqual([]);
    expect(a!.inner).toBeGreaterThan(0);

    const dumps = await Promise.all(orgs.map((org) => graphDump(runtime.driver, org)));
    for (const dump of dumps.slice(1)) expect(dump).toEqual(dumps[0]);
    // The carrier contains each inner event once, and each inner event keeps the text it was sent with.
    expect(dumps[0]!.filter((l) => l.includes('-CONTAINS->'))).toHaveLength(a!.inner);
    const session = runtime.driver.session();
    try {
      const result = await session.run('MATCH (:Event {oid: $oid})-[:CONTAINS]->(e:Event) RETURN e.raw AS raw, e.carried AS carried', { oid: orgs[0] });
      expect(result.records.map((r) => r.get('raw') as string).sort()).toEqual([...a!.alone].sort());
      expect(result.records.map((r) => r.get('carried') as unknown)).toEqual(a!.alone.map(() => null));
      // Sensor counts each event once: the carrier and its inner events, replaced copies not again.
      const sensors = await session.run('MATCH (s:Sensor {oid: $oid}) RETURN sum(s.eventCount) AS n', { oid: orgs[0] });
      expect(Number(sensors.records[0]?.get('n'))).toBe(1 + a!.inner);
    } finally {
      await session.close();
    }
  });

  it('keeps a carrier that names itself among its inner events as the carrier, containing only the others', async () => {
    const org = uniqueOrg('self-carrier');
    const routing = (atom: string, type: string) => ({ this: atom, event_type: type, event_time: 1_704_912_219_717, oid: org, sid: 's1', hostname: 'h1' });
    const inner = [{ routing: routing('carrier', 'NEW_REMOTE_THREAD'), event: { PROCESS_ID: 1 } }, { routing: routing('other', 'NEW_REMOTE_THREAD'), event: { PROCESS_ID: 2 } }];
    const { rejects } = await ingestLines(runtime.executor, [JSON.stringify({ routing: routing('carrier', 'THREAD_INJECTION'), event: { EVENTS: inner } })]);
    expect(rejects).toEqual([]);
    const dump = await graphDump(runtime.driver, org);
    expect(dump.filter((l) => l.startsWith('E '))).toEqual(['E carrier -CONTAINS-> other []']);
    expect(dump.find((l) => l.startsWith('N carrier '))).toContain('THREAD_INJECTION');
  });

  it('rejects each broken line with its line number, stores every good event, and stores an odd body with a warning', async () => {
    const org = uniqueOrg('broken');
    const good = withOrg(dataset.slice(0, 300), org).map((r) => JSON.stringify(r));
    const lines = [...good];
    const odd = JSON.stringify({ routing: { ...withOrg([dataset[0]!], org)[0]!.routing, this: 'bad-type' }, event: { PROCESS_ID: 'abc' } });
    lines.splice(10, 0, '{"routing": {"this": "x"');
    lines.splice(50, 0, odd);
    lines.splice(120, 0, 'not json at all');
    const { summary, rejects, warnings } = await ingestLines(runtime.executor, lines, 100);
    expect(rejects.map((r) => r.line)).toEqual([11, 121]);
    expect(rejects[0]?.reason).toMatch(/not valid JSON/);
    expect(warnings).toEqual([{ source: 'test', line: 51, field: 'event.PROCESS_ID', reason: 'expected an integer, got string; kept in raw only', text: odd }]);
    expect(summary).toMatchObject({ rejected: 2, warnings: 1 });
    const counts = await graphCounts(runtime.driver, org);
    expect(counts.events).toBe(expectedGraph([...good, odd].map((l) => JSON.parse(l) as object)).events.size);
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
