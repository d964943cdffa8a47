// Graceful shutdown of `atomgraph serve` as operators run it (a child process, against the test
// Neo4j): SIGTERM while a large POST /ingest is in flight lets that request finish and store all
// of its events, refuses new connections, closes subscriptions with 1001, and exits 0.
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Runtime } from '../../src/runtime';
import { graphCounts, withOrg } from '../helpers/graph';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { startServe } from '../helpers/serve';
import { waitFor } from '../helpers/wait';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const root = join(__dirname, '..', '..');
const dataset = readFileSync(join(root, '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Rec);

/** Whether a new TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('atomgraph serve: graceful shutdown', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(async () => {
    await runtime.close();
  });

  it('on SIGTERM finishes the ingest in flight, refuses new connections, closes subscriptions with 1001 and exits 0', async () => {
    const serve = await startServe({ AUTH: 'off', LOG_LEVEL: 'info', INGEST_BATCH_SIZE: '500', INGEST_MAX_BYTES: String(64 * 1024 * 1024), INGEST_MAX_RECORDS: '100000' });
    try {
      const url = new URL(serve.url);
      const port = Number(url.port);

      // An open subscription, to see how it is closed.
      const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await new Promise((resolve) => ws.once('open', resolve));
      const acked = new Promise((resolve) => ws.once('message', resolve));
      ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      await acked;
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { eventAdded { droppedBefore } }' } }));

      // A large bulk body: several orgs of the capture, so it takes a while to store.
      const orgs = Array.from({ length: 5 }, () => uniqueOrg('shutdown'));
      const body = orgs.flatMap((org) => withOrg(dataset, org).map((r) => JSON.stringify(r))).join('\n');
      let finished = false;
      const post = fetch(`${url.origin}/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body }).then(async (r) => {
        finished = true;
        return { status: r.status, body: (await r.json()) as { accepted: number; rejected: number } };
      });
      // In flight for sure: its first batches are committed, the last org not yet.
      await waitFor('the first batches', async () => (await graphCounts(runtime.driver, orgs[0] as string)).events > 0, 60_000);
      expect(finished).toBe(false);
      const signalled = Date.now();
      serve.child.kill('SIGTERM');

      await waitFor('the listener to close', () => refused(port), 10_000);
      expect(finished).toBe(false);

      const reply = await post;
      const drainedMs = Date.now() - signalled;
      expect(reply).toEqual({ status: 200, body: expect.objectContaining({ accepted: orgs.length * dataset.length, rejected: 0 }) });
      expect(await serve.exited).toBe(0);
      expect(await closed).toBe(1001);
      for (const org of orgs) expect((await graphCounts(runtime.driver, org)).events).toBe(dataset.length);
      expect(serve.output()).toMatch(/shutting down/);
      expect(serve.output()).toMatch(/"msg":"stopped"/);
      process.stdout.write(`shutdown: the in-flight POST of ${orgs.length * dataset.length} events completed ${drainedMs} ms after SIGTERM\n`);
    } finally {
      if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    }
  }, 180_000);
});
