/**
 * `atomgraph serve` as a child process (from source through tsx), the way an operator runs it (one
 * replica, or the only server): against the test Neo4j of the environment, on a free port, with its
 * own settings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait';

const ROOT = join(__dirname, '..', '..');
const LISTENING = /serving (?:GraphQL|ingest) at (\S+)/;

export interface ServeChild {
  child: ChildProcess;
  /** http://127.0.0.1:<port>/graphql (refused on ROLE=ingest) */
  url: string;
  origin: string;
  output(): string;
  /** The exit code once the process has exited (after a signal the test sent itself). */
  exited: Promise<number | null>;
  /** SIGTERM (unless it has exited) and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** `env` over the test's own environment (LOG_LEVEL warn unless set); `args` after `serve --host --port`. */
export async function startServe(env: Record<string, string>, args: string[] = [], timeoutMs = 90_000): Promise<ServeChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    await waitFor('the server to listen', () => LISTENING.test(output) || child.exitCode !== null, timeoutMs, 50);
  } catch {
    // Timed out: the output below says why.
  }
  const match = LISTENING.exec(output);
  if (!match) {
    child.kill('SIGKILL');
    throw new Error(`atomgraph serve did not start:\n${output}`);
  }
  // An ingest-only replica prints its /ingest address; url is its /graphql all the same.
  const url = new URL('/graphql', match[1]).href;
  return {
    child,
    url,
    origin: new URL(url).origin,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
