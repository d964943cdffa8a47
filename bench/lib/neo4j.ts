/** Benchmarks run against NEO4J_URI when set, else against a throwaway embedded Neo4j they start. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchNeo4j {
  uri: string;
  user: string;
  password: string;
  stop(): Promise<void>;
}

interface Tool {
  startNeo4j(o: Record<string, unknown>): Promise<{ uri: string }>;
  stopNeo4j(o: Record<string, unknown>): Promise<unknown>;
}

export async function benchNeo4j(env: NodeJS.ProcessEnv): Promise<BenchNeo4j> {
  if (env['NEO4J_URI']) {
    return { uri: env['NEO4J_URI'], user: env['NEO4J_USERNAME'] ?? 'neo4j', password: env['NEO4J_PASSWORD'] ?? 'atomgraph-dev', stop: async () => {} };
  }
  const tool = (await import(pathToFileURL(join(__dirname, '..', '..', 'tools', 'neo4j', 'neo4j.mjs')).href)) as Tool;
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-bench-'));
  const password = 'atomgraph-bench';
  const opts = { port: 0, dataDir: join(dir, 'data'), runDir: join(dir, 'run'), user: 'neo4j', password, heap: '2g', pagecache: '1g', quiet: true };
  const server = await tool.startNeo4j(opts);
  return {
    uri: server.uri,
    user: 'neo4j',
    password,
    stop: async () => {
      await tool.stopNeo4j(opts);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
