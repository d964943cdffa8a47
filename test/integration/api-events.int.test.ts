// event(atom) and ancestors against a real Neo4j: typed fields equal to the input, ancestry equal to
// the chain computed from the file itself, missing parents visible, limits coded, and parents
// batched through DataLoader (round trips counted).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphExecutor } from '../../src/graph/executor';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { withOrg } from '../helpers/graph';
import { ingestLines } from '../helpers/ingest';
import { graphqlRunner } from '../helpers/api';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const shared = join(__dirname, '..', '..', '..', 'shared');
const dataset = readFileSync(join(shared, 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Rec);

describe('event and ancestors through GraphQL', () => {
  let runtime: Runtime;
  let queries = 0;
  let executor: GraphExecutor;
  const org = uniqueOrg('api');
  const records = withOrg(dataset, org);
  const byAtom = new Map(records.map((r) => [r.routing['this'] as string, r]));

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    const { rejects } = await ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)));
    expect(rejects).toEqual([]);
    executor = new GraphExecutor(runtime.driver, { database: runtime.config.NEO4J_DATABASE, timeoutMs: 30_000, onQuery: () => (queries += 1) });
  });
  afterAll(async () => runtime.close());

  const runQuery = graphqlRunner(() => runtime, () => executor);
  async function run(query: string, variables: Record<string, unknown> = {}) {
    queries = 0;
    return runQuery(query, variables);
  }

  it('returns a NEW_PROCESS with its typed fields equal to the input', async () => {
    const proc = records.find((r) => r.routing['event_type'] === 'NEW_PROCESS')!;
    const result = await run(
      `query($a: ID!, $o: String) { event(atom: $a, orgId: $o) { __typename atom eventType orgId hostname platform eventTime
        ... on NewProcess { commandLine filePath processId hash userName parent { __typename atom } } } }`,
      { a: proc.routing['this'], o: org },
    );
    expect(result.errors).toBeUndefined();
    const e = result.data?.['event'] as Record<string, unknown>;
    expect(e).toMatchObject({
      __typename: 'NewProcess',
      atom: proc.routing['this'],
      eventType: 'NEW_PROCESS',
      orgId: org,
      hostname: proc.routing['hostname'],
      platform: 'WINDOWS',
      eventTime: new Date(proc.routing['event_time'] as number).toISOString(),
      commandLine: proc.event['COMMAND_LINE'],
      filePath: proc.event['FILE_PATH'],
      processId: proc.event['PROCESS_ID'],
      hash: proc.event['HASH'],
    });
    const parentAtom = proc.routing['parent'] as string;
    expect((e['parent'] as { __typename: string; atom: string }).atom).toBe(parentAtom);
    expect((e['parent'] as { __typename: string }).__typename).toBe(byAtom.has(parentAtom) ? 'NewProcess' : 'MissingEvent');
  });

  it('walks ancestry nearest first to the root or a missing parent, as the file implies', async () => {
    // The event with the longest chain in the file, computed here from routing alone.
    const chainOf = (atom: string): string[] => {
      const chain: string[] = [];
      let current = byAtom.get(atom)?.routing['parent'] as string | undefined;
      while (current && !chain.includes(current)) {
        chain.push(current);
        current = byAtom.get(current)?.routing['parent'] as string | undefined;
      }
      return chain;
    };
    const deepest = [...byAtom.keys()].map((a) => ({ a, chain: chainOf(a) })).sort((x, y) => y.chain.length - x.chain.length)[0]!;
    expect(deepest.chain.length).toBeGreaterThan(1);
    const result = await run(`query($a: ID!, $o: String) { ancestors(atom: $a, orgId: $o) { __typename atom parent { atom } } }`, { a: deepest.a, o: org });
    expect(result.errors).toBeUndefined();
    const got = result.data?.['ancestors'] as { __typename: string; atom: string }[];
    expect(got.map((e) => e.atom)).toEqual(deepest.chain);
    const last = got[got.length - 1]!;
    expect(last.__typename).toBe(byAtom.has(last.atom) ? expect.any(String) : 'MissingEvent');
    // The chain (found by atom in the same statement) + one batched load of every parent: 2 round
    // trips whatever the depth.
    expect(queries).toBe(2);
    expect(result.extensions).toBeUndefined();
    // Cut short by maxDepth, the answer says the chain goes on (it has a parent above the cut).
    const cut = await run(`query($a: ID!, $o: String) { ancestors(atom: $a, orgId: $o, maxDepth: 1) { atom } event(atom: $a, orgId: $o) { ancestors(maxDepth: 1) { atom } } }`, { a: deepest.a, o: org });
    expect(cut.data?.['ancestors']).toEqual([{ atom: deepest.chain[0] }]);
    expect(cut.extensions?.warnings?.map((w) => [w.code, w.path])).toEqual([
      ['TRUNCATED', ['ancestors']],
      ['TRUNCATED', ['event', 'ancestors']],
    ]);
  });

  it('puts the event itself first with includeSelf, on the root field and on the Event field', async () => {
    const proc = records.find((r) => r.routing['event_type'] === 'NEW_PROCESS' && byAtom.has(r.routing['parent'] as string))!;
    const atom = proc.routing['this'] as string;
    const parent = proc.routing['parent'] as string;
    const result = await run(
      `query($a: ID!, $o: String) { ancestors(atom: $a, orgId: $o, includeSelf: true, maxDepth: 1) { atom }
         event(atom: $a, orgId: $o) { ancestors(includeSelf: true, maxDepth: 1) { atom } without: ancestors(maxDepth: 1) { atom } } }`,
      { a: atom, o: org },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.['ancestors']).toEqual([{ atom }, { atom: parent }]);
    expect(result.data?.['event']).toEqual({ ancestors: [{ atom }, { atom: parent }], without: [{ atom: parent }] });
  });

  it('refuses an atom that exists in two of the caller\'s orgs without orgId, naming both (AMBIGUOUS_ATOM)', async () => {
    // Two orgs of their own, so the other tests' pages of `org` stay as the file makes them.
    const first = uniqueOrg('api-first');
    const second = uniqueOrg('api-second');
    const atom = `twice-${first}`;
    const line = (oid: string) => JSON.stringify({ routing: { this: atom, event_type: 'NEW_PROCESS', event_time: 1700000000000, oid, sid: 's1', hostname: 'h1' }, event: { FILE_PATH: 'C:\\x.exe' } });
    await ingestLines(runtime.executor, [line(first), line(second)]);
    for (const query of [`{ event(atom: "${atom}") { atom } }`, `{ ancestors(atom: "${atom}") { atom } }`, `{ descendants(atom: "${atom}") { totalCount } }`]) {
      const result = await run(query);
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'AMBIGUOUS_ATOM', orgIds: [first, second].sort() });
      expect(result.errors?.[0]?.message).toContain(first);
    }
    const picked = await run(`query($o: String) { event(atom: "${atom}", orgId: $o) { orgId } }`, { o: second });
    expect(picked.data?.['event']).toEqual({ orgId: second });
  });

  it('returns 64-bit integers with every digit', async () => {
    const oob = `{"routing":{"this":"oob-api","event_type":"EXEC_OOB","event_time":1456254033000,"oid":"${org}"},"event":{"PROCESS_ID":1,"STACK_TRACES":[{"STACK_TRACE_FRAMES":[{"STACK_TRACE_FRAME_PC":4035225266123964416}],"THREAD_ID":4708}]}}`;
    await ingestLines(runtime.executor, [oob]);
    const result = await run(`query($o: String) { event(atom: "oob-api", orgId: $o) { ... on ExecOob { stackTraces { threadId stackTraceFrames { stackTraceFramePc } } } raw } }`, { o: org });
    expect(result.errors).toBeUndefined();
    const e = result.data?.['event'] as { stackTraces: { stackTraceFrames: { stackTraceFramePc: string }[] }[]; raw: { event: { STACK_TRACES: { STACK_TRACE_FRAMES: { STACK_TRACE_FRAME_PC: string }[] }[] } } };
    expect(e.stackTraces[0]?.stackTraceFrames[0]?.stackTraceFramePc).toBe('4035225266123964416');
    expect(e.raw.event.STACK_TRACES[0]?.STACK_TRACE_FRAMES[0]?.STACK_TRACE_FRAME_PC).toBe('4035225266123964416');
  });

  it('loads the parents and hosts of 100 events in one round trip each (DataLoader)', async () => {
    const result = await run(`query($o: [String!]) { events(filter: { orgIds: $o }, first: 100) { nodes { atom parent { atom } sensor { hostname } } } }`, { o: [org] });
    expect(result.errors).toBeUndefined();
    const nodes = (result.data?.['events'] as { nodes: { atom: string; parent: { atom: string } | null; sensor: { hostname: string } }[] }).nodes;
    expect(nodes).toHaveLength(100);
    for (const n of nodes) {
      expect(n.parent?.atom ?? null).toBe((byAtom.get(n.atom)?.routing['parent'] as string | undefined) ?? null);
      expect(n.sensor.hostname).toBe(byAtom.get(n.atom)?.routing['hostname']);
    }
    // the search, one batch of parents, one batch of sensors
    expect(queries).toBe(3);
  });

  it('refuses a maxDepth above the cap with LIMIT_EXCEEDED and runs no query', async () => {
    const result = await run(`{ ancestors(atom: "x", maxDepth: 100000) { atom } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(queries).toBe(0);
  });

  it('answers null for an unknown atom', async () => {
    const result = await run(`{ event(atom: "no-such-atom") { atom } }`);
    expect(result.data?.['event']).toBeNull();
  });
});
