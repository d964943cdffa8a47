// GraphQL over HTTP as clients see it: the node:http handler in front of Apollo (POST /graphql)
// and the express route behind it (GETs, other spellings of the path), their refusals and limits.
// (64-bit integers in variables arriving exact: ingest-http.int.test.ts.)
import { connect } from 'node:net';
import { startServer, type RunningServer } from '../../src/api/server';
import { parseConfig } from '../../src/config/env';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe('GraphQL over HTTP', () => {
  let runtime: Runtime;
  let server: RunningServer;
  const MAX_BYTES = 4096;

  beforeAll(async () => {
    runtime = await testRuntime();
    const config = parseConfig({ NEO4J_URI: runtime.uri, NEO4J_PASSWORD: runtime.config.NEO4J_PASSWORD, AUTH: 'off', GRAPHQL_MAX_BYTES: String(MAX_BYTES) });
    server = await startServer({ config, executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  const post = async (url: string, body: string, contentType = 'application/json'): Promise<Answer> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
  };

  it('answers a POST with JSON and its length', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toEqual({ data: { __typename: 'Query' } });
  });

  it('takes the path with a query string, with a trailing slash, and GETs with a preflight header', async () => {
    expect((await post(`${server.url}?trace=1`, JSON.stringify({ query: '{ __typename }' }))).body.data).toEqual({ __typename: 'Query' });
    expect((await post(`${server.url}/`, JSON.stringify({ query: '{ __typename }' }))).body.data).toEqual({ __typename: 'Query' });
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(((await get.json()) as Answer['body']).data).toEqual({ __typename: 'Query' });
  });

  it('refuses a body that is not JSON with 400 BAD_USER_INPUT, saying so', async () => {
    const answer = await post(server.url, '{"query": "{ __typename }"');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(answer.body.errors?.[0]?.message).toMatch(/not valid JSON/);
  });

  it(`refuses a body over GRAPHQL_MAX_BYTES (${MAX_BYTES}) with 413 PAYLOAD_TOO_LARGE, declared or not`, async () => {
    const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(MAX_BYTES) } });
    const declared = await post(server.url, big);
    expect(declared.status).toBe(413);
    expect(declared.body.errors?.[0]?.extensions?.['code']).toBe('PAYLOAD_TOO_LARGE');
    // Chunked, so no Content-Length announces it: counted as it arrives.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("leaves a body that is not JSON to Apollo's CSRF check (400 without a preflight header)", async () => {
    const answer = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{ __typename }' });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/CSRF|preflight/i);
  });

  it('survives a client that disconnects halfway through a body, and answers the next one', async () => {
    const { port } = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query": "{ __typ');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
      socket.on('error', reject);
    });
    expect((await post(server.url, JSON.stringify({ query: '{ __typename }' }))).status).toBe(200);
  });
});
