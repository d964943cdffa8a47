// Integration tests need a real Neo4j. When NEO4J_URI points at one, use it; otherwise start a
// throwaway embedded server (free port, fresh data dir) with the same launcher `npm run neo4j:start`
// uses, and hand its address to the test workers through the environment they inherit.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNeo4j } from '../../tools/neo4j/neo4j.mjs';

export default async function globalSetup() {
  if (process.env.NEO4J_URI) {
    process.stdout.write(`\nintegration tests use NEO4J_URI=${process.env.NEO4J_URI}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-test-neo4j-'));
  const password = 'atomgraph-test';
  const started = Date.now();
  const server = await startNeo4j({
    port: 0,
    dataDir: join(dir, 'data'),
    runDir: join(dir, 'run'),
    user: 'neo4j',
    password,
    heap: '1g',
    pagecache: '256m',
    quiet: true,
    // A busy 2-core machine (parallel suites, CI) can take over two minutes to start it.
    timeoutMs: 300_000,
  });
  process.env.NEO4J_URI = server.uri;
  process.env.NEO4J_USERNAME = 'neo4j';
  process.env.NEO4J_PASSWORD = password;
  globalThis.__ATOMGRAPH_TEST_NEO4J__ = { dir, runDir: join(dir, 'run'), dataDir: join(dir, 'data') };
  process.stdout.write(`\nstarted a throwaway Neo4j at ${server.uri} in ${Date.now() - started} ms (pid ${server.pid})\n`);
}
