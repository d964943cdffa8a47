// Integration tests need a real Neo4j. When NEO4J_URI points at one, use it; otherwise start a
// throwaway embedded server (free port, fresh data dir) with the same launcher `npm run neo4j:start`
// uses, migrate it once, and hand its address to the test workers through the environment they inherit.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startNeo4j, stopNeo4j } from '../../tools/neo4j/neo4j.mjs';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * `atomgraph migrate` on the fresh database, from source as the suites run it (this module cannot
 * load TypeScript): without its constraints, a suite that ingests before any suite has migrated
 * stores duplicate Event nodes, so suites would depend on their order. The suites still migrate
 * themselves (a NEO4J_URI database may not be migrated; migrate is idempotent).
 */
async function migrateOnce(env) {
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'migrate'], { cwd: ROOT, env: { ...env, LOG_LEVEL: 'warn' } });
  } catch (error) {
    throw new Error(`global setup: atomgraph migrate failed on the test Neo4j:\n${error.stderr || error.message}`);
  }
}

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
  try {
    await migrateOnce(process.env);
  } catch (error) {
    // No teardown runs after a failed setup: the server is stopped here.
    await stopNeo4j({ runDir: join(dir, 'run'), dataDir: join(dir, 'data'), quiet: true });
    throw error;
  }
  globalThis.__ATOMGRAPH_TEST_NEO4J__ = { dir, runDir: join(dir, 'run'), dataDir: join(dir, 'data') };
  process.stdout.write(`\nstarted a throwaway Neo4j at ${server.uri} and migrated it in ${Date.now() - started} ms (pid ${server.pid})\n`);
}
