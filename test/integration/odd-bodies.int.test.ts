// Issue 16 section 5 and issue 17 item 12 against a real Neo4j: every odd body value the catalogue
// implies (test/helpers/odd-bodies.ts) goes through the real pipeline; each event is stored with
// its PARENT and TARGET edges and `raw` exactly as sent, its typed GraphQL fields read null (or the
// exact conversion) without an error, and the warnings reach every answer and the metrics.
import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { fieldsOf, eventTypeSpec } from '../../src/catalogue';
import { createMetrics } from '../../src/api/metrics';
import { eventFieldName } from '../../src/api/schema/event-types';
import { startServer, type RunningServer } from '../../src/api/server';
import { parseConfig } from '../../src/config/env';
import { migrate } from '../../src/graph/schema/migrate';
import { ingest, type Reject, type Warning } from '../../src/ingest/pipeline';
import { readBuffer } from '../../src/ingest/read';
import type { Runtime } from '../../src/runtime';
import { graphqlRunner } from '../helpers/api';
import { ingestLines } from '../helpers/ingest';
import { oddCases, oddRecord, type OddCase } from '../helpers/odd-bodies';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

/** What GraphQL's JSON `raw` should be: the text parsed, integers beyond 2^53 as their digits. */
const asSent = (text: string): unknown => parseLossless(text, undefined, (n: string) => (isSafeNumber(n) ? Number(n) : n));

