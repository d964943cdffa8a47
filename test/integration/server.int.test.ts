import { startServer, type RunningServer } from '../../src/api/server';
import { createLogger } from '../../src/log/logger';
import { createDriver } from '../../src/graph/driver';
import { GraphExecutor } from '../../src/graph/executor';
import { parseConfig } from '../../src/config/env';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';

describe('HTTP server against a real Neo4j', () => {
  let runtime: Runtime;
  let server: RunningServer;

  beforeAll(async () => {
    runtime = await testRuntime();
    server = await startServer({ config: runtime.config, executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  const origin = () => new URL(server.url).origin;

  it('answers the version query with the Neo4j it is connected to', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ version { server neo4j neo4jEdition } }' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { version: { server: string; neo4j: string; neo4jEdition: string } } };
    expect(body.data.version.neo4j).toMatch(/^5\.26\.\d+$/);
    expect(body.data.version.neo4jEdition).toBe('community');
    expect(body.data.version.server).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('counts operations by name and outcome, and Neo4j statements and sessions, on /metrics', async () => {
    await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query WhichVersion { version { neo4j } }' }),
    });
    const response = await fetch(`${origin()}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/atomgraph_graphql_requests_total\{operation="WhichVersion",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/atomgraph_graphql_request_seconds_count\{operation="WhichVersion"\} [1-9]/);
    expect(text).toContain('atomgraph_process_resident_memory_bytes');
    // Neo4j: the statement the operation ran, sessions back to zero once it answered, the pool's size.
    expect(text).toMatch(/atomgraph_neo4j_statement_seconds_count\{statement="[^"]+",mode="READ"\} [1-9]/);
    expect(text).toMatch(/atomgraph_neo4j_sessions_in_use\{mode="READ"\} 0/);
    expect(text).toMatch(/atomgraph_neo4j_pool_max_connections 50/);
    expect(text).not.toContain(runtime.config.NEO4J_PASSWORD);
  });

  it('reports liveness on /healthz', async () => {
    const response = await fetch(`${origin()}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness on /readyz when Neo4j answers', async () => {
    const response = await fetch(`${origin()}/readyz`);
    expect(response.status).toBe(200);
  });

  it('gives a coded error for an invalid query', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports 503 on /readyz when Neo4j is unreachable', async () => {
    // A second server whose driver points at a port nothing listens on.
    const config = parseConfig({ NEO4J_URI: 'bolt://127.0.0.1:1', NEO4J_ACQUIRE_TIMEOUT_MS: 2000, NEO4J_MAX_RETRY_MS: 0, AUTH: 'off' });
    const driver = createDriver(config);
    const executor = new GraphExecutor(driver, { database: 'neo4j', timeoutMs: 2000 });
    const dead = await startServer({ config, executor, logger: createLogger('silent') }, { host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${new URL(dead.url).origin}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
      const health = await fetch(`${new URL(dead.url).origin}/healthz`);
      expect(health.status).toBe(200);
      // A query that produced no data answers with its code's status (503: retry later); one that
      // produced some data is 200 with the error beside it.
      const post = (query: string) => fetch(dead.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const nothing = await post('{ events { totalCount } }');
      expect(nothing.status).toBe(503);
      expect(((await nothing.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('DATABASE_UNAVAILABLE');
      const partial = await post('{ __typename event(atom: "x") { atom } }');
      expect(partial.status).toBe(200);
      expect(await partial.json()).toMatchObject({ data: { __typename: 'Query', event: null }, errors: [{ extensions: { code: 'DATABASE_UNAVAILABLE' } }] });
    } finally {
      await dead.close();
      await driver.close();
    }
  });
});
