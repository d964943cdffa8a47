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

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, [...records, ...handMade].map((r) => JSON.stringify(r)));
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
    for (const r of [...records, ...handMade]) perHost.set(r.routing['sid'] as string, (perHost.get(r.routing['sid'] as string) ?? 0) + 1);
    expect(c.totalCount).toBe(perHost.size);
    for (const n of c.nodes) expect(n.eventCount).toBe(perHost.get(n.sensorId));
    expect(c.nodes.find((n) => n.sensorId === dataset[0]!.routing['sid'])?.platform).toBe('WINDOWS');
  });

  it('keeps injection attempts as plain values', async () => {
    const evil = `") OR 1=1 WITH e MATCH (n) DETACH DELETE n //`;
    const result = await run(`query($v: String!) { events(filter: { commandLine: { contains: $v }, hostnames: [$v], eventTypes: [$v] }) { totalCount } }`, { v: evil });
    expect(result.errors).toBeUndefined();
    expect((result.data?.['events'] as { totalCount: number }).totalCount).toBe(0);
    const still = await run(`query($o: [String!]) { events(filter: { orgIds: $o }) { totalCount } }`, { o: [org] });
    expect((still.data?.['events'] as { totalCount: number }).totalCount).toBe(records.length + handMade.length);
  });
});
