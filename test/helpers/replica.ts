/**
 * `atomgraph serve` as a child process (from source through tsx), the way an operator runs one
 * replica: against the test Neo4j of the environment, on a free port, with its own settings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface Replica {
  child: ChildProcess;
  /** http://127.0.0.1:<port>/graphql (refused on ROLE=ingest) */
  url: string;
  origin: string;
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export async function startReplica(env: Record<string, string>, args: string[] = [], timeoutMs = 90_000): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const until = Date.now() + timeoutMs;
  let match: RegExpExecArray | null = null;
  while (!(match = /serving (?:GraphQL|ingest) at (\S+)/.exec(output))) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the replica did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // An ingest-only replica prints its /ingest address; url is its /graphql all the same.
  const url = new URL('/graphql', match[1]).href;
  return {
    child,
    url,
    origin: new URL(url).origin,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
