// The shared live feed's log (LIVE_FEED=neo4j) in one process against the real Neo4j: a batch
// recorded twice (at least once) reaches a subscriber once, by the event's key; sequence numbers
// follow commit order without gaps; trimming deletes only batches past the cutoff.
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src/api/server';
import { parseConfig } from '../../src/config/env';
import { FeedLogReader, feedLogWriter } from '../../src/graph/feed-log';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

describe('the live feed log in Neo4j', () => {
  let runtime: Runtime;
  let server: RunningServer;
  let log: FeedLogReader;

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    log = new FeedLogReader(runtime.executor);
    server = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off', LIVE_FEED: 'neo4j', LIVE_POLL_MS: 100 }), executor: runtime.executor, logger: runtime.logger },
      { host: '127.0.0.1', port: 0 },
    );
  });
  afterAll(async () => {
    await server?.close();
    await runtime?.close();
  });

  it('records each ingest batch in order and delivers a batch recorded twice only once', async () => {
    const org = uniqueOrg('feed-log');
    const client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const atoms: string[] = [];
    const stop = client.subscribe<{ eventAdded: { event: { atom: string } } }>(
      { query: 'subscription($f: EventFilter) { eventAdded(filter: $f) { event { atom } } }', variables: { f: { orgIds: [org] } } },
      { next: (r) => void (r.data && atoms.push(r.data.eventAdded.event.atom)), error: () => undefined, complete: () => undefined },
    );
    try {
      await waitFor('the subscription', () => server.live.subscriptions === 1);
      const head = await log.head();
      const records = Array.from({ length: 6 }, (_, i) => ({
        routing: { this: randomBytes(16).toString('hex'), event_type: 'NEW_PROCESS', event_time: 1_760_000_000_000 + i, oid: org, sid: 'log-sensor', hostname: 'log-host' },
        event: { FILE_PATH: `C:\\l${i}.exe` },
      }));
      // Two requests of three: two batches, in this order.
      for (const part of [records.slice(0, 3), records.slice(3)]) {
        const mutation = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted } }', variables: { e: part } }),
        });
        expect(await mutation.json()).toEqual({ data: { ingestEvents: { accepted: 3 } } });
      }
      const uids = records.map((r) => `${org}/${r.routing.this}`);
      const batches = (await log.after(head, 100)).filter((b) => b.uids.some((u) => uids.includes(u)));
      expect(batches.map((b) => b.uids)).toEqual([uids.slice(0, 3), uids.slice(3)]);
      expect(batches.map((b) => b.kind)).toEqual(['events', 'events']);
      expect(batches[1]!.seq).toBeGreaterThan(batches[0]!.seq);
      await waitFor('the six events', () => atoms.length >= 6);

      // The first batch again, as a writer retrying after an unknown outcome would leave it.
      await runtime.executor.writeTransaction('test: record again', (run) => feedLogWriter.record(run, 'events', uids.slice(0, 3)));
      const again = await log.head();
      await waitFor('the replica to read past the repeat', () => (server.replicated?.position ?? 0) >= again);
      await new Promise((r) => setTimeout(r, 300));
      expect(atoms.sort()).toEqual(records.map((r) => r.routing.this).sort());
    } finally {
      stop();
      await client.dispose();
    }
  });

  it('trims only batches recorded before the cutoff', async () => {
    await runtime.executor.writeTransaction('test: record', (run) => feedLogWriter.record(run, 'events', ['trim-test/old']));
    const old = await log.head();
    await new Promise((r) => setTimeout(r, 50));
    const cutoff = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    await runtime.executor.writeTransaction('test: record', (run) => feedLogWriter.record(run, 'events', ['trim-test/new']));
    const fresh = await log.head();
    // Suites running beside this one poll the same log every 100-250 ms: a second later, whatever
    // was recorded before the cutoff has been read by them, so trimming it takes nothing from them.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await log.trim(cutoff, 100_000)).toBeGreaterThanOrEqual(1);
    const left = await log.after(old - 1, 100);
    expect(left.map((b) => b.seq)).not.toContain(old);
    expect(left.map((b) => b.seq)).toContain(fresh);
  });
});
