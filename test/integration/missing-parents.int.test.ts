// Missing parents that say what is known about them, against a real Neo4j: what the children's
// snapshots (NEW_PROCESS's PARENT, a handle's SOURCE/TARGET) and routing say of a process that never
// arrived, the chain going on above it, one answer whatever the arrival order, and the real event
// replacing all of it when it does arrive. Expectations are computed from the input files here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { expectedGraph, graphDump, withOrg } from '../helpers/graph';
import { ingestLines, shuffled } from '../helpers/ingest';
import { graphqlRunner } from '../helpers/api';
import { withInnerEvents } from '../helpers/routing-graph';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const shared = join(__dirname, '..', '..', '..', 'shared');
const jsonl = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Rec);
const psexec = jsonl(join(shared, 'datasets', 'otrf-empire-psexec.jsonl'));
const secops = jsonl(join(shared, 'samples', 'secops-doc-edr-samples.jsonl'));
const handles = jsonl(join(shared, 'samples', 'lc-doc-handle-and-thread.jsonl'));

const MISSING_FIELDS = `__typename atom ... on MissingEvent { knownFrom knownFromEvent { atom } filePath commandLine processId userName hash hostname sensorId parentAtom sensor { sensorId } }`;

interface Missing {
  __typename: string;
  atom: string;
  knownFrom: string | null;
  knownFromEvent: { atom: string } | null;
  filePath: string | null;
  commandLine: string | null;
  processId: number | null;
  userName: string | null;
  hash: string | null;
  hostname: string | null;
  sensorId: string | null;
  parentAtom: string | null;
  sensor: { sensorId: string } | null;
}

/** The ancestry the file implies: routing.parent for events that arrived, a snapshot's PARENT_ATOM above a missing one. */
function ancestryOf(records: readonly Rec[], atom: string): string[] {
  const { snapshotParents } = expectedGraph(records);
  const parentOf = new Map(withInnerEvents(records).all.map((r) => [r.routing['this'] as string, r.routing['parent'] as string | undefined]));
  const chain: string[] = [];
  let at: string | undefined = atom;
  for (;;) {
    const next: string | undefined = parentOf.has(at) ? parentOf.get(at) : snapshotParents.get(at);
    if (!next || chain.includes(next) || next === atom) return chain;
    chain.push(next);
    at = next;
  }
}

