// Detections (issue 18): the sample detection and hand-made ones load through the real pipeline;
// the expectations (which event each detection names, its copy, the tree around it) are computed
// from the records with plain JSON, then compared with the graph and with the API's answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Principal } from '../../src/auth/principal';
import { contextFor, createApollo } from '../../src/api/server';
import { compileDetectionFilter, detectionCountQuery, detectionSearchQuery, type DetectionFilter } from '../../src/graph/reader/detections';
import { withDefaults } from '../../src/generate';
import { generateTextWithDetections } from '../../src/generate/stories/detections';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { carriedEvent, detectionWithOrg, isDetection, type Json, namedAtom } from '../helpers/detections';
import { graphCounts, graphDump } from '../helpers/graph';
import { ingestLines, shuffled } from '../helpers/ingest';
import { testRuntime, uniqueOrg, readCypher } from '../helpers/runtime';

const shared = join(__dirname, '..', '..', '..', 'shared');
const sample = JSON.parse(readFileSync(join(shared, 'samples', 'secops-doc-detection-sample.json'), 'utf8')) as Json;

interface Result {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A small process tree on two hosts: root -> cmd -> (detected) tool -> child -> grandchild; host B ran the tool's hash too. */
function tree(oid: string, detectId = 'det-1') {
  const hash = 'a'.repeat(64);
  const base = { oid, event_type: 'NEW_PROCESS', plat: 268435456, arch: 2 };
  const hostA = { ...base, sid: 'sensor-a', hostname: 'WS-A', int_ip: '10.0.0.1' };
  const hostB = { ...base, sid: 'sensor-b', hostname: 'WS-B', int_ip: '10.0.0.2' };
  const proc = (routing: Json, atom: string, parent: string | null, path: string, h: string, t: number) => ({
    routing: { ...routing, this: atom, ...(parent ? { parent } : {}), event_time: t, event_id: `id-${atom}` },
    event: { FILE_PATH: path, COMMAND_LINE: path, PROCESS_ID: t % 10000, HASH: h },
  });
  const events = [
    proc(hostA, 'root', null, 'C:\\Windows\\explorer.exe', 'b'.repeat(64), 1_700_000_000_000),
    proc(hostA, 'cmd', 'root', 'C:\\Windows\\System32\\cmd.exe', 'c'.repeat(64), 1_700_000_001_000),
    proc(hostA, 'tool', 'cmd', 'C:\\Users\\x\\tool.exe', hash, 1_700_000_002_000),
    proc(hostA, 'child', 'tool', 'C:\\Windows\\System32\\whoami.exe', 'd'.repeat(64), 1_700_000_003_000),
    proc(hostA, 'grandchild', 'child', 'C:\\Windows\\System32\\conhost.exe', 'e'.repeat(64), 1_700_000_004_000),
    proc(hostA, 'greatgrandchild', 'grandchild', 'C:\\Windows\\System32\\find.exe', 'f'.repeat(64), 1_700_000_005_000),
    proc(hostB, 'tool-b', null, 'C:\\Temp\\tool.exe', hash, 1_700_000_009_000),
  ];
  const toolEvent = events[2]!;
  const detection = {
    routing: toolEvent.routing,
    cat: 'Rare tool',
    source_rule: 'general.rare-tool',
    namespace: 'general',
    priority: 8,
    detect_id: detectId,
    detect: { routing: { oid, sid: 'sensor-a', event_type: 'NEW_PROCESS', event_time: toolEvent.routing.event_time, this: 'tool', parent: 'cmd' }, event: toolEvent.event },
    detect_mtd: { level: 'high', tags: ['attack.execution', 'attack.t1204'], description: 'a rare tool ran', references: ['https://example.org/rare'] },
    author: 'tests',
    gen_time: 1_700_000_002_500,
  };
  return { events, detection, hash };
}

describe('detections', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  const load = (records: readonly object[], batchSize?: number) => ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)), batchSize);

  async function gql(query: string, variables: Record<string, unknown> = {}, orgs: readonly string[] | null = null): Promise<Result> {
    const deps = { config: runtime.config, executor: runtime.executor, logger: runtime.logger };
    const apollo = createApollo(deps);
    await apollo.start();
    try {
      const principal: Principal = { keyId: orgs ? 'k' : null, orgs, role: 'reader' };
      const response = await apollo.executeOperation({ query, variables }, { contextValue: contextFor(deps, principal) });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as Result;
    } finally {
      await apollo.stop();
    }
  }

  const cypher = (query: string, params: Record<string, unknown>) => readCypher(runtime, query, params);

  it('stores the sample detection, joined to the event it names, typed from the copy it carries', async () => {
    const org = uniqueOrg('sample');
    const rec = detectionWithOrg(sample, org);
    expect(isDetection(rec)).toBe(true);
    const { summary, rejects } = await load([rec]);
    expect(rejects).toEqual([]);
    expect(summary).toMatchObject({ detections: 1, detectionDuplicates: 0, stored: 1 });
    const atom = namedAtom(rec);
    const copy = carriedEvent(rec);
    const rows = await cypher(
      `MATCH (d:Detection {oid: $oid})-[:DETECTED]->(e:Event) RETURN d, e, labels(e) AS labels,
         [(e)-[:PARENT]->(p) | p.atom] AS parents, [(d)-[:TAGGED]->(t:DetectionTag) | t.tag] AS tags`,
      { oid: org },
    );
    expect(rows).toHaveLength(1);
    const d = rows[0]!.get('d').properties as Record<string, unknown>;
    const e = rows[0]!.get('e').properties as Record<string, unknown>;
    expect(d).toMatchObject({ uid: `${org}/${String(sample['detect_id'])}`, detectId: sample['detect_id'], cat: sample['cat'], namespace: 'general', level: 'high', hostname: (sample['routing'] as Json)['hostname'] });
    expect(JSON.parse(String(d['raw']))).toEqual(rec);
    expect(e).toMatchObject({ atom, placeholder: false, carried: true, type: (copy['routing'] as Json)['event_type'], filePath: (copy['event'] as Json)['FILE_PATH'] });
    expect(rows[0]!.get('labels')).toEqual(expect.arrayContaining(['Event', 'NEW_PROCESS', 'Process']));
    expect(rows[0]!.get('parents')).toEqual([(copy['routing'] as Json)['parent']]);
    expect([...(rows[0]!.get('tags') as string[])].sort()).toEqual([...((sample['detect_mtd'] as Json)['tags'] as string[])].sort());

    const res = await gql(
      `query($org: String!) { detections(filter: {orgIds: [$org]}) { totalCount nodes { id name rule priority level attackTags techniques author hostname detectTime
         event { __typename atom ... on NewProcess { filePath } parent { __typename atom } detections { id } } raw } } }`,
      { org },
    );
    expect(res.errors).toBeUndefined();
    const conn = res.data!['detections'] as { totalCount: number; nodes: Json[] };
    expect(conn.totalCount).toBe(1);
    expect(conn.nodes[0]).toMatchObject({
      id: sample['detect_id'],
      name: sample['cat'],
      level: 'high',
      attackTags: ['attack.discovery', 'attack.t1033'],
      techniques: ['T1033'],
      author: 'Florian Roth',
      detectTime: new Date(Number(sample['ts'])).toISOString(),
      event: { __typename: 'NewProcess', atom, filePath: (copy['event'] as Json)['FILE_PATH'], parent: { __typename: 'MissingEvent' }, detections: [{ id: sample['detect_id'] }] },
      raw: rec,
    });
  });

  it('gives the same graph whether the detection comes before its event, after it, or shuffled in one batch, and nothing doubles on replay', async () => {
    const orgs = [uniqueOrg('before'), uniqueOrg('after'), uniqueOrg('shuffled')];
    const dumps: string[][] = [];
    for (const [i, org] of orgs.entries()) {
      const { events, detection } = tree(org);
      // The event as its sensor sent it differs from the copy (routing keys in another order, so
      // another raw text): it must win in every order.
      const own = events;
      if (i === 0) {
        await load([detection]);
        await load(own);
      } else if (i === 1) {
        await load(own);
        await load([detection]);
      } else {
        await load(shuffled([...own, detection, detection, ...own], 7), 4);
      }
      dumps.push(await graphDump(runtime.driver, org));
      const counts = await graphCounts(runtime.driver, org);
      const again = await load(shuffled([detection, ...own], 3));
      expect(again.summary).toMatchObject({ stored: 0, detections: 0, detectionDuplicates: 1 });
      expect(await graphCounts(runtime.driver, org)).toEqual(counts);
    }
    expect(dumps[1]).toEqual(dumps[0]);
    expect(dumps[2]).toEqual(dumps[0]);
    // The stored event is the one sent on its own (not carried), and the detection points at it.
    const [org] = orgs;
    const rows = await cypher('MATCH (d:Detection {oid: $oid})-[:DETECTED]->(e:Event) RETURN e.carried AS carried, e.hostname AS host, count(*) AS n', { oid: org });
    expect(rows.map((r) => [r.get('carried'), r.get('host'), Number(r.get('n'))])).toEqual([[null, 'WS-A', 1]]);
  }, 180_000);

  it('links a detection whose event never arrives, and keys a detection without detect_id by its content', async () => {
    const org = uniqueOrg('content');
    const { detection } = tree(org);
    const { detect_id: _id, ...rest } = detection;
    const noCopy = { ...rest, detect: undefined, ts: 1 };
    await load([{ ...noCopy }]);
    await load([{ ...noCopy, ts: 2 }]); // only the delivery time differs: the same detection
    const rows = await cypher('MATCH (d:Detection {oid: $oid}) OPTIONAL MATCH (d)-[:DETECTED]->(e) RETURN d.detectId AS id, e.placeholder AS placeholder, e.atom AS atom', { oid: org });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.get('id')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rows[0]!.get('placeholder')).toBe(true);
    expect(rows[0]!.get('atom')).toBe('tool');
  });

  it('rejects a record that is neither an event nor a detection, saying what it lacks, and stores the rest of the batch', async () => {
    const org = uniqueOrg('neither');
    const { events, detection } = tree(org);
    const { summary, rejects } = await load([events[0]!, { hello: 'world', oid: org }, detection, events[1]!]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[2, expect.stringMatching(/^neither an event nor a detection: an event needs "routing" and "event", a detection needs "cat".*"hello", "oid"/)]]);
    expect(summary).toMatchObject({ records: 4, rejected: 1, detections: 1 });
    expect((await graphCounts(runtime.driver, org)).events).toBe(3);
  });

  it('answers the hunter in one request: the detection, its ancestry, its tree two levels down, and the other hosts that ran its hash', async () => {
    const org = uniqueOrg('hunt');
    const { events, detection, hash } = tree(org);
    await load([...events, detection]);
    // From the records: the chain above `tool`, its tree two levels down, the hosts with its hash.
    const byAtom = new Map(events.map((e) => [e.routing.this, e]));
    const ancestors: string[] = [];
    for (let p = byAtom.get('tool')?.routing.parent; p; p = byAtom.get(p)?.routing.parent) ancestors.push(p);
    const level = (atoms: string[]) => events.filter((e) => atoms.includes(String(e.routing.parent))).map((e) => e.routing.this);
    const one = level(['tool']);
    const two = [...one, ...level(one)];
    const hosts = [...new Set(events.filter((e) => e.event.HASH === hash).map((e) => (e.routing as Json)['hostname']))].sort();

    const res = await gql(
      `query($id: ID!, $org: String) { detection(id: $id, orgId: $org) { id priority
         event { atom ancestors { atom } descendants(maxDepth: 2) { nodes { atom } } }
         hashSightings { nodes { hostname } } } }`,
      { id: detection.detect_id, org },
    );
    expect(res.errors).toBeUndefined();
    const d = res.data!['detection'] as { event: { ancestors: Json[]; descendants: { nodes: Json[] } }; hashSightings: { nodes: Json[] } };
    expect(d.event.ancestors.map((a) => a['atom'])).toEqual(ancestors);
    expect(d.event.descendants.nodes.map((n) => n['atom']).sort()).toEqual([...two].sort());
    expect(d.hashSightings.nodes.map((n) => n['hostname']).sort()).toEqual(hosts);
    expect(hosts).toEqual(['WS-A', 'WS-B']);
  });

  it('filters, pages and counts detections; another org stays invisible through every field', async () => {
    const [a, b] = [uniqueOrg('mine'), uniqueOrg('theirs')];
    for (const org of [a, b]) {
      const { events, detection } = tree(org, `det-${org}`);
      const low = { ...detection, detect_id: `low-${org}`, priority: 1, cat: 'Noise', source_rule: 'general.noise', detect_mtd: { level: 'low', tags: ['attack.t1033'] }, gen_time: detection.gen_time + 1 };
      await load([...events, detection, low]);
    }
    const q = async (query: string, variables: Record<string, unknown>, orgs: readonly string[] | null) => {
      const res = await gql(query, variables, orgs);
      expect(res.errors).toBeUndefined();
      return res.data!;
    };
    // Scoped to `a`, asking for both orgs explicitly.
    const seen = await q(
      `query($orgs: [String!]) { detections(filter: {orgIds: $orgs}) { totalCount nodes { id orgId } }
        high: detections(filter: {orgIds: $orgs, minPriority: 5}) { nodes { id } }
        tag: detections(filter: {orgIds: $orgs, tag: "T1033"}) { nodes { id } }
        rule: detections(filter: {orgIds: $orgs, rule: "general.rare-tool"}) { nodes { id } }
        host: detections(filter: {hostnames: ["ws-a"]}) { nodes { id } }
        counts: detectionCounts(groupBy: RULE, filter: {orgIds: $orgs}) { key count }
        tags: detectionCounts(groupBy: TAG) { key count }
        sensors { nodes { orgId detections { nodes { id } } } } }`,
      { orgs: [a, b] },
      [a],
    );
    expect(seen['detections']).toEqual({ totalCount: 2, nodes: [{ id: `low-${a}`, orgId: a }, { id: `det-${a}`, orgId: a }] });
    expect(seen['high']).toEqual({ nodes: [{ id: `det-${a}` }] });
    expect(seen['tag']).toEqual({ nodes: [{ id: `low-${a}` }] });
    expect(seen['rule']).toEqual({ nodes: [{ id: `det-${a}` }] });
    expect(seen['host']).toEqual({ nodes: [{ id: `low-${a}` }, { id: `det-${a}` }] });
    expect(seen['counts']).toEqual([{ key: 'general.noise', count: 1 }, { key: 'general.rare-tool', count: 1 }]);
    expect(seen['tags']).toEqual([{ key: 'attack.execution', count: 1 }, { key: 'attack.t1033', count: 1 }, { key: 'attack.t1204', count: 1 }]);
    const sensorIds = (seen['sensors'] as { nodes: { orgId: string; detections: { nodes: Json[] } }[] }).nodes;
    expect(sensorIds.every((s) => s.orgId === a)).toBe(true);
    expect(sensorIds.flatMap((s) => s.detections.nodes.map((n) => n['id'])).sort()).toEqual([`det-${a}`, `low-${a}`]);

    // b's detection, by id, and through its event, is not there for a key of a.
    const hidden = await q(
      `query($id: ID!, $b: String) { detection(id: $id, orgId: $b) { id } event(atom: "tool", orgId: $b) { atom detections { id } } }`,
      { id: `det-${b}`, b },
      [a],
    );
    expect(hidden).toEqual({ detection: null, event: null });
    // Page by page, newest first, with the other org in scope too.
    const p1 = await q(`query($orgs: [String!]) { detections(first: 1, filter: {orgIds: $orgs}) { pageInfo { hasNextPage endCursor } nodes { id } } }`, { orgs: [a] }, null);
    const page1 = p1['detections'] as { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Json[] };
    expect(page1.nodes).toEqual([{ id: `low-${a}` }]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const p2 = await q(`query($orgs: [String!], $after: String) { detections(first: 1, after: $after, filter: {orgIds: $orgs}) { pageInfo { hasNextPage } nodes { id } } }`, { orgs: [a], after: page1.pageInfo.endCursor }, null);
    expect(p2['detections']).toEqual({ pageInfo: { hasNextPage: false }, nodes: [{ id: `det-${a}` }] });
  });

  it('loads a generated fleet with its detections: each joined to the typed event the file names, nothing doubled on replay', async () => {
    const generated = await generateTextWithDetections(withDefaults({ hosts: 5, events: 2500, seed: 'det-int', orgs: 1 }));
    // The fleet's org, made unique, so a database reused between runs starts empty for it.
    const lines = generated.text.replaceAll(generated.truth.orgs[0]!.oid, uniqueOrg('fleet')).split('\n').filter((l) => l.length > 0);
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Json];
      } catch {
        return [];
      }
    });
    const org = String((parsed[0]!['routing'] as Json)['oid']);
    // From the file: detection id -> the atom and type of the event it names.
    const named = new Map(parsed.filter(isDetection).map((d) => [String(d['detect_id']), [namedAtom(d), String(((d['detect'] as Json)['routing'] as Json)['event_type'])]]));
    expect(named.size).toBeGreaterThan(3);
    const first = await ingestLines(runtime.executor, lines, 1000);
    expect(first.summary.detections).toBe(named.size);
    const rows = await cypher('MATCH (d:Detection {oid: $oid}) OPTIONAL MATCH (d)-[:DETECTED]->(e:Event) RETURN d.detectId AS id, e.atom AS atom, e.type AS type, e.placeholder AS placeholder', { oid: org });
    expect(new Map(rows.map((r) => [r.get('id') as string, [r.get('atom'), r.get('type')]]))).toEqual(named);
    expect(rows.every((r) => r.get('placeholder') === false)).toBe(true);
    const counts = await graphCounts(runtime.driver, org);
    const again = await ingestLines(runtime.executor, shuffled(lines, 11), 1000);
    expect(again.summary).toMatchObject({ detections: 0, stored: 0 });
    expect(await graphCounts(runtime.driver, org)).toEqual(counts);
  }, 180_000);

  it('refuses filter lists longer than the cap with a code', async () => {
    const res = await gql(`query($ids: [String!]) { detections(filter: {sensorIds: $ids}) { totalCount } }`, { ids: Array.from({ length: 1001 }, (_, i) => `s${i}`) });
    expect(res.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
  });

  describe('plans', () => {
    interface Plan {
      operatorType: string;
      arguments: Record<string, unknown>;
      children: Plan[];
    }
    const operators = (p: Plan): Plan[] => [p, ...p.children.flatMap(operators)];
    const cases: [string, DetectionFilter, string[] | null, RegExp][] = [
      ['the org', {}, ['org-1'], /Detection\(oid, time\)/],
      ['a host', { hostnames: ['WS-1'] }, ['org-1'], /Detection\(hostKey, time\)/],
      ['a sensor', { sensorIds: ['s'] }, ['org-1'], /Detection\(sid, time\)/],
      ['a rule', { rule: 'r' }, ['org-1'], /Detection\(rule, time\)/],
      ['a category', { category: 'c' }, null, /Detection\(cat, time\)/],
      ['a technique', { tag: 'attack.t1033' }, ['org-1'], /TAGGED\(tag, time\)/],
      ['a priority band', { minPriority: 5n }, ['org-1'], /Detection\(priority, time\)/],
      ['the fleet', {}, null, /Detection\(time\)/],
    ];
    it.each(cases)('the newest detections of %s are an index seek', async (_name, filter, orgs, index) => {
      const compiled = compileDetectionFilter(filter, orgs)!;
      for (const query of [detectionSearchQuery(compiled, 'TIME_DESC'), detectionCountQuery(compiled, 'HOUR')]) {
        const session = runtime.driver.session({ defaultAccessMode: 'READ' });
        try {
          const result = await session.run(`EXPLAIN ${query.cypher}`, { ...compiled.params, after: null, limit: 51n });
          const ops = operators(result.summary.plan as unknown as Plan);
          expect(ops.filter((o) => /LabelScan|AllNodesScan|RelationshipTypeScan/.test(o.operatorType))).toEqual([]);
          expect(ops.filter((o) => /IndexSeek|IndexScan/.test(o.operatorType)).some((o) => index.test(String(o.arguments['Details'])))).toBe(true);
        } finally {
          await session.close();
        }
      }
    });
  });
});
