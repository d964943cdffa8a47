// Retention: a generated fleet (shuffled arrival, duplicates, parents never sent, carried copies,
// detections) is loaded, pruned at a cutoff, and every count is compared with one computed from
// the file, with plain JSON handling, for the events after the cutoff. Then the pruned events are
// replayed (they come back), and a prune runs while a load runs (nothing after the cutoff is lost).
import { generateTextWithDetections } from '../../src/generate/stories/detections';
import { withDefaults } from '../../src/generate';
import { prune } from '../../src/graph/prune/prune';
import { migrate } from '../../src/graph/schema/migrate';
import { createLogger } from '../../src/log/logger';
import { createRuntime, type Runtime } from '../../src/runtime';
import { graphqlRunner } from '../helpers/api';
import { carriedEvent, isDetection, type Json } from '../helpers/detections';
import { shuffled } from '../helpers/ingest';
import { ingest } from '../../src/ingest/pipeline';
import { readBuffer } from '../../src/ingest/read';
import { aggregatesAgainstEvents, testRuntime, uniqueOrg, readCypher } from '../helpers/runtime';

type Rec = { routing?: Json; event?: Json };
interface FileEvent {
  key: string;
  time: number;
  type: string;
  sid: string | null;
  parent: string | null;
}

const CARRIERS = new Set(['THREAD_INJECTION', 'SENSITIVE_PROCESS_ACCESS']);

/** Epoch seconds, ms, µs or ns to ms, judged by magnitude (as LimaCharlie sends all four). */
function toMs(v: unknown): number | null {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return null;
  if (v < 1e11) return v * 1000;
  if (v < 1e14) return Math.trunc(v);
  if (v < 1e17) return Math.trunc(v / 1000);
  return Math.trunc(v / 1e6);
}

/** Every event the file holds (inner events and detections' copies included), by key, from the JSON alone. */
function fileEvents(parsed: readonly Json[]): Map<string, FileEvent> {
  const events = new Map<string, FileEvent>();
  const visit = (rec: Rec) => {
    const r = rec.routing ?? {};
    const key = (r['this'] as string | undefined) || `event:${r['event_id'] as string}`;
    const time = r['event_time'];
    if (!events.has(key) && typeof time === 'number') {
      events.set(key, { key, time, type: String(r['event_type']), sid: (r['sid'] as string | undefined) || null, parent: (r['parent'] as string | undefined) || null });
    }
    const inner = rec.event?.['EVENTS'];
    if (CARRIERS.has(r['event_type'] as string) && Array.isArray(inner)) inner.forEach((c) => visit(c as Rec));
  };
  for (const rec of parsed) {
    if (isDetection(rec)) {
      if (rec['detect']) visit(carriedEvent(rec) as Rec);
    } else if (rec['routing'] && rec['event']) visit(rec as Rec);
  }
  return events;
}

function detectionTimes(parsed: readonly Json[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of parsed.filter(isDetection)) {
    const routing = ((d['detect'] as Json | undefined)?.['routing'] ?? d['routing'] ?? {}) as Json;
    const t = toMs(d['gen_time']) ?? toMs(d['ts']) ?? toMs(routing['event_time']);
    if (t !== null) out.set(String(d['detect_id']), t);
  }
  return out;
}

