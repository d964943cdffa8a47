// Count rollups: a generated fleet (shuffled arrival, duplicates, carried copies, detections'
// copies) is loaded, replayed in another order, then pruned; after each step every rollup (events'
// and detections') equals a count over the stored events or detections, and eventCounts and
// detectionCounts answered from the rollups equal counts computed from the file with plain JSON.
import { generateTextWithDetections } from '../../src/generate/stories/detections';
import { withDefaults } from '../../src/generate';
import { prune } from '../../src/graph/prune/prune';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { graphqlRunner } from '../helpers/api';
import { carriedEvent, isDetection, type Json } from '../helpers/detections';
import { shuffled } from '../helpers/ingest';
import { ingest } from '../../src/ingest/pipeline';
import { readBuffer } from '../../src/ingest/read';
import { testRuntime, uniqueOrg, readCypher } from '../helpers/runtime';

type Rec = { routing?: Json; event?: Json };
interface FileEvent {
  time: number;
  type: string;
  sid: string | null;
  hostname: string | null;
}
const CARRIERS = new Set(['THREAD_INJECTION', 'SENSITIVE_PROCESS_ACCESS']);
const HOUR = 3_600_000;
const DAY = 86_400_000;

function fileEvents(parsed: readonly Json[]): Map<string, FileEvent> {
  const events = new Map<string, FileEvent>();
  const visit = (rec: Rec) => {
    const r = rec.routing ?? {};
    const key = (r['this'] as string | undefined) || `event:${r['event_id'] as string}`;
    if (!events.has(key) && typeof r['event_time'] === 'number') {
      events.set(key, { time: r['event_time'], type: String(r['event_type']), sid: (r['sid'] as string | undefined) || null, hostname: (r['hostname'] as string | undefined) || null });
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

interface FileDetection {
  time: number;
  rule: string;
  tags: string[];
  hostname: string | null;
  priority: number | null;
}

/** The file's detections, each once (by detect_id), read with plain JSON as LimaCharlie writes them. */
function fileDetections(parsed: readonly Json[]): Map<string, FileDetection> {
  const out = new Map<string, FileDetection>();
  for (const rec of parsed) {
    if (!isDetection(rec) || typeof rec['detect_id'] !== 'string' || out.has(rec['detect_id'])) continue;
    const routing = { ...((rec['routing'] as Json | undefined) ?? {}), ...((((rec['detect'] as Json | undefined) ?? {})['routing'] as Json | undefined) ?? {}) };
    const mtd = (rec['detect_mtd'] as Json | undefined) ?? {};
    const time = [rec['gen_time'], rec['ts'], routing['event_time']].find((t) => typeof t === 'number') as number;
    out.set(rec['detect_id'], {
      time,
      rule: (rec['source_rule'] as string | undefined) || String(rec['cat']),
      tags: ((mtd['tags'] as string[] | undefined) ?? []).map((t) => t.toLowerCase()),
      hostname: (routing['hostname'] as string | undefined) || null,
      priority: typeof rec['priority'] === 'number' ? rec['priority'] : null,
    });
  }
  return out;
}

const countBy = <T>(items: Iterable<T>, key: (t: T) => string | null) => {
  const m = new Map<string, number>();
  for (const i of items) {
    const k = key(i);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
};

/**
 * Two batches in flight, as `atomgraph load` writes: batches that complete the same placeholder
 * wait on its lock, so the counts stay exact (docs/graph-model.md, Writes).
 */
const loadInOrder = (runtime: Runtime, lines: readonly string[], batchSize: number) =>
  ingest(readBuffer(Buffer.from(lines.join('\n')), 'test'), { executor: runtime.executor, batchSize, concurrency: 2 });

describe('count rollups', () => {
  let runtime: Runtime;
  const run = graphqlRunner(() => runtime);
  const queries: string[] = [];

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    runtime.executor.observe(({ name }) => queries.push(name));
  });
  afterAll(async () => runtime.close());

  const cypher = (query: string, params: Record<string, unknown>) => readCypher(runtime, query, params);

  /** Every rollup of the org against a count over its stored events; and no stored event uncounted. */
  async function expectRollupsExact(org: string) {
    const rows = await cypher(
      `MATCH (r:EventRollup {oid: $org})
       CALL (r) {
         MATCH (e:Event {oid: r.oid, type: r.type})
         WHERE e.placeholder = false AND e.time >= r.hour AND e.time < r.hour + 3600000
           AND coalesce(e.sid, '') = coalesce(r.sid, '') AND coalesce(e.hostname, '') = coalesce(r.hostname, '')
         RETURN count(e) AS actual
       }
       RETURN r.uid AS uid, r.count AS count, actual`,
      { org },
    );
    expect(rows.filter((r) => Number(r.get('count')) !== Number(r.get('actual'))).map((r) => r.toObject())).toEqual([]);
    const total = await cypher(
      `CALL () { MATCH (r:EventRollup {oid: $org}) RETURN sum(r.count) AS rolled }
       CALL () { MATCH (e:Event {oid: $org}) WHERE e.placeholder = false RETURN count(e) AS stored }
       RETURN rolled, stored`,
      { org },
    );
    expect(Number(total[0]!.get('rolled'))).toBe(Number(total[0]!.get('stored')));
    // The org level: each against the events of its type and hour, whatever their host.
    const orgRows = await cypher(
      `MATCH (r:OrgEventRollup {oid: $org})
       CALL (r) {
         MATCH (e:Event {oid: r.oid, type: r.type})
         WHERE e.placeholder = false AND e.time >= r.hour AND e.time < r.hour + 3600000
         RETURN count(e) AS actual
       }
       RETURN r.uid AS uid, r.count AS count, actual`,
      { org },
    );
    expect(orgRows.filter((r) => Number(r.get('count')) !== Number(r.get('actual'))).map((r) => r.toObject())).toEqual([]);
    expect(orgRows.reduce((n, r) => n + Number(r.get('count')), 0)).toBe(Number(total[0]!.get('stored')));
    // The host level: each against the events of its sensor, hostname and hour, whatever their type.
    const hostRows = await cypher(
      `MATCH (r:HostEventRollup {oid: $org})
       CALL (r) {
         MATCH (e:Event {oid: r.oid})
         WHERE e.placeholder = false AND e.type IS NOT NULL AND e.time >= r.hour AND e.time < r.hour + 3600000
           AND coalesce(e.sid, '') = coalesce(r.sid, '') AND coalesce(e.hostname, '') = coalesce(r.hostname, '')
         RETURN count(e) AS actual
       }
       RETURN r.uid AS uid, r.count AS count, actual`,
      { org },
    );
    expect(hostRows.filter((r) => Number(r.get('count')) !== Number(r.get('actual'))).map((r) => r.toObject())).toEqual([]);
    expect(hostRows.reduce((n, r) => n + Number(r.get('count')), 0)).toBe(Number(total[0]!.get('stored')));
  }

  /** Every detection rollup of the org against a count over its stored detections, and none left out. */
  async function expectDetectionRollupsExact(org: string) {
    const rows = await cypher(
      `MATCH (r:DetectionRollup {oid: $org})
       CALL (r) {
         MATCH (d:Detection {oid: r.oid})
         WHERE d.time >= r.hour AND d.time < r.hour + 3600000 AND coalesce(d.rule, d.cat) = r.rule
           AND coalesce(d.sid, '') = coalesce(r.sid, '') AND coalesce(d.hostname, '') = coalesce(r.hostname, '')
           AND coalesce(d.priority, -1) = coalesce(r.priority, -1)
         RETURN count(d) AS actual
       }
       RETURN r.uid AS uid, r.count AS count, actual
       UNION ALL
       MATCH (r:DetectionTagRollup {oid: $org})
       CALL (r) {
         MATCH (d:Detection {oid: r.oid})
         WHERE d.time >= r.hour AND d.time < r.hour + 3600000 AND coalesce(d.sid, '') = coalesce(r.sid, '')
           AND coalesce(d.priority, -1) = coalesce(r.priority, -1)
         UNWIND d.tags AS tag
         WITH tag WHERE tag = r.tag
         RETURN count(*) AS actual
       }
       RETURN r.uid AS uid, r.count AS count, actual`,
      { org },
    );
    expect(rows.filter((r) => Number(r.get('count')) !== Number(r.get('actual'))).map((r) => r.toObject())).toEqual([]);
    const total = await cypher(
      `CALL () { MATCH (r:DetectionRollup {oid: $org}) RETURN sum(r.count) AS rolled }
       CALL () { MATCH (r:DetectionTagRollup {oid: $org}) RETURN sum(r.count) AS rolledTags }
       CALL () { MATCH (d:Detection {oid: $org}) WHERE d.time IS NOT NULL RETURN count(d) AS stored, sum(size(coalesce(d.tags, []))) AS tags }
       RETURN rolled, rolledTags, stored, tags`,
      { org },
    );
    expect(Number(total[0]!.get('rolled'))).toBe(Number(total[0]!.get('stored')));
    expect(Number(total[0]!.get('rolledTags'))).toBe(Number(total[0]!.get('tags')));
  }

  /**
   * `field` (eventCounts or detectionCounts) by each group, as expected from the file, and answered
   * from the rollups: for event counts, the org level unless the group names a host, then the host level.
   */
  async function expectCountsFromRollups(field: 'eventCounts' | 'detectionCounts', org: string, expected: Record<string, [string, number][]>) {
    for (const [group, want] of Object.entries(expected)) {
      const rollupQuery =
        field === 'detectionCounts' ? 'detection counts from rollups' : `event counts from ${group === 'SENSOR' || group === 'HOSTNAME' ? 'host' : 'org'} rollups`;
      queries.length = 0;
      const res = await run(`query($o: [String!]) { ${field}(groupBy: ${group}, filter: {orgIds: $o}, limit: 500) { key count } }`, { o: [org] });
      expect(res.errors).toBeUndefined();
      const got = (res.data?.[field] as { key: string; count: number }[]).map((b) => [b.key, Number(b.count)] as [string, number]);
      expect([group, got.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]).toEqual([group, want]);
      expect(queries.some((q) => q.startsWith(rollupQuery))).toBe(true);
    }
  }

  /** eventCounts by each key the rollups hold, against the file. */
  const expectCountsAsFile = (org: string, events: readonly FileEvent[]) =>
    expectCountsFromRollups('eventCounts', org, {
      EVENT_TYPE: countBy(events, (e) => e.type),
      SENSOR: countBy(events, (e) => e.sid),
      HOSTNAME: countBy(events, (e) => e.hostname),
      HOUR: countBy(events, (e) => new Date(Math.floor(e.time / HOUR) * HOUR).toISOString()),
      DAY: countBy(events, (e) => new Date(Math.floor(e.time / DAY) * DAY).toISOString()),
    });

  /** By host and type: the per-sensor level, the only one that holds both. */
  async function expectHostTypeCountsAsFile(org: string, events: readonly FileEvent[]) {
    queries.length = 0;
    const res = await run(`query($o: [String!]) { eventCounts(groupBy: SENSOR, thenBy: EVENT_TYPE, filter: {orgIds: $o}, limit: 500) { key thenKey count } }`, { o: [org] });
    expect(res.errors).toBeUndefined();
    const got = (res.data?.['eventCounts'] as { key: string; thenKey: string; count: number }[]).map((b) => [`${b.key} ${b.thenKey}`, Number(b.count)] as [string, number]);
    expect(got.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(countBy(events, (e) => (e.sid === null ? null : `${e.sid} ${e.type}`)));
    expect(queries.some((q) => q.startsWith('event counts from sensor rollups'))).toBe(true);
  }

  /** detectionCounts by each group, against the file. */
  const expectDetectionCountsAsFile = (org: string, detections: readonly FileDetection[]) =>
    expectCountsFromRollups('detectionCounts', org, {
      RULE: countBy(detections, (d) => d.rule),
      TAG: countBy(detections.flatMap((d) => d.tags), (t) => t),
      HOSTNAME: countBy(detections, (d) => d.hostname),
      PRIORITY: countBy(detections, (d) => (d.priority === null ? null : String(d.priority))),
      HOUR: countBy(detections, (d) => new Date(Math.floor(d.time / HOUR) * HOUR).toISOString()),
      DAY: countBy(detections, (d) => new Date(Math.floor(d.time / DAY) * DAY).toISOString()),
    });

  it('equal a count over the events after replays, shuffles, duplicates and pruning', async () => {
    const generated = await generateTextWithDetections(withDefaults({ hosts: 5, events: 3000, seed: 'rollups', orgs: 1, stories: 4, duplicates: 0.05, shuffle: 0.2, orphans: 0.05 }));
    const org = uniqueOrg('rollups');
    const lines = generated.text.replaceAll(generated.truth.orgs[0]!.oid, org).split('\n').filter((l) => l.length > 0);
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Json];
      } catch {
        return [];
      }
    });
    const all = fileEvents(parsed);
    const detections = [...fileDetections(parsed).values()];
    expect(detections.length).toBeGreaterThan(5);

    await loadInOrder(runtime, shuffled(lines, 1), 300);
    await expectRollupsExact(org);
    await expectCountsAsFile(org, [...all.values()]);
    await expectHostTypeCountsAsFile(org, [...all.values()]);
    await expectDetectionRollupsExact(org);
    await expectDetectionCountsAsFile(org, detections);

    // Replays in other orders (duplicates, carried copies replaced or not) change nothing.
    await loadInOrder(runtime, shuffled(lines, 2), 700);
    await loadInOrder(runtime, lines, 2000);
    await expectRollupsExact(org);
    await expectCountsAsFile(org, [...all.values()]);
    await expectHostTypeCountsAsFile(org, [...all.values()]);
    await expectDetectionRollupsExact(org);
    await expectDetectionCountsAsFile(org, detections);

    // The cutoff halfway through the detections, so the prune takes some of them off too.
    const dtimes = detections.map((d) => d.time).sort((a, b) => a - b);
    const cutoff = dtimes[Math.floor(dtimes.length / 2)]!;
    // No reader runs meanwhile: phase 2 may follow phase 1 at once.
    await prune(runtime.executor, { before: BigInt(cutoff), orgs: [org], batchSize: 250, settleMs: 0 });
    await expectRollupsExact(org);
    await expectCountsAsFile(org, [...all.values()].filter((e) => e.time >= cutoff));
    await expectHostTypeCountsAsFile(org, [...all.values()].filter((e) => e.time >= cutoff));
    const kept = detections.filter((d) => d.time >= cutoff);
    expect(kept.length).toBeLessThan(detections.length);
    await expectDetectionRollupsExact(org);
    await expectDetectionCountsAsFile(org, kept);
  }, 300_000);

  it('leaves counts the rollups cannot answer exactly (a range off the hour, hostnames, minutes) to the events', async () => {
    const cases = [
      `eventCounts(groupBy: EVENT_TYPE, filter: {from: "2024-06-01T00:00:01Z"}) { key }`,
      `eventCounts(groupBy: MINUTE, filter: {from: "2024-06-01T00:00:00Z", to: "2024-06-01T01:00:00Z"}) { key }`,
      `eventCounts(groupBy: EVENT_TYPE, filter: {commandLine: {contains: "x"}}) { key }`,
      `detectionCounts(groupBy: RULE, filter: {from: "2024-06-01T00:00:01Z"}) { key }`,
      `detectionCounts(groupBy: TAG, filter: {rule: "x"}) { key }`,
      `detectionCounts(groupBy: HOSTNAME, filter: {hostnames: ["x"]}) { key }`,
    ];
    for (const c of cases) {
      queries.length = 0;
      const res = await run(`{ ${c} }`);
      expect(res.errors).toBeUndefined();
      expect([c, queries.some((q) => /^(event|detection) counts from .*rollups/.test(q))]).toEqual([c, false]);
    }
  });
});
