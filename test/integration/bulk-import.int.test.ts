/**
 * `atomgraph import` (the bulk path) against the online path. The same input (generated fleet
 * telemetry with duplicates, late lines, processes whose NEW_PROCESS never comes, malformed lines,
 * detections carrying copies of their events; plus a carrier whose inner events are carried
 * copies, one inner event sent on its own before and one after, and a detection whose event comes
 * on its own after it) is loaded online into the shared test Neo4j (the ingest pipeline and the
 * writer, as `atomgraph load` runs them) and by the CLI into a Neo4j home of its own; the two
 * graphs are then read back whole and compared: counts per label, per type and per property key,
 * and every node and edge with all its properties. Then online ingest continues on the bulk
 * graph, and a second import into it is refused.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { migrate } from '../../src/graph/schema/migrate';
import { ingest, type Reject, type Warning } from '../../src/ingest/pipeline';
import { openInputs, readBuffer } from '../../src/ingest/read';
import { createRuntime, type Runtime } from '../../src/runtime';
import { createLogger } from '../../src/log/logger';
import { cli, ROOT } from '../helpers/cli';

jest.setTimeout(900_000);

const SAMPLES = join(ROOT, '..', 'shared', 'samples');
const PASSWORD = 'atomgraph-bulk-test';

type Json = Record<string, unknown>;

/** The CLI as users run it, without NEO4J_URI: the bulk import targets the local Neo4j home. */
function importCli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', NEO4J_USERNAME: 'neo4j', NEO4J_PASSWORD: PASSWORD };
  delete env['NEO4J_URI'];
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'import', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The local Neo4j tool as users run it (jest cannot load the ES module in-process). */
function stopLocal(dataDir: string) {
  execFileSync(process.execPath, [join(ROOT, 'tools', 'neo4j', 'neo4j.mjs'), 'stop', '--data-dir', dataDir], { encoding: 'utf8' });
}

interface Dump {
  nodes: Map<string, string>;
  edges: string[];
  labelCounts: Record<string, number>;
  typeCounts: Record<string, number>;
  keyCounts: Record<string, number>;
}

const text = (v: unknown): unknown => (neo4j.isInt(v) ? `int:${v.toString()}` : typeof v === 'bigint' ? `int:${v}` : Array.isArray(v) ? v.map(text) : v);
const propsText = (p: Record<string, unknown>) => JSON.stringify(Object.keys(p).sort().map((k) => [k, text(p[k])]));
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** One org's whole subgraph: every node by uid with labels and properties, every edge with its ends and properties. */
async function dump(driver: Driver, oid: string): Promise<Dump> {
  const session = driver.session();
  try {
    const nodes = new Map<string, string>();
    const labelCounts: Record<string, number> = {};
    const keyCounts: Record<string, number> = {};
    for (const r of (await session.run('MATCH (n {oid: $oid}) RETURN n', { oid })).records) {
      const n = r.get('n') as { labels: string[]; properties: Record<string, unknown> };
      for (const l of n.labels) bump(labelCounts, l);
      for (const k of Object.keys(n.properties)) bump(keyCounts, `${n.labels.includes('Event') ? 'Event' : n.labels.join(':')}.${k}`);
      nodes.set(String(n.properties['uid']), `${[...n.labels].sort().join(':')} ${propsText(n.properties)}`);
    }
    const edges: string[] = [];
    const typeCounts: Record<string, number> = {};
    for (const r of (await session.run('MATCH (a {oid: $oid})-[x]->(b) RETURN a.uid AS a, type(x) AS t, properties(x) AS p, b.uid AS b', { oid })).records) {
      const p = r.get('p') as Record<string, unknown>;
      bump(typeCounts, r.get('t') as string);
      for (const k of Object.keys(p)) bump(keyCounts, `${r.get('t') as string}.${k}`);
      edges.push(`${r.get('a') as string} -${r.get('t') as string}-> ${r.get('b') as string} ${propsText(p)}`);
    }
    return { nodes, edges: edges.sort(), labelCounts, typeCounts, keyCounts };
  } finally {
    await session.close();
  }
}

