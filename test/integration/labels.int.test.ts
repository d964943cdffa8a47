// Labels from input against a real Neo4j (issue 17, item 9): an event whose event_type is any
// label the model uses (read from the source's Cypher) is stored, but adds no host, changes no
// host count and takes no label beside :Event.
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { graphqlRunner } from '../helpers/api';
import { ingestLines } from '../helpers/ingest';
import { modelLabels } from '../helpers/model-labels';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

const HASH = 'a'.repeat(64);

describe('event types that are model labels', () => {
  let runtime: Runtime;
  const org = uniqueOrg('labels');
  const labels = modelLabels();
  const run = graphqlRunner(() => runtime);
  const host = (sid: string, atom: string, time: number) =>
    JSON.stringify({
      routing: { oid: org, sid, hostname: `${sid}.corp`, this: atom, event_type: 'NEW_PROCESS', event_time: time, int_ip: `10.0.0.${sid.length}` },
      event: { FILE_PATH: 'C:\\x.exe', HASH, PROCESS_ID: 4 },
    });
  const hostile = labels.map((label, i) =>
    JSON.stringify({
      // From a known host, or with no sensor at all: either way the event itself must not become a host.
      routing: { oid: org, ...(i % 2 ? { sid: 'host-1', hostname: 'host-1.corp' } : {}), this: `hostile-${label}`, parent: 'proc-1', event_type: label, event_time: 1_700_000_100_000 + i },
      event: { FILE_PATH: 'C:\\x.exe', HASH, PROCESS_ID: 8, uid: `${org}/host-1`, sid: 'host-1', kind: 'HASH' },
    }),
  );

  const counts = async () => {
    const result = await run(
      `query($o: String!, $h: String!) { sensors(filter: { orgIds: [$o] }) { totalCount } prevalence(kind: HASH, value: $h, orgId: $o) { hosts totalHosts } }`,
      { o: org, h: HASH },
    );
    expect(result.errors).toBeUndefined();
    return result.data;
  };

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, [host('host-1', 'proc-1', 1_700_000_000_000), host('host-22', 'proc-2', 1_700_000_000_001)]);
  });
  afterAll(async () => runtime.close());

  it('adds no host and changes no host count, and every such event is stored as a GenericEvent', async () => {
    expect(labels.length).toBeGreaterThanOrEqual(6);
    const before = await counts();
    expect(before).toEqual({ sensors: { totalCount: 2 }, prevalence: { hosts: 2, totalHosts: 2 } });
    const { summary, rejects } = await ingestLines(runtime.executor, hostile);
    expect(rejects).toEqual([]);
    expect(summary.stored).toBe(labels.length);
    expect(await counts()).toEqual(before);

    for (const label of labels) {
      const result = await run(`query($a: ID!, $o: String) { event(atom: $a, orgId: $o) { __typename eventType parent { atom } } }`, { a: `hostile-${label}`, o: org });
      expect(result.errors).toBeUndefined();
      expect(result.data?.['event']).toEqual({ __typename: 'GenericEvent', eventType: label, parent: { atom: 'proc-1' } });
    }
    const session = runtime.driver.session();
    try {
      const stored = await session.run('MATCH (e:Event) WHERE e.oid = $org AND e.type IN $labels RETURN e.type AS type, labels(e) AS labels', { org, labels });
      expect(stored.records.map((r) => [r.get('type'), r.get('labels')]).sort()).toEqual(labels.map((l) => [l, ['Event']]).sort());
    } finally {
      await session.close();
    }
  });
});
