// API keys and tenancy through HTTP: one capture loaded into two orgs; a key of org A must get
// nothing of org B from any root field, nested field or ingest path, and the scope is applied in
// Cypher (asking for B by name gives nothing, not an error). Keys are made by the code the CLI uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startServer, type RunningServer } from '../../src/api/server';
import { generateKey } from '../../src/auth/api-keys';
import type { Role } from '../../src/domain/roles';
import { parseConfig } from '../../src/config/env';
import { ApiKeyStore } from '../../src/graph/api-keys';
import { migrate } from '../../src/graph/schema/migrate';
import { createLogger } from '../../src/log/logger';
import type { Runtime } from '../../src/runtime';
import { graphCounts, withOrg } from '../helpers/graph';
import { ingestLines } from '../helpers/ingest';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const dataset = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Rec);

interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('API keys: each key sees and writes only its orgs', () => {
  let runtime: Runtime;
  let server: RunningServer;
  let origin: string;
  const logs: string[] = [];
  const orgA = uniqueOrg('tenant-a');
  const orgB = uniqueOrg('tenant-b');
  const recordsA = withOrg(dataset, orgA);
  const recordsB = withOrg(dataset, orgB);
  const keys: Record<string, string> = {};
  let revokedId = '';

  const makeKey = async (store: ApiKeyStore, orgs: string[], role: Role) => {
    const key = generateKey();
    await store.create({ id: key.id, hash: key.hash, orgs, role });
    return key;
  };

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, recordsA.map((r) => JSON.stringify(r)));
    await ingestLines(runtime.executor, recordsB.map((r) => JSON.stringify(r)));
    const store = new ApiKeyStore(runtime.executor);
    keys['readerA'] = (await makeKey(store, [orgA], 'reader')).key;
    keys['writerA'] = (await makeKey(store, [orgA], 'writer')).key;
    keys['adminA'] = (await makeKey(store, [orgA], 'admin')).key;
    const revoked = await makeKey(store, [orgA], 'reader');
    keys['revoked'] = revoked.key;
    revokedId = revoked.id;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    server = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: 0 }), executor: runtime.executor, logger: createLogger('debug', sink) },
      { host: '127.0.0.1', port: 0 },
    );
    origin = new URL(server.url).origin;
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  const gql = async (key: string | null, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GqlBody };
  };
  const asA = async (query: string, variables: Record<string, unknown> = {}) => {
    const { status, body } = await gql(keys['readerA']!, query, variables);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data!;
  };

  /** Every orgId value anywhere in a response. */
  const orgIdsIn = (value: unknown, out = new Set<string>()): Set<string> => {
    if (Array.isArray(value)) value.forEach((v) => orgIdsIn(v, out));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'orgId' && typeof v === 'string') out.add(v);
        else orgIdsIn(v, out);
      }
    }
    return out;
  };

  const processAtom = recordsA.find((r) => r.routing['event_type'] === 'NEW_PROCESS' && r.routing['parent'])!.routing['this'] as string;
  const hash = recordsA.map((r) => r.event['HASH']).find((h): h is string => typeof h === 'string' && h.length > 0)!;

  it('refuses requests without a key, with a bad key or a revoked key: 401 with a code, on /graphql, /ingest and /metrics', async () => {
    await new ApiKeyStore(runtime.executor).revoke(revokedId);
    for (const key of [null, 'not-a-key', 'ag_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', keys['revoked']!, `${keys['readerA']!.slice(0, -1)}x`]) {
      const { status, body } = await gql(key, '{ version { server } }');
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const ingest = await fetch(`${origin}/ingest`, { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {}, body: JSON.stringify(recordsA[0]) });
      expect(ingest.status).toBe(401);
      expect(((await ingest.json()) as GqlBody).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const metrics = await fetch(`${origin}/metrics`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      expect(metrics.status).toBe(401);
      expect(((await metrics.json()) as GqlBody).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('event, ancestors, descendants and path: org B is invisible, even by name', async () => {
    const data = await asA(
      `query($a: ID!, $b: String) {
         mine: event(atom: $a) { orgId parent { orgId } children { nodes { orgId } } sensor { orgId } ancestors { orgId } }
         theirs: event(atom: $a, orgId: $b) { atom }
         up: ancestors(atom: $a, orgId: $b) { atom }
         down: descendants(atom: $a, orgId: $b) { totalCount }
         myDown: descendants(atom: $a) { nodes { orgId } }
         route: path(from: $a, to: $a, orgId: $b) { length } }`,
      { a: processAtom, b: orgB },
    );
    expect(data['theirs']).toBeNull();
    expect(data['up']).toEqual([]);
    expect((data['down'] as { totalCount: number }).totalCount).toBe(0);
    expect(data['route']).toBeNull();
    expect([...orgIdsIn([data['mine'], data['myDown']])]).toEqual([orgA]);
  });

  it('events, eventCounts and sensors count only org A', async () => {
    const data = await asA(
      `query($b: [String!]) {
         all: events(first: 500) { totalCount nodes { orgId target { orgId } targetedBy { nodes { orgId } } } }
         theirs: events(filter: { orgIds: $b }) { totalCount }
         counts: eventCounts(groupBy: SENSOR) { key count }
         sensors(first: 50) { totalCount nodes { orgId } } }`,
      { b: [orgB] },
    );
    const storedA = (await graphCounts(runtime.driver, orgA)).events;
    expect((data['all'] as { totalCount: number }).totalCount).toBeLessThanOrEqual(storedA);
    expect((data['theirs'] as { totalCount: number }).totalCount).toBe(0);
    const counted = (data['counts'] as { count: number }[]).reduce((a, b) => a + b.count, 0);
    expect(counted).toBeLessThanOrEqual(storedA);
    expect((data['sensors'] as { totalCount: number }).totalCount).toBe(2);
    expect([...orgIdsIn([data['all'], data['sensors']])]).toEqual([orgA]);
  });

  it('sightings, prevalence, firstSeen and lateralMovement stay inside org A', async () => {
    const data = await asA(
      `query($h: String!, $b: String) {
         seen: sightings(kind: HASH, value: $h, first: 50) { nodes { orgId } }
         theirs: sightings(kind: HASH, value: $h, orgId: $b) { totalCount }
         prevalence(kind: HASH, value: $h) { hosts totalHosts }
         first: firstSeen(kind: HASH, since: "1970-01-01T00:00:00Z", limit: 500) { nodes { orgId } }
         lateral: lateralMovement(first: 200) { connection { orgId } destinationHost { orgId } processesStarted { orgId } } }`,
      { h: hash, b: orgB },
    );
    expect((data['theirs'] as { totalCount: number }).totalCount).toBe(0);
    expect((data['prevalence'] as { totalHosts: number }).totalHosts).toBe(2); // not the 4 of both orgs
    expect((data['lateral'] as unknown[]).length).toBeGreaterThan(0);
    expect([...orgIdsIn([data['seen'], data['first'], data['lateral']])]).toEqual([orgA]);
  });

  it('a writer of org A stores its events and has each event of org B rejected, on every ingest path', async () => {
    const fresh = (org: string, n: number) =>
      withOrg(dataset.slice(0, n), org).map((r) => ({ ...r, routing: { ...r.routing, this: `${String(r.routing['this'])}f${n}` } }));
    const before = { a: await graphCounts(runtime.driver, orgA), b: await graphCounts(runtime.driver, orgB) };
    const auth = { authorization: `Bearer ${keys['writerA']}` };

    const single = await fetch(`${origin}/ingest`, { method: 'POST', headers: auth, body: JSON.stringify(fresh(orgB, 1)[0]) });
    expect(single.status).toBe(200);
    expect(await single.json()).toMatchObject({ accepted: 0, rejected: 1 });

    const bulkLines = [...fresh(orgA, 3), ...fresh(orgB, 3)].map((r) => JSON.stringify(r)).join('\n');
    const bulk = await fetch(`${origin}/ingest`, { method: 'POST', headers: auth, body: bulkLines });
    const bulkBody = (await bulk.json()) as { accepted: number; rejected: number; errors: { line: number; reason: string }[] };
    expect(bulkBody.rejected).toBe(3);
    expect(bulkBody.errors.map((e) => e.line)).toEqual([4, 5, 6]);
    expect(bulkBody.errors[0]?.reason).toMatch(/org/);

    const mutation = await gql(keys['writerA']!, 'mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted rejected errors { index reason } } }', {
      e: [...fresh(orgA, 4).slice(3), ...fresh(orgB, 4).slice(3)],
    });
    const result = mutation.body.data?.['ingestEvents'] as { accepted: number; rejected: number; errors: { index: number }[] };
    expect(result.rejected).toBe(1);
    expect(result.errors[0]?.index).toBe(1);

    const after = { a: await graphCounts(runtime.driver, orgA), b: await graphCounts(runtime.driver, orgB) };
    expect(after.b).toEqual(before.b);
    expect(after.a.events).toBeGreaterThan(before.a.events);
  });

  it('a reader may not ingest: 403 / FORBIDDEN, nothing stored', async () => {
    const before = await graphCounts(runtime.driver, orgA);
    const post = await fetch(`${origin}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${keys['readerA']}` }, body: JSON.stringify(recordsA[0]) });
    expect(post.status).toBe(403);
    expect(((await post.json()) as GqlBody).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const mutation = await gql(keys['readerA']!, 'mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted } }', { e: [recordsA[0]] });
    expect(mutation.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await graphCounts(runtime.driver, orgA)).toEqual(before);
  });

  it('serves /metrics (every tenant\'s operation names) to an admin key only: 403 FORBIDDEN for readers and writers', async () => {
    await gql(keys['readerA']!, 'query TenantSecretOperation { version { server } }');
    for (const role of ['readerA', 'writerA']) {
      const refused = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${keys[role]}` } });
      expect(refused.status).toBe(403);
      const text = await refused.text();
      expect((JSON.parse(text) as GqlBody).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(text).not.toContain('TenantSecretOperation');
    }
    const admin = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${keys['adminA']}` } });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toMatch(/atomgraph_graphql_requests_total\{operation="TenantSecretOperation",outcome="ok"\} [1-9]/);
  });

  it('with METRICS_PORT, serves /metrics on that listener only, without keys, and not on the API port', async () => {
    const separate = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: 0, METRICS_PORT: 0 }), executor: runtime.executor, logger: createLogger('silent') },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const api = new URL(separate.url).origin;
      expect(new URL(separate.metricsUrl).origin).not.toBe(api);
      for (const key of ['readerA', 'writerA', 'adminA']) {
        expect((await fetch(`${api}/metrics`, { headers: { authorization: `Bearer ${keys[key]}` } })).status).toBe(404);
      }
      const scraped = await fetch(separate.metricsUrl);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('atomgraph_graphql_requests_total');
      // Nothing but the metrics there.
      expect((await fetch(separate.metricsUrl.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
    } finally {
      await separate.close();
    }
  });

  it('authorises before any limit: a reader sending 10,001 events is FORBIDDEN (403), a writer is told the limit (400)', async () => {
    const events = Array.from({ length: 10_001 }, () => ({}));
    const mutation = 'mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted } }';
    const reader = await gql(keys['readerA']!, mutation, { e: events });
    expect({ status: reader.status, code: reader.body.errors?.[0]?.extensions?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const writer = await gql(keys['writerA']!, mutation, { e: events });
    expect({ status: writer.status, code: writer.body.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'LIMIT_EXCEEDED' });
    // The same order for the document's own limits: a reader's too-deep mutation is still not its to send.
    const deep = await gql(keys['readerA']!, `mutation { ingestEvents(events: []) { errors { ${'reason '.repeat(3)} } } a1: ingestEvents(events: []) { accepted } ${Array.from({ length: 25 }, (_, i) => `x${i}: ingestEvents(events: []) { accepted }`).join(' ')} }`);
    expect({ status: deep.status, code: deep.body.errors?.[0]?.extensions?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('string arguments carrying quotes, backticks or Cypher change nothing and reveal nothing', async () => {
    const before = { a: await graphCounts(runtime.driver, orgA), b: await graphCounts(runtime.driver, orgB) };
    const attacks = ["' OR 1=1 //", '" OR true //', '`) MATCH (n) DETACH DELETE n //', '}) MATCH (n) RETURN n //', `${orgB}' OR e.oid <> '`, '\\u0027; CALL db.labels() //'];
    for (const s of attacks) {
      const data = await asA(
        `query($s: String!, $id: ID!, $l: [String!]) {
           event(atom: $id, orgId: $s) { atom }
           ancestors(atom: $id) { atom }
           descendants(atom: $id) { totalCount }
           events(filter: { orgIds: $l, sensorIds: $l, commandLine: { contains: $s, in: $l }, filePath: { startsWith: $s }, domain: { equals: $s } }) { totalCount }
           sightings(kind: DOMAIN, value: $s, orgId: $s) { totalCount }
           prevalence(kind: USER, value: $s) { hosts }
           path(from: $id, to: $id) { length } }`,
        { s, id: s, l: [s] },
      );
      expect((data['events'] as { totalCount: number }).totalCount).toBe(0);
      expect(data['event']).toBeNull();
      expect((data['sightings'] as { totalCount: number }).totalCount).toBe(0);
      // Names that must exist are refused with their own codes, the value carried as a parameter;
      // no data came of them, so the answer has the code's status (400), as every refusal does.
      const named: [string, string][] = [
        ['query($l: [String!]) { events(filter: { eventTypes: $l }) { totalCount } }', 'UNKNOWN_EVENT_TYPE'],
        ['query($l: [String!], $id: ID!) { descendants(atom: $id, eventTypes: $l) { totalCount } }', 'UNKNOWN_EVENT_TYPE'],
        ['query($l: [String!]) { events(filter: { hostnames: $l }) { totalCount } }', 'UNKNOWN_HOST'],
        ['query($l: [String!]) { sensors(filter: { hostnames: $l }) { totalCount } }', 'UNKNOWN_HOST'],
      ];
      for (const [query, code] of named) {
        const { status, body } = await gql(keys['readerA']!, query, { l: [s], id: s });
        expect({ status, codes: body.errors?.map((e) => e.extensions?.['code']) }).toEqual({ status: 400, codes: [code] });
      }
    }
    expect({ a: await graphCounts(runtime.driver, orgA), b: await graphCounts(runtime.driver, orgB) }).toEqual(before);
  });

  it('never writes a key, its hash or the Authorization header to the logs', () => {
    const text = logs.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const key of Object.values(keys)) {
      expect(text).not.toContain(key);
      // The secret is base64url and may itself hold '_': take everything after the id.
      expect(text).not.toContain(key.split('_').slice(2).join('_'));
    }
    expect(text).not.toMatch(/Bearer /);
  });

  it('refuses to serve without auth on an address other than loopback', async () => {
    await expect(
      startServer({ config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off' }), executor: runtime.executor, logger: createLogger('silent') }, { host: '0.0.0.0', port: 0 }),
    ).rejects.toThrow(/AUTH=off/);
  });
});
