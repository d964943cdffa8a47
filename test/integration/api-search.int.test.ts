// events (filters, order, paging), eventCounts and sensors against a real Neo4j, compared with the
// input: the attack capture, plus hand-made events for the Office -> PowerShell and lsass hunts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { withOrg } from '../helpers/graph';
import { ingestLines } from '../helpers/ingest';
import { graphqlRunner } from '../helpers/api';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const dataset = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Rec);

describe('search and dashboards through GraphQL', () => {
  let runtime: Runtime;
  const org = uniqueOrg('search');
  const other = uniqueOrg('search-other');
  const records = withOrg(dataset, org);
  const T0 = 1700000000000;
  const routing = (atom: string, type: string, t: number, parent?: string, target?: string) => ({
    this: atom, event_type: type, event_time: T0 + t, oid: org, sid: 'hand-sensor', hostname: 'HAND-HOST', ...(parent ? { parent } : {}), ...(target ? { target } : {}),
  });
  const handMade = [
    { routing: routing('lsass', 'NEW_PROCESS', 0), event: { FILE_PATH: 'C:\\Windows\\System32\\lsass.exe', PROCESS_ID: 700 } },
    { routing: routing('word', 'NEW_PROCESS', 1000), event: { FILE_PATH: 'C:\\Program Files\\Microsoft Office\\WINWORD.EXE', PROCESS_ID: 800 } },
    { routing: routing('ps', 'NEW_PROCESS', 2000, 'word'), event: { FILE_PATH: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', COMMAND_LINE: 'powershell.exe -NoP -enc SQBFAFgA', PROCESS_ID: 900, PARENT: { FILE_PATH: 'C:\\Program Files\\Microsoft Office\\WINWORD.EXE' } } },
    { routing: routing('handle', 'REMOTE_PROCESS_HANDLE', 3000, 'ps', 'lsass'), event: { ACCESS_FLAGS: 5136, PROCESS_ID: 700, PARENT_PROCESS_ID: 900 } },
  ];

  // A type no catalogue knows (stored as a GenericEvent), and an event of the last half hour.
  const NOW = Date.now();
  const extra = [
    { routing: { ...routing('custom', 'ACME_CUSTOM_SIGNAL', 4000), hostname: 'HAND-HOST' }, event: { X: 1 } },
    { routing: { ...routing('fresh', 'NEW_PROCESS', 0), event_time: NOW - 30 * 60_000 }, event: { FILE_PATH: 'C:\\Windows\\System32\\cmd.exe', PARENT: { FILE_PATH: 'C:\\Program Files\\Microsoft Office\\EXCEL.EXE' } } },
  ];

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, [...records, ...handMade, ...extra].map((r) => JSON.stringify(r)));
    await ingestLines(runtime.executor, withOrg(handMade, other).map((r) => JSON.stringify(r)));
  });
  afterAll(async () => runtime.close());

  const run = graphqlRunner(() => runtime);

  it('finds Office spawning PowerShell with an encoded command, by the parent path and a contains-match', async () => {
    const result = await run(`query($o: [String!]) { events(filter: { orgIds: $o, eventTypes: ["NEW_PROCESS"], parentFilePath: { endsWith: "winword.exe" }, filePath: { endsWith: "POWERSHELL.EXE" }, commandLine: { contains: " -enc " } }) { totalCount nodes { atom ... on NewProcess { commandLine parentProcess { filePath } } } } }`, { o: [org] });
    expect(result.errors).toBeUndefined();
    const c = result.data?.['events'] as { totalCount: number; nodes: { atom: string }[] };
    expect(c.totalCount).toBe(1);
    expect(c.nodes.map((n) => n.atom)).toEqual(['ps']);
  });

  it('finds handles opened to lsass by the target process path, with the process that did it', async () => {
    const result = await run(`query($o: [String!]) { events(filter: { orgIds: $o, eventTypes: ["REMOTE_PROCESS_HANDLE", "NEW_REMOTE_THREAD"], targetFilePath: { endsWith: "\\\\lsass.exe" } }) { totalCount nodes { atom parent { atom } target { atom } } } }`, { o: [org] });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['events']).toEqual({ totalCount: 1, nodes: [{ atom: 'handle', parent: { atom: 'ps' }, target: { atom: 'lsass' } }] });
  });

  it('gives a host timeline in order, paged, and the pages join up exactly', async () => {
    const sid = dataset[0]!.routing['sid'] as string;
    const mine = records.filter((r) => r.routing['sid'] === sid).map((r) => r.routing['event_time'] as number);
    const from = new Date(Math.min(...mine)).toISOString();
    const to = new Date(Math.min(...mine) + 60_000).toISOString();
    const expected = records
      .filter((r) => r.routing['sid'] === sid && (r.routing['event_time'] as number) >= Date.parse(from) && (r.routing['event_time'] as number) < Date.parse(to))
      .map((r) => r.routing['this'] as string);
    const seen: { atom: string; eventTime: string }[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const result = await run(`query($f: EventFilter, $after: String) { events(filter: $f, orderBy: TIME_ASC, first: 97, after: $after) { totalCount nodes { atom eventTime } pageInfo { hasNextPage endCursor } } }`, { f: { orgIds: [org], sensorIds: [sid], from, to }, after });
      const c = result.data?.['events'] as { totalCount: number; nodes: { atom: string; eventTime: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      expect(c.totalCount).toBe(expected.length);
      seen.push(...c.nodes);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(new Set(seen.map((e) => e.atom))).toEqual(new Set(expected));
    expect(seen).toHaveLength(expected.length);
    const times = seen.map((e) => e.eventTime);
    expect(times).toEqual([...times].sort());
  });

  it('counts events per type and per hour, as the file implies', async () => {
    const perType = new Map<string, number>();
    for (const r of records) perType.set(r.routing['event_type'] as string, (perType.get(r.routing['event_type'] as string) ?? 0) + 1);
    const result = await run(`query($f: EventFilter) { byType: eventCounts(groupBy: EVENT_TYPE, filter: $f) { key count } byHour: eventCounts(groupBy: HOUR, filter: $f) { key count } }`, { f: { orgIds: [org], hostnames: [...new Set(records.map((r) => r.routing['hostname'] as string))] } });
    expect(result.errors).toBeUndefined();
    const byType = result.data?.['byType'] as { key: string; count: number }[];
    expect(new Map(byType.map((b) => [b.key, b.count]))).toEqual(perType);
    expect(byType.map((b) => b.count)).toEqual([...byType.map((b) => b.count)].sort((a, b) => b - a));
    const byHour = result.data?.['byHour'] as { key: string; count: number }[];
    expect(byHour.reduce((n, b) => n + b.count, 0)).toBe(records.length);
    for (const b of byHour) expect(new Date(b.key).getUTCMinutes()).toBe(0);
  });

  it('lists the hosts with their facts and event counts', async () => {
    const result = await run(`query($o: [String!]) { sensors(filter: { orgIds: $o }) { totalCount nodes { sensorId hostname platform architecture intIp eventCount } } }`, { o: [org] });
    const c = result.data?.['sensors'] as { totalCount: number; nodes: { sensorId: string; hostname: string; platform: string; eventCount: number }[] };
    const perHost = new Map<string, number>();
    for (const r of [...records, ...handMade, ...extra]) perHost.set(r.routing['sid'] as string, (perHost.get(r.routing['sid'] as string) ?? 0) + 1);
    expect(c.totalCount).toBe(perHost.size);
    for (const n of c.nodes) expect(n.eventCount).toBe(perHost.get(n.sensorId));
    expect(c.nodes.find((n) => n.sensorId === dataset[0]!.routing['sid'])?.platform).toBe('WINDOWS');
  });

  it('pages the hosts in key order, and counts them only when totalCount is asked for', async () => {
    const queries: string[] = [];
    const stop = runtime.executor.observe(({ name }) => queries.push(name));
    try {
      const all = await run(`query($o: [String!]) { sensors(filter: { orgIds: $o }, first: 500) { totalCount nodes { sensorId } } }`, { o: [org] });
      const ids = (all.data?.['sensors'] as { nodes: { sensorId: string }[] }).nodes.map((n) => n.sensorId);
      expect(ids.length).toBe((all.data?.['sensors'] as { totalCount: number }).totalCount);
      expect(queries).toContain('sensors total');
      queries.length = 0;
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page = await run(`query($o: [String!], $a: String) { sensors(filter: { orgIds: $o }, first: 2, after: $a) { nodes { sensorId } pageInfo { hasNextPage endCursor } } }`, { o: [org], a: after });
        expect(page.errors).toBeUndefined();
        const c = page.data?.['sensors'] as { nodes: { sensorId: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        seen.push(...c.nodes.map((n) => n.sensorId));
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
      }
      expect(seen).toEqual(ids);
      expect(queries).toContain('sensors page');
      expect(queries).not.toContain('sensors total');
    } finally {
      stop();
    }
  });

  it('keeps injection attempts as plain values', async () => {
    const evil = `") OR 1=1 WITH e MATCH (n) DETACH DELETE n //`;
    const result = await run(`query($v: String!) { events(filter: { commandLine: { contains: $v, in: [$v] }, filePath: { endsWithAny: [$v] } }) { totalCount } }`, { v: evil });
    expect(result.errors).toBeUndefined();
    expect((result.data?.['events'] as { totalCount: number }).totalCount).toBe(0);
    const types = await run(`query($v: String!) { events(filter: { eventTypes: [$v] }) { totalCount } }`, { v: evil });
    expect(types.errors?.[0]?.extensions?.code).toBe('UNKNOWN_EVENT_TYPE');
    const hosts = await run(`query($v: String!) { events(filter: { hostnames: [$v] }) { totalCount } }`, { v: evil });
    expect(hosts.errors?.[0]?.extensions?.code).toBe('UNKNOWN_HOST');
    const still = await run(`query($o: [String!]) { events(filter: { orgIds: $o }) { totalCount } }`, { o: [org] });
    expect((still.data?.['events'] as { totalCount: number }).totalCount).toBe(records.length + handMade.length + extra.length);
  });

  describe('no silent zeros', () => {
    it('refuses an unknown event type with the catalogue names nearest to it, in every filter that takes types', async () => {
      for (const [bad, first] of [['NEW_PROC', 'NEW_PROCESS'], ['new_process', 'NEW_PROCESS'], ['dns_reqest', 'DNS_REQUEST']] as const) {
        const result = await run(`query($o: [String!], $t: [String!]) { events(filter: { orgIds: $o, eventTypes: $t }) { totalCount } }`, { o: [org], t: ['NEW_PROCESS', bad] });
        expect(result.data).toBeNull();
        const ext = result.errors?.[0]?.extensions as { code: string; unknown: string[]; suggestions: Record<string, string[]> };
        expect(ext.code).toBe('UNKNOWN_EVENT_TYPE');
        expect(ext.unknown).toEqual([bad]);
        expect(ext.suggestions[bad]?.[0]).toBe(first);
        expect(result.errors?.[0]?.message).toContain(`did you mean ${first}`);
      }
      const counts = await run(`{ eventCounts(groupBy: HOUR, filter: { eventTypes: ["NEW_PROC"] }) { key } }`);
      expect(counts.errors?.[0]?.extensions?.code).toBe('UNKNOWN_EVENT_TYPE');
      for (const field of ['descendants(atom: "word", orgId: $o, eventTypes: ["new_process"]) { totalCount }', 'event(atom: "word", orgId: $o) { children(eventTypes: ["NEW_PROC"]) { totalCount } }', 'event(atom: "word", orgId: $o) { descendants(eventTypes: ["NEW_PROC"]) { totalCount } }']) {
        const tree = await run(`query($o: String) { ${field} }`, { o: org });
        expect(tree.errors?.map((e) => e.extensions?.code)).toEqual(['UNKNOWN_EVENT_TYPE']);
      }
    });

    it('accepts a type the catalogue does not know when the graph holds it (a GenericEvent)', async () => {
      const result = await run(`query($o: [String!]) { events(filter: { orgIds: $o, eventTypes: ["ACME_CUSTOM_SIGNAL"] }) { totalCount nodes { __typename atom } } }`, { o: [org] });
      expect(result.errors).toBeUndefined();
      expect(result.data?.['events']).toEqual({ totalCount: 1, nodes: [{ __typename: 'GenericEvent', atom: 'custom' }] });
    });

    it('finds a host by its short name in any case, and counts what the file has for it', async () => {
      const expected = records.filter((r) => (r.routing['hostname'] as string).toLowerCase().split('.')[0] === 'workstation6').length;
      expect(expected).toBeGreaterThan(0);
      for (const name of ['WORKSTATION6', 'workstation6', 'Workstation6.TheShire.Local']) {
        const result = await run(`query($o: [String!], $h: [String!]) { events(filter: { orgIds: $o, hostnames: $h }, first: 1) { totalCount } sensors(filter: { orgIds: $o, hostnames: $h }) { nodes { hostname } } }`, { o: [org], h: [name] });
        expect(result.errors).toBeUndefined();
        expect((result.data?.['events'] as { totalCount: number }).totalCount).toBe(expected);
        expect(result.data?.['sensors']).toEqual({ nodes: [{ hostname: 'workstation6.theshire.local' }] });
      }
    });

    it('says plainly when a host name matches nothing, with the nearest hostnames, in searches, counts and sensors', async () => {
      for (const query of [
        `query($o: [String!]) { events(filter: { orgIds: $o, hostnames: ["workstation6", "WORKSTATON5"] }) { totalCount } }`,
        `query($o: [String!]) { eventCounts(groupBy: HOUR, filter: { orgIds: $o, hostnames: ["workstation6", "WORKSTATON5"] }) { key } }`,
        `query($o: [String!]) { sensors(filter: { orgIds: $o, hostnames: ["workstation6", "WORKSTATON5"] }) { totalCount } }`,
      ]) {
        const result = await run(query, { o: [org] });
        const ext = result.errors?.[0]?.extensions as { code: string; unknown: string[]; suggestions: Record<string, string[]> };
        expect(ext.code).toBe('UNKNOWN_HOST');
        expect(ext.unknown).toEqual(['WORKSTATON5']);
        expect(ext.suggestions['WORKSTATON5']).toContain('workstation5.theshire.local');
      }
    });

    it('counts hosts as sensors: one hostname in two orgs is two buckets, each with its org and sensor', async () => {
      const result = await run(`query($o: [String!]) { eventCounts(groupBy: HOSTNAME, filter: { orgIds: $o, hostnames: ["hand-host"], eventTypes: ["NEW_PROCESS", "REMOTE_PROCESS_HANDLE"] }) { key orgId sensorId count } }`, { o: [org, other] });
      expect(result.errors).toBeUndefined();
      // `org` holds the hand-made events and the extras, `other` the hand-made ones only.
      const countIn = (rs: { routing: { event_type: string } }[]) => rs.filter((r) => ['NEW_PROCESS', 'REMOTE_PROCESS_HANDLE'].includes(r.routing.event_type)).length;
      expect(new Set(result.data?.['eventCounts'] as unknown[])).toEqual(
        new Set([
          { key: 'HAND-HOST', orgId: org, sensorId: 'hand-sensor', count: countIn([...handMade, ...extra]) },
          { key: 'HAND-HOST', orgId: other, sensorId: 'hand-sensor', count: countIn(handMade) },
        ]),
      );
    });

    it('says when eventCounts cut buckets at its limit (extensions.warnings, TRUNCATED)', async () => {
      const types = new Set(records.map((r) => r.routing['event_type']));
      expect(types.size).toBeGreaterThan(2);
      const cut = await run(`query($o: [String!]) { eventCounts(groupBy: EVENT_TYPE, filter: { orgIds: $o }, limit: 2) { key } }`, { o: [org] });
      expect(cut.data?.['eventCounts']).toHaveLength(2);
      expect((cut as { extensions?: { warnings?: unknown[] } }).extensions?.warnings).toEqual([expect.objectContaining({ code: 'TRUNCATED', path: ['eventCounts'], limit: 2 })]);
      const whole = await run(`query($o: [String!]) { eventCounts(groupBy: EVENT_TYPE, filter: { orgIds: $o }, limit: 100) { key } }`, { o: [org] });
      expect((whole as { extensions?: unknown }).extensions).toBeUndefined();
    });
  });

  describe('what hunters asked for', () => {
    it('matches "Office spawning any shell" in one filter with the any-of forms', async () => {
      const result = await run(
        `query($o: [String!]) { events(filter: { orgIds: $o, eventTypes: ["NEW_PROCESS"], parentFilePath: { endsWithAny: ["\\\\winword.exe", "\\\\EXCEL.EXE"] },
           filePath: { endsWithAny: ["\\\\cmd.exe", "\\\\powershell.exe"] } }) { nodes { atom } } }`,
        { o: [org] },
      );
      expect(result.errors).toBeUndefined();
      expect((result.data?.['events'] as { nodes: { atom: string }[] }).nodes.map((n) => n.atom).sort()).toEqual(['fresh', 'ps']);
    });

    it('takes `in` as equals-any-of, counted against the file', async () => {
      const paths = ['C:\\Windows\\System32\\whoami.exe', 'c:\\windows\\system32\\CMD.EXE', 'C:\\nowhere.exe'];
      const lower = new Set(paths.map((p) => p.toLowerCase()));
      const expected = [...records, ...handMade, ...extra].filter((r) => r.routing['event_type'] === 'NEW_PROCESS' && lower.has(String(r.event['FILE_PATH'] ?? '').toLowerCase())).length;
      expect(expected).toBeGreaterThan(0);
      const result = await run(`query($o: [String!], $p: [String!]) { events(filter: { orgIds: $o, eventTypes: ["NEW_PROCESS"], filePath: { in: $p } }) { totalCount } }`, { o: [org], p: paths });
      expect(result.errors).toBeUndefined();
      expect((result.data?.['events'] as { totalCount: number }).totalCount).toBe(expected);
    });

    it('takes a relative range, last, in either form, and refuses a malformed one with a code', async () => {
      const count = async (last: string) => {
        const result = await run(`query($o: [String!], $l: String) { events(filter: { orgIds: $o, last: $l }) { nodes { atom } } }`, { o: [org], l: last });
        expect(result.errors).toBeUndefined();
        return (result.data?.['events'] as { nodes: { atom: string }[] }).nodes.map((n) => n.atom);
      };
      expect(await count('1h')).toEqual(['fresh']);
      expect(await count('PT2H')).toEqual(['fresh']);
      expect(await count('10m')).toEqual([]);
      for (const bad of ['1y', 'yesterday', 'P1M']) {
        const result = await run(`{ events(filter: { last: "${bad}" }) { totalCount } }`);
        expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      const both = await run(`{ events(filter: { last: "1h", from: "2020-01-01T00:00:00Z" }) { totalCount } }`);
      expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('takes last in the lateral movement filter too', async () => {
      const q = `query($o: [String!], $l: String) { lateralMovement(filter: { orgIds: $o, last: $l }) { connection { atom } } }`;
      const all = await run(q, { o: [org], l: '3650d' });
      expect(all.errors).toBeUndefined();
      expect((all.data?.['lateralMovement'] as unknown[]).length).toBeGreaterThan(0); // the capture's psexec hop
      const recent = await run(q, { o: [org], l: '1h' });
      expect(recent.data?.['lateralMovement']).toEqual([]);
      const bad = await run(q, { o: [org], l: 'P1Y' });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('counts by two keys, hour x event type, each bucket with its org, as the file implies', async () => {
      const expected = new Map<string, number>();
      for (const r of records) {
        const hour = new Date(Math.floor((r.routing['event_time'] as number) / 3_600_000) * 3_600_000).toISOString();
        const k = `${hour}|${r.routing['event_type'] as string}`;
        expected.set(k, (expected.get(k) ?? 0) + 1);
      }
      const result = await run(`query($o: [String!]) { eventCounts(groupBy: HOUR, thenBy: EVENT_TYPE, filter: { orgIds: $o, hostnames: ["workstation6", "workstation5"] }, limit: 500) { key thenKey orgId sensorId count } }`, { o: [org] });
      expect(result.errors).toBeUndefined();
      const buckets = result.data?.['eventCounts'] as { key: string; thenKey: string; orgId: string; sensorId: string | null; count: number }[];
      expect(new Map(buckets.map((b) => [`${b.key}|${b.thenKey}`, b.count]))).toEqual(expected);
      for (const b of buckets) expect([b.orgId, b.sensorId]).toEqual([org, null]);
      const keys = buckets.map((b) => b.key);
      expect(keys).toEqual([...keys].sort());
      const same = await run(`{ eventCounts(groupBy: HOUR, thenBy: HOUR) { key } }`);
      expect(same.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
