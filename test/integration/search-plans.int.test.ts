// The plans Neo4j picks for filtered searches (EXPLAIN, nothing runs): a search naming a host or a
// sensor must seek the (sid, type, time) or (sid, time) index, and one naming only an event type an
// index too (type or org), never walk every event. On a large graph that is the difference between
// milliseconds and seconds.
import { compileEventFilter, type EventFilter } from '../../src/graph/reader/event-filter';
import { FLOW_PEERS } from '../../src/graph/reader/lateral';
import { countQuery, searchQuery } from '../../src/graph/reader/search';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { explainPlan, type Plan } from '../helpers/plans';
import { testRuntime } from '../helpers/runtime';

describe('search plans', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  const plan = (cypher: string, params: Record<string, unknown>) => explainPlan(runtime, cypher, params);

  const seeks = (ops: Plan[]) => ops.filter((o) => o.operatorType.startsWith('NodeIndexSeek')).map((o) => String(o.arguments['Details']));
  const scans = (ops: Plan[]) => ops.filter((o) => /NodeByLabelScan|AllNodesScan/.test(o.operatorType) && String(o.arguments['Details']).includes(':Event'));

  const cases: [string, EventFilter, RegExp][] = [
    ['hostnames and types', { hostnames: ['WS-1'], eventTypes: ['DNS_REQUEST'] }, /e:Event\(sid, type, time\)/],
    ['hostnames', { hostnames: ['WS-1'] }, /e:Event\(sid, time\)/],
    ['sensorIds', { sensorIds: ['s-1'] }, /e:Event\(sid, time\)/],
    // The planner may prefer the org's (oid, time) index here, by its statistics; either is a seek.
    ['eventTypes only', { eventTypes: ['NEW_PROCESS'] }, /e:Event\((type|oid), time\)/],
  ];

  it.each(cases)('a search by %s seeks an index instead of scanning events', async (_name, filter, index) => {
    const { params, ...text } = compileEventFilter(filter, 'e', ['org-1']);
    for (const cypher of [searchQuery(text, 'TIME_DESC').cypher, countQuery(text, 'HOUR').cypher]) {
      const ops = await plan(cypher, { ...params, after: null, limit: 51n });
      expect(scans(ops)).toEqual([]);
      expect(seeks(ops).some((d) => index.test(d))).toBe(true);
    }
  });

  it("finds another host's report of a flow by seeking the flow index, in both directions, never by scanning events", async () => {
    const ops = await plan(FLOW_PEERS.cypher, { requests: [{ key: 0n, uid: 'org-1/a' }], orgs: null, flowTolerance: 300_000n });
    expect(scans(ops)).toEqual([]);
    expect(seeks(ops).filter((d) => /:Event\(srcIp, srcPort\)/.test(d))).toHaveLength(2);
  });
});
