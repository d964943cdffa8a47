/**
 * Benchmarks run against NEO4J_URI when set, else against an embedded Neo4j they start: a
 * throwaway one (ingest), or one kept in BENCH_DATA_DIR (default ~/.cache/atomgraph/bench-graph)
 * so the 1M-event graph the query and load benchmarks stand on is loaded once. The kept one's
 * heap and page cache are BENCH_NEO4J_HEAP and BENCH_NEO4J_PAGECACHE (default 3g each; bench:scale's
 * 10M graph needs a larger page cache to keep its indexes in memory).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
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

const loadTool = async () => (await import(pathToFileURL(join(__dirname, '..', '..', 'tools', 'neo4j', 'neo4j.mjs')).href)) as Tool;

function fromEnv(env: NodeJS.ProcessEnv): BenchNeo4j | null {
  const uri = env['NEO4J_URI'];
  if (!uri) return null;
  return { uri, user: env['NEO4J_USERNAME'] ?? 'neo4j', password: env['NEO4J_PASSWORD'] ?? 'atomgraph-dev', stop: async () => {} };
}

export async function benchNeo4j(env: NodeJS.ProcessEnv): Promise<BenchNeo4j> {
  const given = fromEnv(env);
  if (given) return given;
  const tool = await loadTool();
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-bench-'));
  const password = 'atomgraph-bench';
  const opts = { port: 0, dataDir: join(dir, 'data'), runDir: join(dir, 'run'), user: 'neo4j', password, heap: '2g', pagecache: '1g', quiet: true, timeoutMs: 300_000 };
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

/** The kept bench Neo4j; `stop` stops the server and keeps its data for the next run. */
export async function keptBenchNeo4j(env: NodeJS.ProcessEnv): Promise<BenchNeo4j> {
  const given = fromEnv(env);
  if (given) return given;
  const tool = await loadTool();
  const dir = env['BENCH_DATA_DIR'] ?? join(homedir(), '.cache', 'atomgraph', 'bench-graph');
  mkdirSync(dir, { recursive: true });
  const password = 'atomgraph-bench';
  const size = (name: string) => {
    const value = env[name] ?? '3g';
    if (!/^\d{1,6}[kmg]?$/i.test(value)) throw new Error(`${name} must be a JVM size such as 3g or 1500m, got ${value}`);
    return value;
  };
  const opts = { port: 0, dataDir: join(dir, 'data'), runDir: join(dir, 'run'), user: 'neo4j', password, heap: size('BENCH_NEO4J_HEAP'), pagecache: size('BENCH_NEO4J_PAGECACHE'), quiet: true, timeoutMs: 300_000 };
  const server = await tool.startNeo4j(opts);
  return { uri: server.uri, user: 'neo4j', password, stop: async () => void (await tool.stopNeo4j(opts)) };
}