const countBy = <T>(items: Iterable<T>, key: (t: T) => string | null) => {
  const m = new Map<string, number>();
  for (const i of items) {
    const k = key(i);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};
const sorted = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * One batch at a time: two batches in flight that complete the same placeholder can both count its
 * event (a known writer race, docs/graph-model.md, Rollups), which is not what these tests are about.
 */
/**
 * These tests are about what stays, not about readers running meanwhile (retention-serve.int and
 * prune-readers.int are): phase 2 may follow phase 1 at once.
 */
const SETTLE_MS = 0;

/** Two batches in flight, as `atomgraph load` writes (batches completing one placeholder wait on its lock). */
const loadInOrder = (runtime: Runtime, lines: readonly string[], batchSize: number) =>
  ingest(readBuffer(Buffer.from(lines.join('\n')), 'test'), { executor: runtime.executor, batchSize, concurrency: 2 });

describe('retention: prune', () => {
  let runtime: Runtime;
  const run = graphqlRunner(() => runtime);

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  async function fleet(seed: string): Promise<{ org: string; lines: string[]; parsed: Json[] }> {
    const generated = await generateTextWithDetections(withDefaults({ hosts: 6, events: 4000, seed, orgs: 1, stories: 2, orphans: 0.05, duplicates: 0.02, shuffle: 0.1 }));
    const org = uniqueOrg('prune');
    const lines = generated.text.replaceAll(generated.truth.orgs[0]!.oid, org).split('\n').filter((l) => l.length > 0);
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Json];
      } catch {
        return [];
      }
    });
    return { org, lines, parsed };
  }

  const cypher = (query: string, params: Record<string, unknown>) => readCypher(runtime, query, params);

  /** What the graph holds for the org, each read directly. */
  async function snapshot(org: string) {
    const stored = (await cypher('MATCH (e:Event {oid: $org}) WHERE e.placeholder = false RETURN e.atom AS atom, e.eventId AS id', { org })).map(
      (r) => (r.get('atom') as string | null) || `event:${r.get('id') as string}`,
    );
    const sensors = new Map((await cypher('MATCH (s:Sensor {oid: $org}) RETURN s.sid AS sid, s.eventCount AS n', { org })).map((r) => [r.get('sid') as string, Number(r.get('n'))]));
    const detections = (await cypher('MATCH (d:Detection {oid: $org}) RETURN count(d) AS n', { org }))[0]!.get('n');
    return { stored: new Set(stored), sensors, detections: Number(detections) };
  }

  /** Aggregates against a count over the events themselves, and nothing orphaned. */
  async function expectCoherent(org: string, sensorsExact = false) {
    // Each SAW count is the number of the host's stored events carrying the indicator; sensors'
    // eventCount is the number of their stored events.
    const { saw, sensors } = await aggregatesAgainstEvents(runtime, org);
    expect(saw.length).toBeGreaterThan(0);
    expect(saw.filter((r) => r.count !== r.actual)).toEqual([]);
    expect(sensors.filter((r) => r.actual === 0)).toEqual([]);
    if (sensorsExact) expect(sensors.filter((r) => r.count !== r.actual)).toEqual([]);
    const orphans = await cypher(
      `CALL () { MATCH (i:Indicator {oid: $org}) WHERE NOT EXISTS { (i)<-[:OBSERVED]-() } RETURN count(i) AS indicators }
       CALL () { MATCH (p:Event {oid: $org}) WHERE p.placeholder = true AND NOT EXISTS { (p)<--() } AND NOT EXISTS { (p)-[:CONTAINS]->() } RETURN count(p) AS placeholders }
       CALL () { MATCH (t:DetectionTag {oid: $org}) WHERE NOT EXISTS { (t)<-[:TAGGED]-() } RETURN count(t) AS tags }
       CALL () { MATCH (e:Event {oid: $org}) WHERE e:Pruning RETURN count(e) AS marked }
       RETURN indicators, placeholders, tags, marked`,
      { org },
    );
    const o = orphans[0]!;
    expect(Object.fromEntries(['indicators', 'placeholders', 'tags', 'marked'].map((k) => [k, Number(o.get(k))]))).toEqual({ indicators: 0, placeholders: 0, tags: 0, marked: 0 });
  }

  it('leaves exactly the events after the cutoff, every count as the file says, and replaying restores the rest', async () => {
    const { org, lines, parsed } = await fleet('prune-cutoff');
    const all = fileEvents(parsed);
    const times = [...all.values()].map((e) => e.time).sort((a, b) => a - b);
    const cutoff = times[Math.floor(times.length / 2)]!;
    const kept = [...all.values()].filter((e) => e.time >= cutoff);
    const pruned = [...all.values()].filter((e) => e.time < cutoff);
    const detections = detectionTimes(parsed);
    expect(pruned.length).toBeGreaterThan(1000);
    expect(detections.size).toBeGreaterThan(0);

    await loadInOrder(runtime, shuffled(lines, 3), 500);
    const before = await snapshot(org);
    expect(before.stored).toEqual(new Set(all.keys()));
    expect(sorted(before.sensors)).toEqual(sorted(countBy(all.values(), (e) => e.sid)));

    const dry = await prune(runtime.executor, { before: BigInt(cutoff), orgs: [org], batchSize: 300, dryRun: true, settleMs: SETTLE_MS });
    expect(dry.total.events).toBe(pruned.length);
    expect(await snapshot(org)).toEqual(before);

    const summary = await prune(runtime.executor, { before: BigInt(cutoff), orgs: [org], batchSize: 300, settleMs: SETTLE_MS });
    expect(summary.events).toBe(pruned.length);
    expect(summary.detections).toBe([...detections.values()].filter((t) => t < cutoff).length);

    const after = await snapshot(org);
    expect(after.stored).toEqual(new Set(kept.map((e) => e.key)));
    // Each host's count went down by its events before the cutoff; a host with none after it is gone.
    const prunedBySensor = countBy(pruned, (e) => e.sid);
    const keptBySensor = countBy(kept, (e) => e.sid);
    expect([...after.sensors.keys()].sort()).toEqual([...keptBySensor.keys()].sort());
    for (const [sid, n] of after.sensors) expect([sid, (before.sensors.get(sid) ?? 0) - n]).toEqual([sid, prunedBySensor.get(sid) ?? 0]);
    // (Compared as differences: ingest's own count can be above the file's when two batches in
    // flight complete one placeholder; a known race, docs/graph-model.md, Rollups.)
    expect(sorted(after.sensors)).toEqual(sorted(keptBySensor));
    expect(after.detections).toBe([...detections.values()].filter((t) => t >= cutoff).length);
    await expectCoherent(org, true);

    // The dashboard's count by type is the file's for the events after the cutoff.
    const counts = await run(`query($o: [String!]) { eventCounts(groupBy: EVENT_TYPE, filter: {orgIds: $o}, limit: 500) { key count } }`, { o: [org] });
    expect(counts.errors).toBeUndefined();
    const byType = new Map((counts.data?.['eventCounts'] as { key: string; count: number }[]).map((b) => [b.key, Number(b.count)]));
    expect(sorted(byType)).toEqual(sorted(countBy(kept, (e) => e.type)));

    // A kept child whose parent was pruned shows the parent as missing, like one that never arrived.
    const orphaned = kept.find((e) => e.parent !== null && all.get(e.parent)?.time !== undefined && all.get(e.parent)!.time < cutoff && e.type === 'NEW_PROCESS');
    expect(orphaned).toBeDefined();
    const res = await run(`query($a: ID!, $o: String) { event(atom: $a, orgId: $o) { parent { __typename atom ... on MissingEvent { knownFrom } } } }`, { a: orphaned!.key, o: org });
    expect(res.errors).toBeUndefined();
    expect(res.data?.['event']).toMatchObject({ parent: { __typename: 'MissingEvent', atom: orphaned!.parent } });

    // Pruning again at the same cutoff finds nothing; replaying the file restores what was pruned.
    expect((await prune(runtime.executor, { before: BigInt(cutoff), orgs: [org], batchSize: 300, settleMs: SETTLE_MS })).events).toBe(0);
    await loadInOrder(runtime, shuffled(lines, 5), 500);
    const restored = await snapshot(org);
    expect(restored).toEqual(before);
    await expectCoherent(org, true);
  }, 300_000);

  it('prunes while a load runs and loses nothing after the cutoff', async () => {
    const { org, lines, parsed } = await fleet('prune-online');
    const all = fileEvents(parsed);
    const times = [...all.values()].map((e) => e.time).sort((a, b) => a - b);
    const cutoff = times[Math.floor(times.length / 2)]!;
    const kept = [...all.values()].filter((e) => e.time >= cutoff);

    // The loader retries deadlocks as a server does (NEO4J_MAX_RETRY_MS's default, 15 s; the test
    // runtime's 3 s is for failing fast): prune and ingest lock the same sensors and indicators.
    const loader = await createRuntime({ overrides: { LOG_LEVEL: 'silent', NEO4J_MAX_RETRY_MS: 15_000 }, logger: createLogger('silent') });
    // The load pauses half way until the prune has committed batches while it runs, so the two
    // overlap on any machine (a free-running load can finish before the first prune round marks).
    let whileLoading = 0;
    let overlapped: () => void = () => undefined;
    const overlap = new Promise<void>((resolve) => (overlapped = resolve));
    const input = shuffled(lines, 9);
    const half = Math.floor(input.length / 400) * 200;
    async function* gated() {
      let n = 0;
      for await (const item of readBuffer(Buffer.from(input.join('\n')), 'test')) {
        if (n++ === half) await overlap;
        yield item;
      }
    }
    let loading = true;
    const load = ingest(gated(), { executor: loader.executor, batchSize: 200 }).finally(() => {
      loading = false;
    });
    while (loading) {
      await prune(runtime.executor, {
        before: BigInt(cutoff),
        orgs: [org],
        batchSize: 100,
        settleMs: SETTLE_MS,
        onProgress: (p) => {
          if (loading && p.marked + p.events > 0 && ++whileLoading === 2) overlapped();
        },
      });
    }
    const loaded = await load.finally(() => loader.close());
    expect(loaded.stored).toBeGreaterThan(0);
    expect(whileLoading).toBeGreaterThan(1);
    // Once more after the load: what it stored before the cutoff after the last round goes too.
    await prune(runtime.executor, { before: BigInt(cutoff), orgs: [org], batchSize: 100, settleMs: SETTLE_MS });

    const after = await snapshot(org);
    expect(after.stored).toEqual(new Set(kept.map((e) => e.key)));
    expect([...after.sensors.keys()].sort()).toEqual([...countBy(kept, (e) => e.sid).keys()].sort());
    await expectCoherent(org);
  }, 300_000);

  it('refuses a batch size that is not a positive whole number', async () => {
    await expect(prune(runtime.executor, { before: 0n, batchSize: 0 })).rejects.toThrow(/batch size/);
  });
});