describe('missing parents through GraphQL', () => {
  let runtime: Runtime;
  const run = graphqlRunner(() => runtime);
  const event = async (atom: string, org: string, fields = MISSING_FIELDS) => {
    const result = await run(`query($a: ID!, $o: String) { event(atom: $a, orgId: $o) { ${fields} } }`, { a: atom, o: org });
    expect(result.errors).toBeUndefined();
    return result.data?.['event'] as Missing & Record<string, unknown>;
  };
  const ancestors = async (atom: string, org: string) => {
    const result = await run(`query($a: ID!, $o: String) { ancestors(atom: $a, orgId: $o) { ${MISSING_FIELDS} } }`, { a: atom, o: org });
    expect(result.errors).toBeUndefined();
    return result.data?.['ancestors'] as Missing[];
  };
  const load = async (records: readonly Rec[], batchSize?: number) => {
    const { rejects } = await ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)), batchSize);
    expect(rejects).toEqual([]);
  };

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  it('on the psexec capture, every parent that never arrived shows what its children report of it', async () => {
    const org = uniqueOrg('missing-psexec');
    const records = withOrg(psexec, org);
    await load(records);
    const arrived = new Set(records.map((r) => r.routing['this'] as string));
    const missing = [...new Set(records.map((r) => r.routing['parent'] as string).filter((p) => p && !arrived.has(p)))];
    let described = 0;
    for (const atom of missing) {
      const naming = records.filter((r) => r.routing['parent'] === atom || r.routing['target'] === atom);
      const snapshots = records.filter((r) => r.routing['parent'] === atom && r.routing['event_type'] === 'NEW_PROCESS' && typeof r.event['PARENT'] === 'object' && r.event['PARENT'] !== null);
      const got = await event(atom, org);
      expect(got.__typename).toBe('MissingEvent');
      // A parent is on its children's host.
      const hosts = new Set(naming.map((r) => `${r.routing['sid'] as string} ${r.routing['hostname'] as string}`));
      expect(hosts.size).toBe(1);
      expect(`${got.sensorId} ${got.hostname}`).toBe([...hosts][0]);
      expect(got.sensor?.sensorId).toBe(got.sensorId);
      if (snapshots.length === 0) {
        expect(got).toMatchObject({ knownFrom: 'ROUTING', filePath: null, commandLine: null, processId: null, userName: null, hash: null, parentAtom: null });
        expect(got.knownFromEvent?.atom).toBe(naming.map((r) => r.routing['this'] as string).sort()[0]);
        continue;
      }
      described += 1;
      const said = (key: string) => [...new Set(snapshots.map((r) => (r.event['PARENT'] as Record<string, unknown>)[key] ?? null))];
      // The capture's children agree about their parent; the graph shows what they say.
      for (const key of ['FILE_PATH', 'COMMAND_LINE', 'PROCESS_ID']) expect(said(key)).toHaveLength(1);
      expect(got).toMatchObject({
        knownFrom: 'SNAPSHOT',
        filePath: said('FILE_PATH')[0],
        commandLine: said('COMMAND_LINE')[0],
        processId: said('PROCESS_ID')[0],
        userName: said('USER_NAME')[0],
        hash: said('HASH')[0],
        parentAtom: said('PARENT_ATOM')[0],
      });
      expect(got.knownFromEvent?.atom).toBe(snapshots.map((r) => r.routing['this'] as string).sort()[0]);
    }
    expect(missing.length).toBeGreaterThan(0);
    expect(described).toBeGreaterThan(0);
  });

  it('on the psexec capture, the ancestry of every process under a missing parent is what the file implies', async () => {
    const org = uniqueOrg('missing-psexec-up');
    const records = withOrg(psexec, org);
    await load(records);
    const arrived = new Set(records.map((r) => r.routing['this'] as string));
    const under = records.filter((r) => r.routing['event_type'] === 'NEW_PROCESS' && !arrived.has(r.routing['parent'] as string));
    expect(under.length).toBeGreaterThan(0);
    for (const r of under) {
      const chain = await ancestors(r.routing['this'] as string, org);
      expect(chain.map((a) => a.atom)).toEqual(ancestryOf(records, r.routing['this'] as string));
      expect(chain[0]).toMatchObject({ __typename: 'MissingEvent', knownFrom: 'SNAPSHOT', filePath: (r.event['PARENT'] as Record<string, unknown>)['FILE_PATH'] });
    }
  });

  it('goes on above a missing process to the parent its snapshot names (NEW_PROCESS PARENT, handle SOURCE and TARGET)', async () => {
    const org = uniqueOrg('missing-up');
    const records = withOrg([...secops, ...handles], org);
    await load(records);
    const arrived = new Set(withInnerEvents(records).all.map((r) => r.routing['this'] as string));
    const expected = expectedGraph(records);
    expect(expected.snapshotParents.size).toBeGreaterThan(0);
    for (const r of records) {
      const atom = r.routing['this'] as string | undefined;
      if (!atom) continue;
      const want = ancestryOf(records, atom);
      const chain = await ancestors(atom, org);
      expect(chain.map((a) => a.atom)).toEqual(want);
      for (const a of chain) expect(a.__typename === 'MissingEvent').toBe(!arrived.has(a.atom));
    }
    // The secops NEW_PROCESS: its parent is described by its PARENT snapshot, which names the grandparent.
    const child = records.find((r) => r.routing['event_type'] === 'NEW_PROCESS')!;
    const snap = child.event['PARENT'] as Record<string, unknown>;
    const [parent, grandparent] = await ancestors(child.routing['this'] as string, org);
    expect(parent).toMatchObject({
      atom: snap['THIS_ATOM'],
      knownFrom: 'SNAPSHOT',
      filePath: snap['FILE_PATH'],
      commandLine: snap['COMMAND_LINE'],
      processId: snap['PROCESS_ID'],
      userName: snap['USER_NAME'],
      hash: snap['HASH'],
      parentAtom: snap['PARENT_ATOM'],
      hostname: child.routing['hostname'],
      sensorId: child.routing['sid'],
      knownFromEvent: { atom: child.routing['this'] },
    });
    // Nothing describes the grandparent itself: only its atom is known.
    expect(grandparent).toMatchObject({ __typename: 'MissingEvent', atom: snap['PARENT_ATOM'], knownFrom: null, filePath: null, hostname: null, knownFromEvent: null });
    // A handle's target is described by its TARGET snapshot; its parent by its SOURCE (the smaller of the two events' keys).
    const handle = records.find((r) => r.routing['event_type'] === 'REMOTE_PROCESS_HANDLE' && r.event['TARGET'])!;
    const got = await event(handle.routing['this'] as string, org, `target { ${MISSING_FIELDS} parent { atom } } parent { ${MISSING_FIELDS} }`);
    const target = handle.event['TARGET'] as Record<string, unknown>;
    expect(got['target']).toMatchObject({ atom: target['THIS_ATOM'], knownFrom: 'SNAPSHOT', filePath: target['FILE_PATH'], userName: target['USER_NAME'], hash: target['HASH'], parentAtom: target['PARENT_ATOM'], parent: { atom: target['PARENT_ATOM'] } });
    const sources = records.filter((r) => r.routing['parent'] === handle.routing['parent'] && r.event['SOURCE']).map((r) => r.routing['this'] as string).sort();
    expect(got['parent']).toMatchObject({ knownFrom: 'SNAPSHOT', filePath: (handle.event['SOURCE'] as Record<string, unknown>)['FILE_PATH'], knownFromEvent: { atom: sources[0] } });
  });

  // Children that disagree about their parent (hand-made): the same one wins in any order.
  const routing = (org: string, atom: string, type: string, parent?: string) => ({
    oid: org, sid: 'sensor-1', hostname: 'host-1', this: atom, event_type: type, event_time: 1_700_000_000_000, event_id: `id-${atom}`, ...(parent ? { parent } : {}),
  });
  const child = (org: string, atom: string, path: string, grandparent: string): Rec => ({
    routing: routing(org, atom, 'NEW_PROCESS', 'p'),
    event: { FILE_PATH: `c:\\${atom}.exe`, PROCESS_ID: 10, PARENT: { FILE_PATH: path, COMMAND_LINE: `${path} -x`, PROCESS_ID: 7, USER_NAME: 'u', THIS_ATOM: 'p', PARENT_ATOM: grandparent } },
  });
  const disagreeing = (org: string): Rec[] => [
    child(org, 'c3', 'c:\\three.exe', 'g3'),
    child(org, 'c2', 'c:\\two.exe', 'g2'),
    child(org, 'c4', 'c:\\four.exe', 'g4'),
    // Names p without a snapshot, with the smallest key: a snapshot still wins over it.
    { routing: routing(org, 'a0', 'MODULE_LOAD', 'p'), event: { FILE_PATH: 'c:\\x.dll' } },
    // Its THIS_ATOM names another process: its fields count, its atoms do not.
    { routing: routing(org, 'c5', 'NEW_PROCESS', 'p'), event: { PARENT: { FILE_PATH: 'c:\\five.exe', THIS_ATOM: 'other', PARENT_ATOM: 'g5' } } },
  ];

  it('builds one graph whatever order children that disagree about their parent arrive in; the smallest key with a snapshot wins', async () => {
    const orgs = ['in-order', 'reversed', 'shuffled', 'one-by-one'].map((o) => uniqueOrg(`missing-${o}`));
    await load(disagreeing(orgs[0]!));
    await load([...disagreeing(orgs[1]!)].reverse());
    await load(shuffled([...disagreeing(orgs[2]!), ...disagreeing(orgs[2]!).slice(0, 2)], 7), 2);
    for (const r of shuffled(disagreeing(orgs[3]!), 3)) await load([r]);
    const dumps = await Promise.all(orgs.map((o) => graphDump(runtime.driver, o)));
    for (const d of dumps.slice(1)) expect(d).toEqual(dumps[0]);

    const got = await event('p', orgs[3]!);
    expect(got).toMatchObject({ knownFrom: 'SNAPSHOT', filePath: 'c:\\two.exe', commandLine: 'c:\\two.exe -x', processId: 7, userName: 'u', parentAtom: 'g2', knownFromEvent: { atom: 'c2' } });
    expect((await ancestors('c4', orgs[3]!)).map((a) => a.atom)).toEqual(['p', 'g2']);
    // The losers' grandparents are not left behind, and p has one link up.
    const placeholders = dumps[3]!.filter((l) => / Event \[/.test(l) && l.includes('["placeholder",true]')).map((l) => l.split(' ')[1]);
    expect(placeholders.sort()).toEqual(['g2', 'p']);
    expect(dumps[3]!.filter((l) => l.startsWith('E p -PARENT->'))).toEqual(['E p -PARENT-> g2 [["snapshot",true]]']);
  });

  it('lets the parent, when it arrives, replace everything its children said of it: fields, host and links', async () => {
    const orgs = ['children-first', 'parent-first', 'one-batch'].map((o) => uniqueOrg(`missing-${o}`));
    const parent = (org: string): Rec => ({ routing: { ...routing(org, 'p', 'NEW_PROCESS', 'real-gp'), sid: 'sensor-2', hostname: 'host-2' }, event: { FILE_PATH: 'c:\\real.exe', PROCESS_ID: 99 } });
    await load(disagreeing(orgs[0]!));
    const before = await event('p', orgs[0]!);
    expect(before).toMatchObject({ __typename: 'MissingEvent', knownFrom: 'SNAPSHOT', parentAtom: 'g2' });
    await load([parent(orgs[0]!)]);
    await load([parent(orgs[1]!)]);
    await load(disagreeing(orgs[1]!));
    await load(shuffled([...disagreeing(orgs[2]!), parent(orgs[2]!)], 11));
    const dumps = await Promise.all(orgs.map((o) => graphDump(runtime.driver, o)));
    for (const d of dumps.slice(1)) expect(d).toEqual(dumps[0]);

    const node = dumps[0]!.find((l) => l.startsWith('N p '))!;
    for (const gone of ['snapshot', 'snapshotFrom', 'commandLine', 'userName']) expect(node).not.toContain(`"${gone}"`);
    expect(node).toContain('"host-2"');
    expect(dumps[0]!.filter((l) => /^E p -(PARENT|TARGET)->/.test(l))).toEqual(['E p -PARENT-> real-gp []']);
    expect(dumps[0]!.some((l) => l.startsWith('N g2 '))).toBe(false);
    const after = await event('p', orgs[0]!, `__typename hostname parentAtom ... on NewProcess { filePath processId }`);
    expect(after).toEqual({ __typename: 'NewProcess', hostname: 'host-2', parentAtom: 'real-gp', filePath: 'c:\\real.exe', processId: 99 });
    expect((await ancestors('c2', orgs[0]!)).map((a) => a.atom)).toEqual(['p', 'real-gp']);
  });
});
