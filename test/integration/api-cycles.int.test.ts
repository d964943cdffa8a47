// PARENT cycles cannot happen in a sensor's own telemetry, but hand-made or corrupted input can
// hold them: ancestry and trees must end, list each event once, and never call an event its own
// ancestor or descendant.
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { ingestLines } from '../helpers/ingest';
import { graphqlRunner } from '../helpers/api';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

describe('PARENT cycles', () => {
  let runtime: Runtime;
  const org = uniqueOrg('cycles');
  const event = (atom: string, parent: string, time: number) =>
    JSON.stringify({ routing: { this: atom, parent, event_type: 'NEW_PROCESS', event_time: time, oid: org, sid: 's1', hostname: 'h1' }, event: { PROCESS_ID: time } });
  // c1 -> c2 -> c3 -> c1 (each line names its parent), and an event that is its own parent.
  const lines = [event('c1', 'c2', 1), event('c2', 'c3', 2), event('c3', 'c1', 3), event('self', 'self', 4)];

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, lines);
  });
  afterAll(async () => runtime.close());

  const run = graphqlRunner(() => runtime);

  it('walks ancestors round the cycle once, nearest first, without the start', async () => {
    const result = await run(`query($o: String) { a: ancestors(atom: "c1", orgId: $o) { atom } b: ancestors(atom: "c3", orgId: $o) { atom } }`, { o: org });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['a']).toEqual([{ atom: 'c2' }, { atom: 'c3' }]);
    expect(result.data?.['b']).toEqual([{ atom: 'c1' }, { atom: 'c2' }]);
  });

  it('walks descendants round the cycle once, with depths, without the root', async () => {
    const result = await run(`query($o: String) { descendants(atom: "c1", orgId: $o) { totalCount edges { depth node { atom } } } }`, { o: org });
    expect(result.errors).toBeUndefined();
    // c1's child is c3 (c3 names c1 as parent), whose child is c2.
    expect(result.data?.['descendants']).toEqual({ totalCount: 2, edges: [{ depth: 1, node: { atom: 'c3' } }, { depth: 2, node: { atom: 'c2' } }] });
  });

  it('shows an event that is its own parent as such, with no ancestors or descendants', async () => {
    const result = await run(`query($o: String) { event(atom: "self", orgId: $o) { atom parentAtom parent { atom } ancestors { atom } descendants { totalCount } } }`, { o: org });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['event']).toEqual({ atom: 'self', parentAtom: 'self', parent: { atom: 'self' }, ancestors: [], descendants: { totalCount: 0 } });
  });
});
