// With GRAPHQL_INTROSPECTION=false the schema stays hidden: graphql-js's "Did you mean ...?" hints
// (fields, arguments, enum values, input fields, types) are cut from every message, on HTTP and
// over WebSocket. With introspection on they are kept (the control that shows the test can fail).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src/api/server';
import { parseConfig } from '../../src/config/env';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';

/** Each is one typo away from a real name of the schema: graphql-js would suggest it. */
const TYPOS: { query: string; variables?: Record<string, unknown>; hidden: string }[] = [
  { query: '{ events { nodes { ... on NewProcess { comandLine } } } }', hidden: 'commandLine' },
  { query: '{ events(frist: 1) { totalCount } }', hidden: 'first' },
  { query: '{ sightings(kind: HASHH, value: "x") { totalCount } }', hidden: 'HASH' },
  { query: '{ events(filter: { hostname: ["x"] }) { totalCount } }', hidden: 'hostnames' },
  { query: '{ events { nodes { ... on NewProces { atom } } } }', hidden: 'NewProcess' },
  { query: 'query($f: EventFilter) { events(filter: $f) { totalCount } }', variables: { f: { sensorId: ['x'] } }, hidden: 'sensorIds' },
];

const SUBSCRIPTION_TYPO = 'subscription { eventAdded { event { ... on NewProcess { comandLine } } } }';

describe('field suggestions follow GRAPHQL_INTROSPECTION', () => {
  let runtime: Runtime;
  const servers: Record<'hidden' | 'open', RunningServer | null> = { hidden: null, open: null };

  beforeAll(async () => {
    runtime = await testRuntime();
    for (const [name, introspection] of [['hidden', 'false'], ['open', 'true']] as const) {
      const config = parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off', GRAPHQL_INTROSPECTION: introspection });
      servers[name] = await startServer({ config, executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 });
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s?.close()));
    await runtime.close();
  });

  const messagesOver = async (server: RunningServer, query: string, variables: Record<string, unknown> = {}): Promise<string[]> => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { errors?: { message: string }[] };
    return (body.errors ?? []).map((e) => e.message);
  };

  const messagesOverSocket = async (server: RunningServer, query: string): Promise<string[]> => {
    const client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      return await new Promise<string[]>((resolve) => {
        client.subscribe(
          { query },
          {
            next: (r) => resolve((r.errors ?? []).map((e) => e.message)),
            error: (e) => resolve(Array.isArray(e) ? (e as { message: string }[]).map((x) => x.message) : [String(e)]),
            complete: () => resolve([]),
          },
        );
      });
    } finally {
      await client.dispose();
    }
  };

  it('names no field, argument, enum value, input field or type of the schema when introspection is off', async () => {
    for (const { query, variables, hidden } of TYPOS) {
      const messages = await messagesOver(servers.hidden!, query, variables);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) {
        expect(message).not.toMatch(/Did you mean/);
        expect(message).not.toContain(`"${hidden}"`);
      }
    }
    const overSocket = await messagesOverSocket(servers.hidden!, SUBSCRIPTION_TYPO);
    expect(overSocket.length).toBeGreaterThan(0);
    expect(overSocket.join('\n')).not.toMatch(/Did you mean|"commandLine"/);
  });

  it('keeps the suggestions when introspection is on', async () => {
    for (const { query, variables, hidden } of TYPOS) {
      const messages = await messagesOver(servers.open!, query, variables);
      expect(messages.join('\n')).toMatch(new RegExp(`Did you mean[^?]*"${hidden}"`));
    }
    expect((await messagesOverSocket(servers.open!, SUBSCRIPTION_TYPO)).join('\n')).toMatch(/Did you mean "commandLine"/);
  });
});
