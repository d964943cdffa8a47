// The live feed end to end: a real server on port 0 against the integration Neo4j, graphql-ws
// clients subscribing with filters, events POSTed to /ingest (and ingestEvents), and what each
// subscriber receives after commit. Expectations are computed from the input records.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src/api/server';
import { generateKey } from '../../src/auth/api-keys';
import { parseConfig } from '../../src/config/env';
import { ApiKeyStore } from '../../src/graph/api-keys';
import { migrate } from '../../src/graph/schema/migrate';
import { createLogger } from '../../src/log/logger';
import type { Runtime } from '../../src/runtime';
import { withOrg } from '../helpers/graph';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const dataset = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Rec);

const SUBSCRIPTION = `subscription Live($f: EventFilter) {
  eventAdded(filter: $f) {
    droppedBefore
    event { __typename atom orgId eventType raw ... on NewProcess { commandLine } ... on FileCreate { filePath } }
  }
}`;

interface Added {
  droppedBefore: number;
  event: { __typename: string; atom: string; orgId: string; eventType: string; raw: Rec; commandLine?: string; filePath?: string };
}

/** A graphql-ws subscriber that records what it receives and how it ended. */
function subscriber(url: string, variables: Record<string, unknown>, authorization?: string, query = SUBSCRIPTION) {
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: authorization ? { authorization } : {} });
  const results: FormattedExecutionResult<{ eventAdded: Added }, unknown>[] = [];
  const state: { error: unknown; completed: boolean } = { error: null, completed: false };
  const unsubscribe = client.subscribe<{ eventAdded: Added }>(
    { query, variables },
    { next: (r) => void results.push(r), error: (e) => void (state.error = e), complete: () => void (state.completed = true) },
  );
  return {
    results,
    state,
    events: () => results.flatMap((r) => (r.data ? [r.data.eventAdded] : [])),
    close: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
}

