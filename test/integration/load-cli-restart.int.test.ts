// `atomgraph load` when Neo4j dies mid-load: a clear error and a non-zero exit within the time its
// configured driver timeouts allow once Neo4j is gone; after a restart the same command completes,
// with nothing missing and nothing doubled.
// This suite runs its own throwaway Neo4j, since it stops it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { expectedGraph, graphCounts } from '../helpers/graph';

const root = join(__dirname, '..', '..');
const dataset = readFileSync(join(root, '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8').split('\n').filter((l) => l.trim());

/** The same dev tool `npm run neo4j:start` uses, run as a command (jest cannot import ES modules). */
function neo4jTool(command: 'start' | 'stop', args: string[]): string {
  return execFileSync(process.execPath, [join(root, 'tools', 'neo4j', 'neo4j.mjs'), command, ...args], { encoding: 'utf8' });
}

/**
 * The load's driver settings, short so the bound below is too: a managed transaction retries for up
 * to MAX_RETRY_MS, and each attempt waits at most ACQUIRE_MS for a connection (the connect timeout
 * is no longer, src/graph/driver.ts).
 */
const MAX_RETRY_MS = 3_000;
const ACQUIRE_MS = 3_000;
/**
 * Long, so only the stop makes the first load fail: at load 37 a 500-event batch once took over the
 * default 30 s and the load failed on that before Neo4j stopped. Neo4j enforces it, so once Neo4j
 * is gone it does not lengthen the bound below.
 */
const TX_TIMEOUT_MS = 300_000;
/**
 * What load adds to that on a busy machine (the error reaching the CLI, its exit). The time is
 * counted from when Neo4j has stopped, not from the start of the load: starting tsx, migrating and
 * Neo4j's own shutdown are not what this bounds, and took over a minute at load 15-18.
 */
const MARGIN_MS = 20_000;

function runLoad(file: string, uri: string, password: string): { done: Promise<{ code: number; stdout: string; stderr: string; exitedAt: number }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'load', file, '--batch-size', '500', '--no-progress'], {
    env: { ...process.env, NEO4J_URI: uri, NEO4J_PASSWORD: password, NEO4J_MAX_RETRY_MS: String(MAX_RETRY_MS), NEO4J_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_MS), NEO4J_TX_TIMEOUT_MS: String(TX_TIMEOUT_MS), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, exitedAt: Date.now() }))) };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe('atomgraph load across a Neo4j restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-restart-'));
  const password = 'restart-test-pw';
  const args = ['--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run'), '--password', password, '--heap', '512m', '--pagecache', '128m'];
  const start = (port: number) => {
    // As the global setup allows: a busy 2-core machine can take over two minutes to start it.
    const out = neo4jTool('start', [...args, '--port', String(port), '--timeout', '300']);
    const found = /bolt:\/\/[^\s]+/.exec(out)?.[0];
    if (!found) throw new Error(`neo4j start printed no URI: ${out}`);
    return found;
  };
  let uri: string;
  let driver: Driver | undefined;

  afterAll(async () => {
    await driver?.close();
    neo4jTool('stop', args);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails clearly when Neo4j stops, then completes on a rerun with nothing missing or doubled', async () => {
    const port = await freePort();
    uri = start(port);
    // Ten copies of the capture, each in its own org: enough batches for the stop to land mid-load.
    const orgs = Array.from({ length: 10 }, (_, i) => `restart-${i}`);
    const lines = orgs.flatMap((org) => dataset.map((l) => l.replace(/"oid":"[^"]*"/, `"oid":"${org}"`)));
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const first = runLoad(file, uri, password);
    driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', password));
    // Stop Neo4j once some, but not all, batches are in.
    for (let i = 0; i < 600; i++) {
      const counts = await graphCounts(driver, orgs[0]!).catch(() => null);
      if (counts && counts.events > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await driver.close();
    driver = undefined;
    neo4jTool('stop', args);
    const stoppedAt = Date.now();
    const failed = await first.done;
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/atomgraph: .*(unavailable|cannot reach Neo4j)/i);
    // Counted from when Neo4j is gone; a load that failed during Neo4j's shutdown comes out <= 0.
    expect(failed.exitedAt - stoppedAt).toBeLessThan(MAX_RETRY_MS + ACQUIRE_MS + MARGIN_MS);
    process.stdout.write(`load-cli-restart: load exited ${failed.exitedAt - stoppedAt} ms after Neo4j stopped\n`);

    uri = start(port);
    const second = await runLoad(file, uri, password).done;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', password));
    for (const org of orgs) {
      const expected = expectedGraph(lines.filter((l) => l.includes(`"oid":"${org}"`)).map((l) => JSON.parse(l) as object));
      const counts = await graphCounts(driver, org);
      expect({ org, events: counts.events, parents: counts.parentEdges, targets: counts.targetEdges, placeholders: counts.placeholders }).toEqual({
        org,
        events: expected.events.size,
        parents: expected.parentEdges,
        targets: expected.targetEdges,
        placeholders: expected.placeholders.size,
      });
    }
  }, 900_000);
});
