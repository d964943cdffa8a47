// Query limits: too deep, too many aliases, too many tokens, too costly are refused before any
// Cypher runs (a counting executor proves it); a slow query hits the transaction timeout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextFor, createApollo, startServer } from '../../src/api/server';
import { parseConfig, type ConfigInput } from '../../src/config/env';
import { demoQueries } from '../../src/demo/queries';
import { generateText, withDefaults } from '../../src/generate';
import { GraphExecutor, type NamedQuery } from '../../src/graph/executor';
import { createLogger } from '../../src/log/logger';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';

interface Result {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe('query limits', () => {
  let runtime: Runtime;
  let queries = 0;
  let counting: GraphExecutor;
  beforeAll(async () => {
    runtime = await testRuntime();
    counting = new GraphExecutor(runtime.driver, { database: runtime.config.NEO4J_DATABASE, timeoutMs: 30_000, onQuery: () => (queries += 1) });
  });
  afterAll(async () => runtime.close());

  const run = async (query: string, variables: Record<string, unknown> = {}, settings: ConfigInput = {}): Promise<Result> => {
    const deps = { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off', ...settings }), executor: counting, logger: createLogger('silent') };
    const apollo = createApollo(deps);
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query, variables }, { contextValue: contextFor(deps) });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as Result;
    } finally {
      await apollo.stop();
    }
  };
  const refused = async (query: string, code: string, variables: Record<string, unknown> = {}, settings: ConfigInput = {}) => {
    const before = queries;
    const result = await run(query, variables, settings);
    expect(result.errors?.[0]?.extensions?.['code']).toBe(code);
    expect(result.data ?? null).toBeNull();
    expect(queries - before).toBe(0);
    return result;
  };

  it('refuses selections nested deeper than GRAPHQL_MAX_DEPTH', async () => {
    const deep = `{ event(atom: "x") { ${'parent { '.repeat(20)}atom${' }'.repeat(20)} } }`;
    await refused(deep, 'QUERY_TOO_DEEP');
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: event(atom: "x${i}") { atom }`).join(' ');
    await refused(`{ ${aliases} }`, 'TOO_MANY_ALIASES');
  });

  it('refuses a document longer than GRAPHQL_MAX_TOKENS', async () => {
    const long = `{ event(atom: "x") { ${'atom '.repeat(6000)}} }`;
    await refused(long, 'TOO_MANY_TOKENS');
  });

  it('refuses a query whose cost (first x maxDepth through nesting) is over GRAPHQL_MAX_COST, saying the cost', async () => {
    const wide = '{ events(first: 500) { nodes { descendants(first: 500, maxDepth: 32) { nodes { atom } } } } }';
    const result = await refused(wide, 'QUERY_TOO_COMPLEX');
    const ext = result.errors?.[0]?.extensions ?? {};
    expect(ext['maxCost']).toBe(100_000);
    expect(ext['cost'] as number).toBeGreaterThan(500 * 500 * 32);
  });

  it('prices arguments passed as variables and schema defaults too', async () => {
    const q = 'query($n: Int) { events(first: $n) { nodes { children { nodes { children { nodes { atom } } } } } } }';
    await refused(q, 'QUERY_TOO_COMPLEX', { n: 500 });
    // The same shape with the default page sizes (50 x 50 x 50 = 125,000) is over a lower limit as well.
    await refused('{ events { nodes { children { nodes { children { nodes { atom } } } } } } }', 'QUERY_TOO_COMPLEX', {}, { GRAPHQL_MAX_COST: 50_000 });
  });

  it("lets a hunter's questions through: the README examples and the demo's queries", async () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((m) =>
      (m[1] ?? '')
        .split(/\n(?:#[^\n]*\n)+/)
        .map((op) => op.replace(/^#[^\n]*\n/gm, '').trim())
        .filter(Boolean),
    );
    const { truth } = await generateText(withDefaults({ hosts: 4, events: 2000, seed: 'limits', orgs: 1 }));
    const all = [...examples, ...demoQueries(truth.stories[0]!).map((q) => q.query)];
    expect(all.length).toBeGreaterThanOrEqual(8);
    // The limits are what is tested: the examples name atoms and hosts of one loaded capture, which
    // this shared database may hold in several orgs or not at all (AMBIGUOUS_ATOM, UNKNOWN_HOST).
    const DATA_DEPENDENT = new Set(['AMBIGUOUS_ATOM', 'UNKNOWN_HOST']);
    for (const query of all) {
      const result = await run(query);
      const codes = (result.errors ?? []).map((e) => e.extensions?.['code']).filter((c) => !DATA_DEPENDENT.has(String(c)));
      expect(codes).toEqual([]);
    }
  });

  it('answers an over-limit request with HTTP 400 and the code', async () => {
    const server = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off', GRAPHQL_MAX_COST: 10 }), executor: counting, logger: createLogger('silent') },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ events(first: 100) { nodes { atom } } }' }) });
      expect(response.status).toBe(400);
      const body = (await response.json()) as Result;
      expect(body.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
    } finally {
      await server.close();
    }
  });

  it('stops a query that runs longer than the transaction timeout, with DATABASE_TIMEOUT', async () => {
    const slow: NamedQuery = { name: 'deliberately slow', cypher: 'UNWIND range(1, 50000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n' };
    const impatient = new GraphExecutor(runtime.driver, { database: runtime.config.NEO4J_DATABASE, timeoutMs: 200 });
    await expect(impatient.read(slow)).rejects.toMatchObject({ code: 'DATABASE_TIMEOUT' });
  });
});
