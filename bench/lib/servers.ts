/**
 * The HTTP servers a benchmark talks to, each in a child process so the load generator and the
 * server do not share an event loop: our API (`atomgraph serve`, built) and @neo4j/graphql.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { BenchNeo4j } from './neo4j';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bin's CommonJS list, shared as it is
const { NODE_FLAGS } = require('../../bin/node-flags.js') as { NODE_FLAGS: readonly string[] };

const ROOT = join(__dirname, '..', '..');

export interface ChildServer {
  url: string;
  pid: number;
  /** Resident memory now, MB (VmRSS). */
  rssMb(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 120 s: ${out}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${out}`));
    });
  });
}

function wrap(child: ChildProcess, url: string): ChildServer {
  return {
    url,
    pid: child.pid!,
    rssMb: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : 0;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function neo4jEnv(db: BenchNeo4j): NodeJS.ProcessEnv {
  return { ...process.env, NEO4J_URI: db.uri, NEO4J_USERNAME: db.user, NEO4J_PASSWORD: db.password, LOG_LEVEL: 'warn' };
}

/** How the README, `npm start` and the Dockerfile run the server: with bin/node-flags.js's flags. */
export const SERVER_NODE_FLAGS: readonly string[] = NODE_FLAGS;

/** `atomgraph serve` as users run it, auth off on loopback; `settings` are extra environment. */
export async function startApi(db: BenchNeo4j, settings: Record<string, string> = {}, nodeFlags: readonly string[] = SERVER_NODE_FLAGS): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, join(ROOT, 'bin', 'atomgraph.js'), 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...neo4jEnv(db), AUTH: 'off', ...settings },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = await waitForLine(child, /serving GraphQL at (\S+)/, 'atomgraph serve');
  return wrap(child, m[1]!);
}

export async function startNeo4jGraphql(db: BenchNeo4j): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'neo4j-graphql-server.ts')], { env: neo4jEnv(db), stdio: ['ignore', 'pipe', 'inherit'] });
  const m = await waitForLine(child, /(http:\/\/\S+)/, '@neo4j/graphql server');
  return wrap(child, m[1]!);
}

/**
 * The benchmark's own HTTP client: undici's `Pool.request`, one keep-alive connection per server
 * (requests are asked one at a time). The client's cost is charged to the server under test, so it
 * should be small: side by side against one server (2026-12-01, 3,000 `event` requests each,
 * interleaved), undici answered 0.23-0.29 ms sooner at p50 than node:http with a keep-alive Agent,
 * which in turn was 0.2-0.5 ms sooner than fetch.
 */
const clients = new Map<string, { pool: Pool; path: string }>();

async function post(url: string, body: string, authorization?: string): Promise<{ status: number; text: string }> {
  let client = clients.get(url);
  if (!client) {
    const { origin, pathname, search } = new URL(url);
    client = { pool: new Pool(origin, { connections: 1 }), path: pathname + search };
    clients.set(url, client);
  }
  const res = await client.pool.request({ path: client.path, method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body });
  return { status: res.statusCode, text: await res.body.text() };
}

/** Closes the client's connections (a run ends with its servers). */
export async function closeClients(): Promise<void> {
  await Promise.all([...clients.values()].map((c) => c.pool.close()));
  clients.clear();
}

/** One GraphQL request; throws on HTTP or GraphQL errors so a benchmark never times failures. */
export async function graphql(url: string, query: string, variables: Record<string, unknown> = {}, authorization?: string): Promise<Record<string, unknown>> {
  const res = await post(url, JSON.stringify({ query, variables }), authorization);
  const body = JSON.parse(res.text) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  if (res.status !== 200 || body.errors?.length) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return body.data!;
}
