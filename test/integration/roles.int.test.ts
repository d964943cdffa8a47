// `atomgraph serve --role ingest` (a child process) beside a query-only server (ROLE=query) on one
// Neo4j: each refuses what the other serves with a coded error, and what the ingest replica
// stores reaches a subscriber of the query replica through the shared live feed.
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src/api/server';
import { parseConfig } from '../../src/config/env';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { startServe, type ServeChild } from '../helpers/serve';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

describe('serve --role ingest | query', () => {
  let runtime: Runtime;
  let ingestOnly: ServeChild;
  let queryOnly: RunningServer;

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    [ingestOnly, queryOnly] = await Promise.all([
      startServe({ AUTH: 'off', LIVE_FEED: 'neo4j' }, ['--role', 'ingest']),
      startServer({ config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off', ROLE: 'query', LIVE_FEED: 'neo4j', LIVE_POLL_MS: 200 }), executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([ingestOnly?.stop(), queryOnly?.close()]);
    await runtime?.close();
  });

  const event = (org: string) => ({
    routing: { this: randomBytes(16).toString('hex'), event_type: 'NEW_PROCESS', event_time: 1_760_000_000_000, oid: org, sid: 'role-sensor', hostname: 'role-host' },
    event: { FILE_PATH: 'C:\\role.exe' },
  });
  const postIngest = (origin: string, body: unknown) => fetch(`${origin}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const postGraphql = (url: string, query: string, variables: Record<string, unknown> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });

  it('each role refuses what it does not serve, with NOT_FOUND naming the role', async () => {
    const org = uniqueOrg('roles');
    const onIngest = await postGraphql(ingestOnly.url, '{ version { server } }');
    expect(onIngest.status).toBe(404);
    // Shaped as every HTTP error of the API is (src/api/http/errors.ts).
    expect(await onIngest.json()).toEqual({ errors: [{ message: expect.stringContaining('ROLE=ingest'), extensions: { code: 'NOT_FOUND' } }] });

    const onQuery = await postIngest(new URL(queryOnly.url).origin, event(org));
    expect(onQuery.status).toBe(404);
    expect(await onQuery.json()).toEqual({ errors: [{ message: expect.stringContaining('ROLE=query'), extensions: { code: 'NOT_FOUND' } }] });
    const mutation = (await (await postGraphql(queryOnly.url, 'mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted } }', { e: [event(org)] })).json()) as {
      errors?: { extensions?: { code?: string } }[];
    };
    expect(mutation.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // Probes answer on both, so a load balancer can check either pool.
    expect((await fetch(`${ingestOnly.origin}/readyz`)).status).toBe(200);
    expect((await fetch(`${new URL(queryOnly.url).origin}/readyz`)).status).toBe(200);
  });

  it('what the ingest replica stores reaches a subscriber of the query replica, and is queryable there', async () => {
    const org = uniqueOrg('roles-live');
    const client = createClient({ url: queryOnly.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const atoms: string[] = [];
    const stop = client.subscribe<{ eventAdded: { event: { atom: string } } }>(
      { query: 'subscription($f: EventFilter) { eventAdded(filter: $f) { event { atom } } }', variables: { f: { orgIds: [org] } } },
      { next: (r) => void (r.data && atoms.push(r.data.eventAdded.event.atom)), error: () => undefined, complete: () => undefined },
    );
    try {
      await waitFor('the subscription', () => queryOnly.live.subscriptions === 1);
      const records = [event(org), event(org), event(org)];
      const reply = await postIngest(ingestOnly.origin, records);
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ accepted: 3 });
      await waitFor('the query replica to hear the events', () => atoms.length >= 3);
      expect(atoms.sort()).toEqual(records.map((r) => r.routing.this).sort());
      const read = (await (await postGraphql(queryOnly.url, 'query($o: [String!]) { events(filter: { orgIds: $o }) { totalCount } }', { o: [org] })).json()) as { data: unknown };
      expect(read.data).toEqual({ events: { totalCount: 3 } });
    } finally {
      stop();
      await client.dispose();
    }
  }, 60_000);
});