async function postBulk(server: RunningServer, records: readonly Rec[], authorization?: string): Promise<{ status: number; body: { accepted: number } }> {
  const response = await fetch(`${new URL(server.url).origin}/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...(authorization ? { authorization } : {}) },
    body: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  return { status: response.status, body: (await response.json()) as { accepted: number } };
}

async function metric(server: RunningServer, name: string, authorization?: string): Promise<number> {
  const text = await (await fetch(`${new URL(server.url).origin}/metrics`, { headers: authorization ? { authorization } : {} })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`metric ${name} not found`);
  return Number(line.split(' ')[1]);
}

/** The same event as new: fresh atom and event id, so it is stored (and published) again. */
const renewed = (rec: Rec): Rec => ({ ...rec, routing: { ...rec.routing, this: randomBytes(16).toString('hex'), event_id: randomUUID() } });

describe('eventAdded: the live feed over graphql-ws', () => {
  let runtime: Runtime;
  let server: RunningServer;
  const opened: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    server = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off', LIVE_MAX_SUBSCRIPTIONS: 3 }), executor: runtime.executor, logger: runtime.logger },
      { host: '127.0.0.1', port: 0 },
    );
  }, 60_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    // The server learns of a closed socket a moment later; the next test counts from zero.
    await waitFor('subscriptions to end', () => server.live.subscriptions === 0);
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  const open = (variables: Record<string, unknown>, authorization?: string, query?: string) => {
    const s = subscriber(server.url, variables, authorization, query);
    opened.push(s);
    return s;
  };

  it('delivers after commit exactly the events of its filter, with typed fields, and nothing of another org', async () => {
    const orgA = uniqueOrg('live-a');
    const orgB = uniqueOrg('live-b');
    const types = ['NEW_PROCESS', 'FILE_CREATE'];
    const recordsA = withOrg(dataset, orgA);
    const expected = new Map(recordsA.filter((r) => types.includes(r.routing['event_type'] as string)).map((r) => [r.routing['this'] as string, r]));
    expect(expected.size).toBeGreaterThan(10);

    const live = open({ f: { orgIds: [orgA], eventTypes: types } });
    await waitFor('the subscription', () => server.live.subscriptions === 1);
    expect((await postBulk(server, withOrg(dataset, orgB))).body.accepted).toBe(dataset.length);
    expect((await postBulk(server, recordsA)).body.accepted).toBe(dataset.length);
    await waitFor('the matching events', () => live.events().length >= expected.size);
    // Loading org A again stores nothing new, so nothing more arrives.
    expect((await postBulk(server, recordsA)).body.accepted).toBe(0);
    await new Promise((r) => setTimeout(r, 500));

    const got = live.events();
    expect(got).toHaveLength(expected.size);
    expect(new Set(got.map((e) => e.event.atom))).toEqual(new Set(expected.keys()));
    for (const { event, droppedBefore } of got) {
      const input = expected.get(event.atom) as Rec;
      expect(droppedBefore).toBe(0);
      expect(event.orgId).toBe(orgA);
      expect(event.eventType).toBe(input.routing['event_type']);
      expect(event.raw.routing['this']).toBe(event.atom);
      if (event.eventType === 'NEW_PROCESS') {
        expect(event.__typename).toBe('NewProcess');
        expect(event.commandLine).toBe(input.event['COMMAND_LINE']);
      } else {
        expect(event.__typename).toBe('FileCreate');
        expect(event.filePath).toBe(input.event['FILE_PATH']);
      }
    }
    expect(live.results.every((r) => !r.errors)).toBe(true);
  });

  it('publishes what the ingestEvents mutation stored', async () => {
    const org = uniqueOrg('live-mutation');
    const live = open({ f: { orgIds: [org], commandLine: { contains: 'POWERSHELL' } } });
    await waitFor('the subscription', () => server.live.subscriptions === 1);
    const processes = withOrg(dataset.filter((r) => r.routing['event_type'] === 'NEW_PROCESS'), org).map(renewed);
    const wanted = processes.filter((r) => String(r.event['COMMAND_LINE'] ?? '').toLowerCase().includes('powershell'));
    expect(wanted.length).toBeGreaterThan(0);
    expect(wanted.length).toBeLessThan(processes.length);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted } }', variables: { e: processes } }),
    });
    expect(await response.json()).toEqual({ data: { ingestEvents: { accepted: processes.length } } });
    await waitFor('the powershell processes', () => live.events().length >= wanted.length);
    await new Promise((r) => setTimeout(r, 300));
    expect(live.events().map((e) => e.event.atom).sort()).toEqual(wanted.map((r) => r.routing['this'] as string).sort());
  });

  it('caps open subscriptions with LIMIT_EXCEEDED, and unsubscribing frees them (the gauge goes back to 0)', async () => {
    const org = uniqueOrg('live-cap');
    const subs = [open({ f: { orgIds: [org] } }), open({ f: { orgIds: [org] } }), open({ f: { orgIds: [org] } })];
    await waitFor('three subscriptions', () => server.live.subscriptions === 3);
    const refused = open({ f: { orgIds: [org] } });
    await waitFor('the refusal', () => refused.results.length > 0 || refused.state.error !== null);
    expect(refused.results[0]?.errors?.[0]?.extensions).toEqual({ code: 'LIMIT_EXCEEDED', max: 3 });
    expect(await metric(server, 'atomgraph_live_subscriptions')).toBe(3);
    await Promise.all(subs.map((s) => s.close()));
    await waitFor('the subscriptions to end', () => server.live.subscriptions === 0);
    expect(await metric(server, 'atomgraph_live_subscriptions')).toBe(0);
  });

  it('runs only subscriptions over WebSocket, and subscriptions only there, with coded errors', async () => {
    const query = open({}, undefined, '{ version { server } }');
    const broken = open({}, undefined, 'subscription { eventAdded(filter: {nope: 1}) { droppedBefore } }');
    // The HTTP limits hold here too: the selection runs once per event.
    const costly = open({}, undefined, 'subscription { eventAdded { event { descendants(first: 500) { nodes { descendants(first: 500) { totalCount } } } } } }');
    const long = open({}, undefined, `subscription { eventAdded { ${'droppedBefore '.repeat(6000)} } }`);
    const all = [query, broken, costly, long];
    await waitFor('every answer', () => all.every((s) => s.state.error !== null || s.results.length > 0));
    const codes = all.map((s) => (s.state.error as { extensions?: { code?: string } }[])[0]?.extensions?.code);
    expect(codes).toEqual(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX', 'TOO_MANY_TOKENS']);
    expect(server.live.subscriptions).toBe(0);
    // And a subscription sent to POST /graphql is told where to go.
    const overHttp = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'subscription { eventAdded { droppedBefore } }' }) });
    const body = (await overHttp.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/graphql-ws/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('a subscriber that never reads does not hold up ingest, loses only its oldest events, and is told how many', async () => {
    const slowServer = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off', LIVE_BUFFER_EVENTS: 20 }), executor: runtime.executor, logger: runtime.logger },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const orgs = Array.from({ length: 3 }, () => uniqueOrg('live-slow'));
      // The same POST with nobody subscribed, for comparison.
      const baselineStarted = Date.now();
      expect((await postBulk(slowServer, withOrg(dataset, uniqueOrg('live-baseline')))).status).toBe(200);
      const baselineMs = Date.now() - baselineStarted;
      const ws = new WebSocket(slowServer.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      const messages: { type: string; id?: string; payload?: { data?: { eventAdded: { droppedBefore: number; event: { atom: string } } } } }[] = [];
      ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as (typeof messages)[number]));
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      await waitFor('the ack', () => messages.some((m) => m.type === 'connection_ack'));
      ws.send(JSON.stringify({ id: 'slow', type: 'subscribe', payload: { query: 'subscription($f: EventFilter) { eventAdded(filter: $f) { droppedBefore event { atom raw } } }', variables: { f: { orgIds: orgs } } } }));
      await waitFor('the subscription', () => slowServer.live.subscriptions === 1);
      // From here the client reads nothing: the server's socket writes stall once the TCP buffers fill.
      ws.pause();

      // ~9 MB of messages: far more than the TCP buffers and the subscriber's buffer of 20 hold.
      let stored = 0;
      const timings: number[] = [];
      for (const org of orgs) {
        const started = Date.now();
        const reply = await postBulk(slowServer, withOrg(dataset, org));
        timings.push(Date.now() - started);
        expect(reply).toEqual({ status: 200, body: expect.objectContaining({ accepted: dataset.length }) });
        stored += reply.body.accepted;
      }
      const dropped = await metric(slowServer, 'atomgraph_live_dropped_total');
      expect(dropped).toBeGreaterThan(0);
      expect(await metric(slowServer, 'atomgraph_live_published_total')).toBe(stored + dataset.length);

      // Reading again, it gets what was in flight and in its buffer; each gap is announced by droppedBefore.
      ws.resume();
      const tally = () => {
        const events = messages.flatMap((m) => (m.type === 'next' && m.payload?.data ? [m.payload.data.eventAdded] : []));
        return { delivered: events.length, announced: events.reduce((n, e) => n + e.droppedBefore, 0) };
      };
      await waitFor('every event delivered or announced as dropped', () => tally().delivered + tally().announced === stored);
      expect(tally().announced).toBe(dropped);
      expect(tally().delivered).toBe(await metric(slowServer, 'atomgraph_live_delivered_total'));

      ws.send(JSON.stringify({ id: 'slow', type: 'complete' }));
      await waitFor('the unsubscribe', async () => (await metric(slowServer, 'atomgraph_live_subscriptions')) === 0);
      ws.close();
      process.stdout.write(`live slow subscriber: POST of ${dataset.length} events took ${baselineMs} ms unwatched, ${timings.join(', ')} ms with the stalled subscriber; ${dropped} dropped, ${tally().delivered} delivered\n`);
    } finally {
      await slowServer.close();
    }
  });

  describe('shares of the live feed and revocation (issue 17)', () => {
    const orgA = uniqueOrg('live-share-a');
    const orgB = uniqueOrg('live-share-b');
    const keys: Record<string, string> = {};
    const ids: Record<string, string> = {};
    let store: ApiKeyStore;
    let shared: RunningServer;
    const CACHE_MS = 2_000;

    beforeAll(async () => {
      store = new ApiKeyStore(runtime.executor);
      for (const [name, orgs, role] of [['readerA', [orgA], 'reader'], ['readerB', [orgB], 'reader'], ['writer', [orgA, orgB], 'writer'], ['revoked', [orgA], 'reader']] as const) {
        const key = generateKey();
        await store.create({ id: key.id, hash: key.hash, orgs: [...orgs], role });
        keys[name] = `Bearer ${key.key}`;
        ids[name] = key.id;
      }
      shared = await startServer(
        {
          config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: CACHE_MS, LIVE_MAX_SUBSCRIPTIONS: 6, LIVE_MAX_SUBSCRIPTIONS_PER_KEY: 3, LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: 2 }),
          executor: runtime.executor,
          logger: runtime.logger,
        },
        { host: '127.0.0.1', port: 0 },
      );
    });
    afterAll(async () => {
      await shared.close();
    });

    /** One graphql-ws connection carrying several subscriptions, each with its own record. */
    const connection = (authorization: string) => {
      const client = createClient({ url: shared.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization } });
      const subs: { results: FormattedExecutionResult<{ eventAdded: Added }, unknown>[]; state: { error: unknown; completed: boolean } }[] = [];
      const subscribe = (org: string) => {
        const sub = { results: [] as FormattedExecutionResult<{ eventAdded: Added }, unknown>[], state: { error: null as unknown, completed: false } };
        subs.push(sub);
        client.subscribe<{ eventAdded: Added }>(
          { query: SUBSCRIPTION, variables: { f: { orgIds: [org] } } },
          { next: (r) => void sub.results.push(r), error: (e) => void (sub.state.error = e), complete: () => void (sub.state.completed = true) },
        );
        return sub;
      };
      opened.push({ close: () => client.dispose() as Promise<void> });
      return { client, subs, subscribe };
    };
    const refusal = (sub: { results: FormattedExecutionResult<unknown, unknown>[]; state: { error: unknown } }) =>
      (sub.results[0]?.errors?.[0] ?? (sub.state.error as { extensions?: unknown }[] | null)?.[0]) as { extensions?: Record<string, unknown> } | undefined;
    const settled = (sub: { results: unknown[]; state: { error: unknown } }) => sub.results.length > 0 || sub.state.error !== null;

    it("one org's key fills only its own share: per-connection and per-key caps refuse it, while another org still subscribes", async () => {
      const a1 = connection(keys['readerA'] as string);
      a1.subscribe(orgA);
      a1.subscribe(orgA);
      await waitFor('two subscriptions of key A', () => shared.live.subscriptions === 2);
      const thirdOnConnection = a1.subscribe(orgA);
      await waitFor('the per-connection refusal', () => settled(thirdOnConnection));
      expect(refusal(thirdOnConnection)?.extensions).toEqual({ code: 'LIMIT_EXCEEDED', max: 2, per: 'connection' });

      const a2 = connection(keys['readerA'] as string);
      a2.subscribe(orgA);
      await waitFor('the third subscription of key A', () => shared.live.subscriptions === 3);
      const overKey = a2.subscribe(orgA);
      await waitFor('the per-key refusal', () => settled(overKey));
      expect(refusal(overKey)?.extensions).toEqual({ code: 'LIMIT_EXCEEDED', max: 3, per: 'key' });
      expect(shared.live.subscriptions).toBe(3);

      // Org B's key is untouched by A's exhaustion: its subscription opens and delivers.
      const b = connection(keys['readerB'] as string);
      const live = b.subscribe(orgB);
      await waitFor("org B's subscription", () => shared.live.subscriptions === 4);
      const records = withOrg(dataset.slice(0, 50), orgB);
      expect((await postBulk(shared, records, keys['writer'])).status).toBe(200);
      await waitFor("org B's events", () => live.results.length >= records.length);
      expect(live.results.every((r) => !r.errors && r.data?.eventAdded.event.orgId === orgB)).toBe(true);
    });

    it('revoking a key ends its open subscriptions within AUTH_CACHE_MS (close 4401), and nothing arrives after', async () => {
      const conn = connection(keys['revoked'] as string);
      const live = conn.subscribe(orgA);
      await waitFor('the subscription', () => shared.live.subscriptions === 1);
      const before = withOrg(dataset.slice(0, 20), orgA).map(renewed);
      expect((await postBulk(shared, before, keys['writer'])).status).toBe(200);
      await waitFor('events before the revocation', () => live.results.length >= before.length);

      // Let the key sit in the server's cache, then revoke it in the store as `atomgraph keys revoke` does.
      const revokedAt = Date.now();
      expect(await store.revoke(ids['revoked'] as string)).toBe(true);
      await waitFor('the subscription to end', () => live.state.error !== null || live.state.completed, CACHE_MS + 5_000);
      const endedAfterMs = Date.now() - revokedAt;
      expect((live.state.error as { code?: number } | null)?.code).toBe(4401);
      // The slack is for a loaded machine (a re-check runs every CACHE_MS / 2 plus one key lookup); before issue 17 it never ended.
      expect(endedAfterMs).toBeLessThanOrEqual(CACHE_MS + 2_000);
      await waitFor('the feed to drop it', () => shared.live.subscriptions === 0);

      const received = live.results.length;
      expect((await postBulk(shared, withOrg(dataset.slice(0, 20), orgA).map(renewed), keys['writer'])).status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
      expect(live.results.length).toBe(received);
      process.stdout.write(`revoked key: subscription closed ${endedAfterMs} ms after the revocation (AUTH_CACHE_MS ${CACHE_MS})\n`);
    });
  });

  describe('with API keys', () => {
    let keyed: RunningServer;
    const orgA = uniqueOrg('live-key-a');
    const orgB = uniqueOrg('live-key-b');
    const keys: Record<string, string> = {};
    const ids: Record<string, string> = {};
    const logs: string[] = [];
    let store: ApiKeyStore;

    beforeAll(async () => {
      store = new ApiKeyStore(runtime.executor);
      for (const [name, orgs, role] of [['readerA', [orgA], 'reader'], ['writer', [orgA, orgB], 'writer'], ['doomed', [orgA], 'reader']] as const) {
        const key = generateKey();
        await store.create({ id: key.id, hash: key.hash, orgs: [...orgs], role });
        keys[name] = `Bearer ${key.key}`;
        ids[name] = key.id;
      }
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          logs.push(chunk.toString());
          done();
        },
      });
      keyed = await startServer(
        { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: 0 }), executor: runtime.executor, logger: createLogger('info', sink) },
        { host: '127.0.0.1', port: 0 },
      );
    });
    afterAll(async () => {
      await keyed.close();
    });

    it("a key of org A gets only org A's events, even when its filter names org B", async () => {
      const live = subscriber(keyed.url, { f: { orgIds: [orgA, orgB], eventTypes: ['NEW_PROCESS'] } }, keys['readerA']);
      opened.push(live);
      await waitFor('the subscription', () => keyed.live.subscriptions === 1);
      // Some processes twice in one request: stored once, so delivered once.
      const slice = dataset.slice(0, 1000).concat(dataset.filter((r) => r.routing['event_type'] === 'NEW_PROCESS'));
      const newProcesses = new Set(slice.filter((r) => r.routing['event_type'] === 'NEW_PROCESS').map((r) => r.routing['this'] as string));
      expect((await postBulk(keyed, withOrg(slice, orgB), keys['writer'])).status).toBe(200);
      expect((await postBulk(keyed, withOrg(slice, orgA), keys['writer'])).status).toBe(200);
      await waitFor("org A's processes", () => live.events().length >= newProcesses.size);
      await new Promise((r) => setTimeout(r, 300));
      expect(live.events().map((e) => e.event.orgId)).toEqual([...newProcesses].map(() => orgA));
      expect(new Set(live.events().map((e) => e.event.atom))).toEqual(newProcesses);
      await live.close();
      await waitFor('the end of the subscription in the log', () => logs.some((l) => l.includes('subscription ended')));
      const lines = logs.map((l) => JSON.parse(l) as { msg: string; operation?: string; keyId?: string });
      expect(lines.filter((l) => l.msg.startsWith('subscription '))).toEqual([
        expect.objectContaining({ msg: 'subscription started', operation: 'Live', keyId: ids['readerA'] }),
        expect.objectContaining({ msg: 'subscription ended', operation: 'Live', keyId: ids['readerA'], ms: expect.any(Number) }),
      ]);
      for (const key of Object.values(keys)) expect(logs.join('')).not.toContain(key.slice('Bearer '.length));
    });

    it('refuses a connection without a valid key with close code 4401', async () => {
      for (const authorization of [undefined, 'Bearer not-a-key']) {
        const live = subscriber(keyed.url, { f: {} }, authorization);
        opened.push(live);
        await waitFor('the refusal', () => live.state.error !== null);
        expect((live.state.error as { code: number }).code).toBe(4401);
      }
      expect(keyed.live.subscriptions).toBe(0);
    });

    it('checks the key again on each new subscription: once revoked, the connection is closed with 4401', async () => {
      const client = createClient({ url: keyed.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: keys['doomed'] } });
      const errors: unknown[] = [];
      const sink = { next: () => undefined, error: (e: unknown) => void errors.push(e), complete: () => undefined };
      try {
        client.subscribe({ query: SUBSCRIPTION, variables: { f: { orgIds: [orgA] } } }, sink);
        await waitFor('the first subscription', () => keyed.live.subscriptions === 1);
        expect(await store.revoke(ids['doomed'] as string)).toBe(true);
        client.subscribe({ query: SUBSCRIPTION, variables: { f: { orgIds: [orgA] } } }, sink);
        await waitFor('the socket to close', () => errors.length === 2);
        expect(errors.map((e) => (e as { code: number }).code)).toEqual([4401, 4401]);
        await waitFor('the open subscription to end with it', () => keyed.live.subscriptions === 0);
      } finally {
        await client.dispose();
      }
    });
  });
});