describe('odd body values through the pipeline into Neo4j', () => {
  let runtime: Runtime;
  const org = uniqueOrg('odd');
  const cases = oddCases();
  const records = cases.map((c, i) => ({ c, ...oddRecord(c, i, org) }));
  // Pages big enough for one type's cases in one query.
  const run = graphqlRunner(() => ({ ...runtime, config: { ...runtime.config, API_MAX_PAGE: 2_000, GRAPHQL_MAX_COST: 10_000_000, GRAPHQL_MAX_TOKENS: 100_000 } }));

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  it('stores every case with its edges and raw as sent, and counts a warning for each value that does not fit', async () => {
    const rejects: Reject[] = [];
    const warnings: Warning[] = [];
    // One batch at a time: this suite runs on a shared, busy machine, and 3,500 events need no speed.
    const summary = await ingest(readBuffer(Buffer.from(records.map((r) => r.text).join('\n')), 'test'), {
      executor: runtime.executor,
      batchSize: 250,
      concurrency: 1,
      onReject: (r) => rejects.push(r),
      onWarning: (w) => warnings.push(w),
    });
    expect(rejects).toEqual([]);
    expect(summary.stored).toBe(cases.length);
    const misfits = cases.filter((c) => c.outcome !== 'fits');
    expect(summary.warnings).toBe(misfits.length);
    expect(warnings.map((w) => `${w.line} ${w.field}`)).toEqual(
      records.flatMap((r, i) => (r.c.outcome === 'fits' ? [] : [`${i + 1} ${r.c.path}`])),
    );

    const session = runtime.driver.session();
    try {
      const result = await session.run(
        `MATCH (e:Event) WHERE e.oid = $org AND e.placeholder = false
         OPTIONAL MATCH (e)-[:PARENT]->(p:Event) OPTIONAL MATCH (e)-[:TARGET]->(t:Event)
         RETURN e.atom AS atom, e.raw AS raw, collect(DISTINCT p.atom) AS parents, collect(DISTINCT t.atom) AS targets`,
        { org },
      );
      const stored = new Map(result.records.map((r) => [r.get('atom') as string, { raw: r.get('raw') as string, parents: r.get('parents') as string[], targets: r.get('targets') as string[] }]));
      expect(stored.size).toBe(records.length);
      const wrong = records.filter((r) => {
        const s = stored.get(r.atom);
        return !s || s.raw !== r.text || s.parents.join() !== r.parent || s.targets.join() !== r.target;
      });
      expect(wrong.map((r) => `${r.c.eventType} ${r.c.path} ${r.c.kind}`)).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('answers every typed field without an error: null where the value did not fit, the exact conversion where there is one, raw as sent', async () => {
    const byType = new Map<string, typeof records>();
    for (const r of records) byType.set(r.c.eventType, [...(byType.get(r.c.eventType) ?? []), r]);
    const failures: string[] = [];
    for (const [type, list] of byType) {
      const spec = eventTypeSpec(type)!;
      const fields = fieldsOf(spec.fields);
      const selection = fields
        .map((f) => {
          const name = eventFieldName(f.key, f.graphqlName);
          const objectish = f.type.kind === 'object' || (f.type.kind === 'list' && f.type.of.kind === 'object');
          return objectish ? `${name} { __typename }` : name;
        })
        .join(' ');
      const query = `query($o: [String!], $t: [String!]) { events(filter: { orgIds: $o, eventTypes: $t }, first: 2000) {
        nodes { atom raw ${fields.length > 0 ? `... on ${spec.graphqlName} { ${selection} }` : ''} } } }`;
      const result = await run(query, { o: [org], t: [type] });
      if (result.errors) {
        failures.push(`${type}: ${JSON.stringify(result.errors)}`);
        continue;
      }
      const nodes = (result.data?.['events'] as { nodes: Record<string, unknown>[] }).nodes;
      const byAtom = new Map(nodes.map((n) => [n['atom'] as string, n]));
      for (const r of list) {
        const node = byAtom.get(r.atom);
        const label = `${type} ${r.c.path} ${r.c.kind}`;
        if (!node) {
          failures.push(`${label}: not found`);
          continue;
        }
        if (JSON.stringify(node['raw']) !== JSON.stringify(asSent(r.text))) failures.push(`${label}: raw ${JSON.stringify(node['raw'])}`);
        const top = topLevel(r.c);
        if (!top) continue;
        const value = node[eventFieldName(top.key, top.graphqlName)];
        if (r.c.outcome === 'warns' && value !== null) failures.push(`${label}: typed field ${JSON.stringify(value)}`);
        if (r.c.outcome === 'converts' && ![123, '123', true].includes(value as never)) failures.push(`${label}: converted to ${JSON.stringify(value)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  /** The case's field when the odd value is the field itself (not inside it), with its GraphQL names. */
  function topLevel(c: OddCase) {
    if (c.steps.length !== 1) return null;
    return fieldsOf(eventTypeSpec(c.eventType)!.fields).find((f) => f.key === c.steps[0]) ?? null;
  }

  it('accepts unsigned 32-bit values: PROCESS_ID 4294967295 is stored exactly, and reads null (not an error) as a GraphQL Int', async () => {
    const text = `{"routing":{"oid":"${org}","this":"dword-pid","parent":"odd-parent-0","event_type":"NEW_PROCESS","event_time":1700000009999},"event":{"PROCESS_ID":4294967295,"PARENT_PROCESS_ID":4294967294,"THREADS":3,"FILE_PATH":"C:\\\\x.exe"}}`;
    const { rejects, warnings } = await ingestLines(runtime.executor, [text]);
    expect(rejects).toEqual([]);
    expect(warnings).toEqual([]);
    const result = await run(`query($o: String) { event(atom: "dword-pid", orgId: $o) { raw ... on NewProcess { processId parentProcessId threads filePath } } }`, { o: org });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['event']).toEqual({ raw: JSON.parse(text), processId: null, parentProcessId: null, threads: 3, filePath: 'C:\\x.exe' });
    const session = runtime.driver.session();
    try {
      const stored = await session.run('MATCH (e:Event {uid: $uid}) RETURN e.processId AS pid, e.parentProcessId AS ppid', { uid: `${org}/dword-pid` });
      expect([String(stored.records[0]?.get('pid')), String(stored.records[0]?.get('ppid'))]).toEqual(['4294967295', '4294967294']);
    } finally {
      await session.close();
    }
  });

  describe('in the ingest answers and on /metrics', () => {
    let server: RunningServer;
    const metrics = createMetrics();
    const warningsCounted = async () => (await metrics.registry.getSingleMetric('atomgraph_ingest_warnings_total')?.get())?.values[0]?.value ?? 0;
    const line = (atom: string, body: string) => `{"routing":{"oid":"${org}","this":"${atom}","event_type":"NEW_PROCESS","event_time":1700000008888},"event":${body}}`;

    beforeAll(async () => {
      server = await startServer(
        { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off' }), executor: runtime.executor, logger: runtime.logger, metrics },
        { host: '127.0.0.1', port: 0 },
      );
    });
    afterAll(async () => server.close());

    it('POST /ingest: counts and lists warnings beside the errors, and /metrics counts them', async () => {
      const body = [line('http-1', '{"PROCESS_ID":"77"}'), 'not json', line('http-2', '{"PARENT":[1],"HASH":{}}'), line('http-3', '{}')].join('\n');
      const response = await fetch(`${new URL(server.url).origin}/ingest`, { method: 'POST', body });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        accepted: 3,
        duplicates: 0,
        detectionsAccepted: 0,
        detectionDuplicates: 0,
        rejected: 1,
        errors: [{ line: 2, reason: expect.stringMatching(/not valid JSON/) }],
        warnings: 3,
        fieldWarnings: [
          { line: 1, field: 'event.PROCESS_ID', reason: 'expected an integer, got string; read as 77' },
          // In the catalogue's order of the fields.
          { line: 3, field: 'event.HASH', reason: 'expected a string, got object; kept in raw only' },
          { line: 3, field: 'event.PARENT', reason: 'expected an object, got a list; kept in raw only' },
        ],
      });
      expect(await warningsCounted()).toBe(3);
    });

    it('ingestEvents: counts and lists warnings by index', async () => {
      const events = [JSON.parse(line('gql-1', '{"THREADS":"x"}')) as unknown, JSON.parse(line('gql-2', '{}')) as unknown];
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted rejected warnings fieldWarnings { index field reason } } }', variables: { e: events } }),
      });
      const reply = (await response.json()) as { data?: { ingestEvents: unknown }; errors?: unknown };
      expect(reply.errors).toBeUndefined();
      expect(reply.data?.ingestEvents).toEqual({
        accepted: 2,
        rejected: 0,
        warnings: 1,
        fieldWarnings: [{ index: 0, field: 'event.THREADS', reason: 'expected an integer, got string; kept in raw only' }],
      });
      expect(await warningsCounted()).toBe(4);
    });
  });
});
