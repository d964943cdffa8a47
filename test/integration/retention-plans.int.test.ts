// What retention's two phases cost readers and itself, in plans (EXPLAIN, nothing runs): the
// predicate every reader adds so as to leave out events being deleted (NOT x:Pruning, scope.ts)
// changes no index a statement seeks; and phase 1 walks the time index in its own order, with no
// sort, so each batch costs the same however many were marked before it.
import type { NamedQuery } from '../../src/graph/executor';
import { MARK_EVENTS_ALL, MARK_EVENTS_ORG } from '../../src/graph/prune/statements';
import { ANCESTORS, EVENT_BY_ATOM, EVENTS_BY_UID } from '../../src/graph/reader/events';
import { compileEventFilter } from '../../src/graph/reader/event-filter';
import { SIGHTING_EVENTS } from '../../src/graph/reader/sightings';
import { searchQuery } from '../../src/graph/reader/search';
import { CHILDREN, descendantsPageQuery } from '../../src/graph/reader/trees';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { explainPlan, type Plan } from '../helpers/plans';
import { testRuntime } from '../helpers/runtime';

describe('retention plans', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  const plan = (cypher: string, params: Record<string, unknown>) => explainPlan(runtime, cypher, params);

  /** Index seeks and scans of a plan: the access paths the predicate must not change. */
  const access = (ops: Plan[]) =>
    ops
      .filter((o) => /IndexSeek|IndexScan|LabelScan|AllNodesScan|ByElementId|ById/.test(o.operatorType))
      .map((o) => `${o.operatorType.replace(/@.*/, '')} ${String(o.arguments['Details']).replace(/\s+/g, ' ')}`)
      .sort();

  const filter = compileEventFilter({ sensorIds: ['s-1'], eventTypes: ['NEW_PROCESS'] }, 'e', ['org-1']);
  const statements: [string, NamedQuery, Record<string, unknown>][] = [
    ['event by atom', EVENT_BY_ATOM, { atom: 'a', orgs: ['org-1'], orgId: null }],
    ['events by uid', EVENTS_BY_UID, { uids: ['org-1/a'], orgs: null }],
    ['ancestors', ANCESTORS, { uid: 'org-1/a', maxDepth: 64n, orgs: null }],
    ['descendants page', descendantsPageQuery(3), { uid: 'org-1/a', types: null, after: null, limit: 100n, orgs: null }],
    ['children', CHILDREN, { keys: [{ key: 0n, uid: 'org-1/a', types: null, after: null, limit: 50n }], orgs: null }],
    ['sighting events', SIGHTING_EVENTS, { indicatorUid: 'i', sid: 's-1', after: null, limit: 20n, orgs: null }],
    ['search by sensor and type', searchQuery(filter, 'TIME_DESC'), { ...filter.params, after: null, limit: 51n }],
  ];

  it.each(statements)('%s seeks the same indexes with the retention predicate as without it', async (_name, query, params) => {
    expect(query.cypher).toMatch(/NOT \w+:Pruning/);
    const without = query.cypher.replace(/NOT (\w+):Pruning/g, 'true');
    const [withLive, withoutLive] = [await plan(query.cypher, params), await plan(without, params)];
    expect(access(withLive)).toEqual(access(withoutLive));
  });

  it.each([
    ['the fleet', MARK_EVENTS_ALL, { before: 1n, from: 0n, limit: 1000n }, /e:Event\(time\)/],
    ['one org', MARK_EVENTS_ORG, { org: 'org-1', before: 1n, from: 0n, limit: 1000n }, /e:Event\(oid, time\)/],
  ] as const)('phase 1 for %s seeks the time index in order, without sorting', async (_name, query, params, index) => {
    const ops = await plan(query.cypher, params);
    expect(ops.filter((o) => o.operatorType.startsWith('NodeIndexSeek')).map((o) => String(o.arguments['Details'])).some((d) => index.test(d))).toBe(true);
    expect(ops.filter((o) => /Sort|Top/.test(o.operatorType)).map((o) => o.operatorType)).toEqual([]);
  });
});
