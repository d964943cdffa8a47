import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/api/server';
import { parseConfig } from '../../src/config/env';
import { migrate } from '../../src/graph/schema/migrate';
import { signBody } from '../../src/ingest/signature';
import type { Runtime } from '../../src/runtime';
import { graphCounts, withOrg } from '../helpers/graph';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

const shared = join(__dirname, '..', '..', '..', 'shared');
const dataset = readFileSync(join(shared, 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .slice(0, 200)
  .map((l) => JSON.parse(l) as { routing: Record<string, unknown>; event: Record<string, unknown> });

const SECRET = 'a-webhook-secret-of-some-length';

describe('POST /ingest and ingestEvents against a real Neo4j', () => {
  let runtime: Runtime;
  let open: RunningServer;
  let signed: RunningServer;

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    const base = { NEO4J_URI: runtime.uri, INGEST_MAX_BYTES: 200_000, AUTH: 'off' };
    open = await startServer({ config: parseConfig(base), executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 });
    signed = await startServer(
      { config: parseConfig({ ...base, INGEST_SECRET: SECRET }), executor: runtime.executor, logger: runtime.logger },
      { host: '127.0.0.1', port: 0 },
    );
  });
  afterAll(async () => {
    await open.close();
    await signed.close();
    await runtime.close();
  });

  const ingestUrl = (s: RunningServer) => `${new URL(s.url).origin}/ingest`;

  it('takes one event as a raw JSON body (webhook) and replies after commit', async () => {
    const org = uniqueOrg('webhook');
    const [event] = withOrg(dataset.slice(0, 1), org);
    const response = await fetch(ingestUrl(open), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, rejected: 0, detectionsAccepted: 0, detectionDuplicates: 0, errors: [], warnings: 0, fieldWarnings: [] });
    expect((await graphCounts(runtime.driver, org)).events).toBe(1);
  });

  it('takes the form field data', async () => {
    const org = uniqueOrg('form');
    const [event] = withOrg(dataset.slice(0, 1), org);
    const response = await fetch(ingestUrl(open), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ data: JSON.stringify(event) }).toString(),
    });
    expect(await response.json()).toMatchObject({ accepted: 1 });
  });

  it('takes gzipped newline-delimited events (webhook_bulk) with per-line errors', async () => {
    const org = uniqueOrg('bulk');
    const lines = withOrg(dataset.slice(0, 50), org).map((e) => JSON.stringify(e));
    lines.splice(5, 0, '{"broken": ');
    const body = gzipSync(Buffer.from(lines.join('\n')));
    const response = await fetch(ingestUrl(open), { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' }, body });
    expect(response.status).toBe(200);
    const reply = (await response.json()) as { accepted: number; rejected: number; errors: { line: number; reason: string }[] };
    expect(reply.accepted).toBe(50);
    expect(reply.rejected).toBe(1);
    expect(reply.errors).toEqual([{ line: 6, reason: expect.stringMatching(/not valid JSON/) }]);
  });

  it('requires a correct lc-signature when a secret is configured', async () => {
    const org = uniqueOrg('signed');
    const body = Buffer.from(withOrg(dataset.slice(0, 3), org).map((e) => JSON.stringify(e)).join('\n'));
    const unsigned = await fetch(ingestUrl(signed), { method: 'POST', body });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const wrong = await fetch(ingestUrl(signed), { method: 'POST', body, headers: { 'lc-signature': signBody('another-secret-entirely', body) } });
    expect(wrong.status).toBe(401);
    expect((await graphCounts(runtime.driver, org)).events).toBe(0);
    const good = await fetch(ingestUrl(signed), { method: 'POST', body, headers: { 'lc-signature': signBody(SECRET, body) } });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ accepted: 3 });
  });

  it('refuses a body over the limit with 413', async () => {
    const body = Buffer.alloc(300_000, 0x20);
    const response = await fetch(ingestUrl(open), { method: 'POST', body });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('refuses a gzip bomb that inflates past the limit', async () => {
    const body = gzipSync(Buffer.alloc(5_000_000, 0x20));
    expect(body.length).toBeLessThan(200_000);
    const response = await fetch(ingestUrl(open), { method: 'POST', body, headers: { 'content-encoding': 'gzip' } });
    expect(response.status).toBe(413);
  });

  it('ingests through the GraphQL mutation, counting duplicates and reporting bad items by index', async () => {
    const org = uniqueOrg('mutation');
    const events = withOrg(dataset.slice(0, 5), org);
    const big = `{"routing":{"this":"oob","event_type":"EXEC_OOB","event_time":1456254033000,"oid":"${org}"},"event":{"STACK_TRACES":[{"STACK_TRACE_FRAMES":[{"STACK_TRACE_FRAME_PC":4035225266123964416}]}]}}`;
    const body = `{"query":"mutation($e:[JSON!]!){ingestEvents(events:$e){accepted duplicates rejected errors{index reason}}}","variables":{"e":[${events.map((e) => JSON.stringify(e)).join(',')},${JSON.stringify(events[0])},{"routing":{}},${big}]}}`;
    const response = await fetch(open.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const reply = (await response.json()) as { data: { ingestEvents: { accepted: number; duplicates: number; rejected: number; errors: { index: number; reason: string }[] } } };
    expect(reply.data.ingestEvents).toMatchObject({ accepted: 6, duplicates: 1, rejected: 1 });
    expect(reply.data.ingestEvents.errors).toEqual([{ index: 6, reason: expect.stringContaining('routing.event_type') }]);
    const session = runtime.driver.session();
    try {
      const result = await session.run('MATCH (e:Event {uid: $uid}) RETURN e.raw AS raw', { uid: `${org}/oob` });
      expect(result.records[0]?.get('raw')).toContain('4035225266123964416');
    } finally {
      await session.close();
    }
  });
});