async function count(driver: Driver, cypher: string, params: Record<string, unknown>): Promise<number> {
  const session = driver.session();
  try {
    return Number((await session.run(cypher, params)).records[0]?.get(0) ?? 0);
  } finally {
    await session.close();
  }
}

describe('atomgraph import (bulk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-bulk-'));
  const home = join(dir, 'neo4j-home');
  const files = { gen: join(dir, 'fleet.jsonl'), extra: join(dir, 'extra.jsonl'), carrier: join(dir, 'carrier.json') };
  const inputs = [files.gen, files.extra, files.carrier];
  let org = '';
  let online: Runtime;
  let bulk: Runtime;
  let bulkUri = '';
  const onlineRejects: Reject[] = [];
  const onlineWarnings: Warning[] = [];
  let brokenLines: number[] = [];
  let importResult: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    // A seed of its own gives an org of its own in the shared test database.
    const gen = await cli(['generate', '--hosts', '12', '--events', '4000', '--seed', `bulk-${randomUUID()}`, '--shuffle', '0.05', '--duplicates', '0.02', '--orphans', '0.05', '--bad-fraction', '0.003', '--quiet', '--out', files.gen]).done;
    expect(gen.code).toBe(0);
    const genLines = readFileSync(files.gen, 'latin1').split('\n');
    org = /"oid":"([^"]+)"/.exec(genLines.find((l) => l.includes('"oid":"')) ?? '')?.[1] ?? '';
    expect(org).not.toBe('');
    const inOrg = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(inOrg) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'oid' ? org : inOrg(v)])) : value;

    // A valid carrier: the documentation's THREAD_INJECTION given routing of its own. Its inner events are carried copies.
    const doc = inOrg(JSON.parse(readFileSync(join(SAMPLES, 'lc-doc-thread-injection.json'), 'utf8'))) as { event: { EVENTS: Json[] } };
    const inner = doc.event.EVENTS;
    const firstRouting = inner[0]?.['routing'] as Json;
    const carrier = { routing: { ...firstRouting, this: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0', event_type: 'THREAD_INJECTION', event_id: randomUUID(), parent: firstRouting['this'] }, event: doc.event };
    // Pretty-printed on purpose: `raw` then holds line breaks (the import's multi-line fields).
    writeFileSync(files.carrier, JSON.stringify(carrier, null, 2));
    // The first inner event also on its own, before the carrier (read after fleet.jsonl, before carrier.json): it stays.
    const ownBefore = { ...inner[0], event: { ...(inner[0]?.['event'] as Json), SENT_ON_ITS_OWN: 'before' } };
    const detection = inOrg(JSON.parse(readFileSync(join(SAMPLES, 'secops-doc-detection-sample.json'), 'utf8'))) as Json;
    const detect = detection['detect'] as Json;
    // The detected event on its own after its detection: it replaces the detection's copy.
    const detectedOwn = { routing: { ...(detection['routing'] as Json), ...(detect['routing'] as Json) }, event: { ...(detect['event'] as Json), SENT_ON_ITS_OWN: 'after' } };
    const edr = readFileSync(join(SAMPLES, 'secops-doc-edr-samples.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.stringify(inOrg(JSON.parse(l))));
    // Without the carrier's inner events (the documentation shows the same two on their own), so ownAfter is the first to come on its own.
    const innerAtoms = new Set(inner.map((e) => (e['routing'] as Json)['this']));
    const handles = readFileSync(join(SAMPLES, 'lc-doc-handle-and-thread.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => inOrg(JSON.parse(l)) as { routing: Json })
      .filter((r) => !innerAtoms.has(r.routing['this'])).map((r) => JSON.stringify(r));
    // The second inner event on its own comes in a later file than its carrier: it replaces the copy.
    const ownAfter = { ...inner[1], event: { ...(inner[1]?.['event'] as Json), SENT_ON_ITS_OWN: 'after' } };
    // 64-bit values: an unsigned 32-bit pid (a long property) and a value past 2^64 (raw only), in digits JSON.stringify cannot write.
    const first = edr.find((l) => l.includes('"event_type":"NEW_PROCESS"')) ?? '';
    const big = first.replace('"event":{', '"event":{"BIG":18446744073709551617,').replace('"PROCESS_ID":676', '"PROCESS_ID":4294967295').replace(/"this":"[0-9a-f]+"/, '"this":"d00dd00dd00dd00dd00dd00dd00dd00d"');
    expect(big).toContain('18446744073709551617');
    expect(big).toContain('"PROCESS_ID":4294967295');
    const extra = [big, JSON.stringify(ownBefore), JSON.stringify(detection), JSON.stringify(detectedOwn), ...edr, ...handles, ...edr.slice(0, 3), '{"routing": ', '[1, 2]'];
    brokenLines = [extra.length - 1, extra.length];
    writeFileSync(files.extra, extra.join('\n'));
    writeFileSync(files.carrier, `${readFileSync(files.carrier, 'utf8')}\n${JSON.stringify(ownAfter)}\n`);

    // Batches of 500 online, 2,000 in bulk: the graph does not depend on batch boundaries. One
    // batch at a time (the documented race of two batches completing one placeholder).
    online = await createRuntime({ overrides: { LOG_LEVEL: 'silent', NEO4J_TX_TIMEOUT_MS: 300_000 }, logger: createLogger('silent') });
    // Constraints first, as every suite that writes does: on a fresh shared database, events stored
    // before migrate would also leave the other suites' rollups untrusted (no RollupState marker).
    await migrate(online.executor);
    await ingest(openInputs(inputs), { executor: online.executor, batchSize: 500, concurrency: 1, onReject: (r) => onlineRejects.push(r), onWarning: (w) => onlineWarnings.push(w) });

    importResult = await importCli([...inputs, '--data-dir', home, '--port', '0', '--rejects', join(dir, 'rejects.jsonl')]);
    bulkUri = /Neo4j running at (bolt:\/\/\S+)/.exec(importResult.stdout)?.[1] ?? '';
    if (bulkUri) {
      bulk = await createRuntime({ overrides: { NEO4J_URI: bulkUri, NEO4J_USERNAME: 'neo4j', NEO4J_PASSWORD: PASSWORD, LOG_LEVEL: 'silent', NEO4J_TX_TIMEOUT_MS: 300_000 }, logger: createLogger('silent') });
    }
  });

  afterAll(async () => {
    await online?.close();
    await bulk?.close();
    stopLocal(home);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with a queryable graph, its indexes online', async () => {
    expect(importResult.stderr).not.toMatch(/atomgraph: /);
    expect(importResult.code).toBe(0);
    expect(bulkUri).not.toBe('');
    const session = bulk.driver.session();
    try {
      const states = (await session.run('SHOW INDEXES YIELD name, state RETURN name, state')).records.map((r) => [r.get('name') as string, r.get('state') as string]);
      expect(states.map(([n]) => n)).toEqual(expect.arrayContaining(['event_uid', 'event_sensor_type_time', 'indicator_key', 'detection_uid', 'tagged_tag_time', 'event_rollup_uid']));
      expect(states.filter(([, s]) => s !== 'ONLINE')).toEqual([]);
    } finally {
      await session.close();
    }
    // eventCounts may read rollups: the graph was counted from the start.
    expect(await count(bulk.driver, "MATCH (m:RollupState {id: 'events'}) RETURN count(m)", {})).toBe(1);
    // The summed levels, from the per-sensor rollups by migrate after the import.
    expect(await count(bulk.driver, "MATCH (m:RollupState) WHERE m.id IN ['orgEvents', 'hostEvents'] RETURN count(m)", {})).toBe(2);
  });

  it('rejects and warns exactly as the online path does, with the same lines and reasons', () => {
    const written = readFileSync(join(dir, 'rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; source: string; line: number; reason: string; field?: string });
    const bulkRejects = written.filter((w) => w.level === 'error').map((w) => [w.source, w.line, w.reason]);
    const bulkWarnings = written.filter((w) => w.level === 'warning').map((w) => [w.source, w.line, w.field, w.reason]);
    expect(bulkRejects).toEqual(onlineRejects.map((r) => [r.source, r.line, r.reason]));
    expect(bulkWarnings).toEqual(onlineWarnings.map((w) => [w.source, w.line, w.field, w.reason]));
    // The two lines this test broke itself are among them, by line number in their file.
    expect(bulkRejects).toEqual(expect.arrayContaining([[files.extra, brokenLines[0], expect.stringMatching(/not valid JSON/)], [files.extra, brokenLines[1], expect.stringMatching(/expected an event object/)]]));
    expect(importResult.stdout).toMatch(new RegExp(`${onlineRejects.length} rejected, ${onlineWarnings.length} warnings`));
  });

  it('makes the graph the online path makes: the same nodes, edges and properties', async () => {
    const a = await dump(online.driver, org);
    const b = await dump(bulk.driver, org);
    // The input exercises what the bulk path has to get right.
    expect(a.labelCounts['Detection']).toBeGreaterThan(0);
    expect(a.typeCounts['CONTAINS']).toBeGreaterThan(0);
    expect(a.typeCounts['SAW']).toBeGreaterThan(0);
    expect(a.keyCounts['Event.carried']).toBeGreaterThan(0);
    expect(a.keyCounts['Event.snapshotFrom']).toBeGreaterThan(0);
    expect(a.keyCounts['PARENT.snapshot']).toBeGreaterThan(0);
    expect(a.edges.filter((e) => e.includes('SENT_ON_ITS_OWN'))).toEqual([]);
    expect(await count(online.driver, 'MATCH (e:Event {oid: $oid}) WHERE e.raw CONTAINS $mark RETURN count(e)', { oid: org, mark: 'SENT_ON_ITS_OWN' })).toBe(3);
    expect(await count(bulk.driver, 'MATCH (e:Event {oid: $oid}) WHERE e.raw CONTAINS $big AND e.processId = 4294967295 RETURN count(e)', { oid: org, big: '"BIG":18446744073709551617' })).toBe(1);

    expect(b.labelCounts).toEqual(a.labelCounts);
    expect(b.typeCounts).toEqual(a.typeCounts);
    expect(b.keyCounts).toEqual(a.keyCounts);
    const differing = [...a.nodes].filter(([uid, n]) => b.nodes.get(uid) !== n).map(([uid, n]) => ({ uid, online: n, bulk: b.nodes.get(uid) }));
    expect(differing.slice(0, 3)).toEqual([]);
    expect([...b.nodes.keys()].filter((uid) => !a.nodes.has(uid))).toEqual([]);
    expect(b.edges).toEqual(a.edges);
  });

  it('lets online ingest continue on the bulk graph: new events link to bulk-loaded parents, placeholders complete, counts add up', async () => {
    // A bulk-loaded process, and a process only known as a placeholder (its NEW_PROCESS never came).
    const session = bulk.driver.session();
    let parent: { atom: string; sid: string };
    let missing: { atom: string };
    try {
      const p = (await session.run("MATCH (e:Event:Process {oid: $oid, placeholder: false}) WHERE e.sid IS NOT NULL RETURN e.atom AS atom, e.sid AS sid ORDER BY e.uid LIMIT 1", { oid: org })).records[0];
      const m = (await session.run('MATCH (:Event {oid: $oid})-[:PARENT]->(e:Event {placeholder: true}) WHERE e.atom IS NOT NULL RETURN e.atom AS atom ORDER BY e.uid LIMIT 1', { oid: org })).records[0];
      parent = { atom: p?.get('atom') as string, sid: p?.get('sid') as string };
      missing = { atom: m?.get('atom') as string };
    } finally {
      await session.close();
    }
    expect(parent.atom).toBeTruthy();
    expect(missing.atom).toBeTruthy();
    // A NEW_PROCESS of the fleet as a template for the two new events.
    const template = readFileSync(files.gen, 'latin1').split('\n').map((l) => { try { return JSON.parse(l) as { routing: Json; event: Json }; } catch { return null; } }).find((r) => r?.routing?.['event_type'] === 'NEW_PROCESS' && r.routing['sid'] === parent.sid);
    expect(template).toBeTruthy();
    const at = Number(template?.routing['event_time']);
    const child = { ...template, routing: { ...template?.routing, this: 'c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1', parent: parent.atom, event_id: randomUUID(), event_time: at + 1 } };
    const completing = { ...template, routing: { ...template?.routing, this: missing.atom, parent: '', event_id: randomUUID(), event_time: at + 2 } };

    const before = {
      events: await count(bulk.driver, 'MATCH (e:Event {oid: $oid, placeholder: false}) RETURN count(e)', { oid: org }),
      placeholders: await count(bulk.driver, 'MATCH (e:Event {oid: $oid, placeholder: true}) RETURN count(e)', { oid: org }),
      sensor: await count(bulk.driver, 'MATCH (s:Sensor {oid: $oid, sid: $sid}) RETURN s.eventCount', { oid: org, sid: parent.sid }),
      rollups: await count(bulk.driver, 'MATCH (r:EventRollup {oid: $oid}) RETURN sum(r.count)', { oid: org }),
      orgRollups: await count(bulk.driver, 'MATCH (r:OrgEventRollup {oid: $oid}) RETURN sum(r.count)', { oid: org }),
    };
    const summary = await ingest(readBuffer(Buffer.from(`${JSON.stringify(child)}\n${JSON.stringify(completing)}\n`), 'more'), { executor: bulk.executor });
    expect(summary).toMatchObject({ stored: 2, rejected: 0 });

    expect(await count(bulk.driver, 'MATCH (:Event {uid: $c})-[:PARENT]->(p:Event {uid: $p, placeholder: false}) RETURN count(p)', { c: `${org}/${child.routing.this}`, p: `${org}/${parent.atom}` })).toBe(1);
    expect(await count(bulk.driver, 'MATCH (e:Event {uid: $u}) WHERE e.placeholder = false AND e.type = "NEW_PROCESS" AND e.snapshotFrom IS NULL RETURN count(e)', { u: `${org}/${missing.atom}` })).toBe(1);
    expect(await count(bulk.driver, 'MATCH (e:Event {oid: $oid, placeholder: false}) RETURN count(e)', { oid: org })).toBe(before.events + 2);
    expect(await count(bulk.driver, 'MATCH (e:Event {oid: $oid, placeholder: true}) RETURN count(e)', { oid: org })).toBeLessThanOrEqual(before.placeholders - 1);
    expect(await count(bulk.driver, 'MATCH (s:Sensor {oid: $oid, sid: $sid}) RETURN s.eventCount', { oid: org, sid: parent.sid })).toBe(before.sensor + 2);
    expect(await count(bulk.driver, 'MATCH (r:EventRollup {oid: $oid}) RETURN sum(r.count)', { oid: org })).toBe(before.rollups + 2);
    expect(await count(bulk.driver, 'MATCH (r:OrgEventRollup {oid: $oid}) RETURN sum(r.count)', { oid: org })).toBe(before.orgRollups + 2);
    // A replay changes nothing: the bulk-loaded events are duplicates to the online path.
    const replay = await ingest(openInputs([files.gen]), { executor: bulk.executor, concurrency: 1 });
    expect(replay.stored).toBe(0);
  });

  it('refuses a target that holds events, running or stopped, with a clear message and a non-zero exit', async () => {
    const running = await importCli([files.extra, '--data-dir', home, '--port', '0']);
    expect(running.code).not.toBe(0);
    expect(running.stderr).toMatch(/a Neo4j is running on .*: the import needs its database stopped/);
    await bulk.close();
    stopLocal(home);
    const stopped = await importCli([files.extra, '--data-dir', home, '--port', '0']);
    expect(stopped.code).not.toBe(0);
    expect(stopped.stderr).toMatch(/already holds \d+ events.*would replace them/);
  });
});
