// Two API replicas (`atomgraph serve` child processes) on one Neo4j, as behind a load balancer
// (A through bolt://, B through neo4j://):
// the live feed crosses them through the log in Neo4j (LIVE_FEED=neo4j), a replica that restarts
// hears everything committed after it is back, and a revoked key stops working on every replica
// within AUTH_CACHE_MS. The events are made here, so what each subscriber must hear is known.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { generateKey } from '../../src/auth/api-keys';
import { ApiKeyStore } from '../../src/graph/api-keys';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { detectionWithOrg, namedAtom, type Json } from '../helpers/detections';
import { startServe, type ServeChild } from '../helpers/serve';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

const AUTH_CACHE_MS = 1_000;
const POLL_MS = 250;
const REPLICA_ENV = { AUTH: 'keys', AUTH_CACHE_MS: String(AUTH_CACHE_MS), LIVE_FEED: 'neo4j', LIVE_POLL_MS: String(POLL_MS), INGEST_BATCH_SIZE: '50' };
/** Replica B reaches the database through a routing URI, as replicas on a cluster or Aura do. */
const ROUTED_ENV = { ...REPLICA_ENV, NEO4J_URI: (process.env['NEO4J_URI'] ?? '').replace(/^bolt:/, 'neo4j:') };

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };

/** `n` new processes of one org and host, each with its own atom. */
function processes(org: string, n: number): Rec[] {
  const sid = randomUUID();
  return Array.from({ length: n }, (_, i) => ({
    routing: { this: randomBytes(16).toString('hex'), parent: randomBytes(16).toString('hex'), event_type: 'NEW_PROCESS', event_time: 1_760_000_000_000 + i, oid: org, sid, hostname: 'replica-host' },
    event: { FILE_PATH: `C:\\Windows\\p${i}.exe`, COMMAND_LINE: `p${i}.exe --n ${i}` },
  }));
}

const SUBSCRIPTION = 'subscription Live($f: EventFilter) { eventAdded(filter: $f) { droppedBefore event { atom orgId } } }';

function subscribe(replica: ServeChild, key: string, org: string) {
  const client = createClient({ url: replica.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key}` } });
  const got: { atom: string; at: number }[] = [];
  const errors: unknown[] = [];
  let started = false;
  const unsubscribe = client.subscribe<{ eventAdded: { droppedBefore: number; event: { atom: string } } }>(
    { query: SUBSCRIPTION, variables: { f: { orgIds: [org] } } },
    {
      next: (r: FormattedExecutionResult<{ eventAdded: { droppedBefore: number; event: { atom: string } } }>) => {
        if (r.errors) errors.push(r.errors);
        if (r.data) got.push({ atom: r.data.eventAdded.event.atom, at: Date.now() });
      },
      error: (e) => void errors.push(e),
      complete: () => undefined,
    },
  );
  client.on('connected', () => (started = true));
  return {
    got,
    errors,
    connected: () => started,
    close: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
}

async function post(replica: ServeChild, key: string, records: readonly Rec[]): Promise<{ accepted: number }> {
  const response = await fetch(`${replica.origin}/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
    body: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { accepted: number };
}

async function version(replica: ServeChild, key: string): Promise<number> {
  const response = await fetch(replica.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: '{ version { server } }' }) });
  return response.status;
}

/** Subscriptions are registered on the server a moment after the socket opens: ingest a probe until one arrives. */
async function untilListening(writer: ServeChild, key: string, org: string, subs: ReturnType<typeof subscribe>[]): Promise<void> {
  await waitFor('the subscriptions to connect', () => subs.every((s) => s.connected()));
  await waitFor('the subscriptions to hear a probe', async () => {
    if (subs.every((s) => s.got.length > 0)) return true;
    await post(writer, key, processes(org, 1));
    await new Promise((r) => setTimeout(r, 4 * POLL_MS));
    return subs.every((s) => s.got.length > 0);
  });
  for (const s of subs) s.got.length = 0;
}

describe('two API replicas on one Neo4j', () => {
  let runtime: Runtime;
  let store: ApiKeyStore;
  let a: ServeChild;
  let b: ServeChild;
  const org = uniqueOrg('replicas');
  const keys: Record<string, { id: string; key: string }> = {};

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    store = new ApiKeyStore(runtime.executor);
    for (const [name, role] of [['writer', 'writer'], ['reader', 'reader'], ['doomed', 'reader']] as const) {
      const k = generateKey();
      await store.create({ id: k.id, hash: k.hash, orgs: [org], role });
      keys[name] = { id: k.id, key: k.key };
    }
    [a, b] = await Promise.all([startServe(REPLICA_ENV), startServe(ROUTED_ENV)]);
  }, 180_000);

  afterAll(async () => {
    // Warnings and errors of the replicas (LOG_LEVEL warn), for a failure's story.
    for (const [name, r] of [['A', a], ['B', b]] as const) if (r?.output().includes('"level"')) process.stdout.write(`replica ${name}:\n${r.output().slice(-4000)}\n`);
    await Promise.all([a?.stop(), b?.stop()]);
    await runtime?.close();
  });

  const key = (name: string) => (keys[name] as { key: string }).key;

  it('an event posted to one replica reaches the subscribers of both, each exactly once, within a second of commit', async () => {
    const onB = subscribe(b, key('reader'), org);
    const onA = subscribe(a, key('reader'), org);
    try {
      await untilListening(a, key('writer'), org, [onA, onB]);
      const records = processes(org, 120);
      const expected = records.map((r) => r.routing['this'] as string).sort();
      const reply = await post(a, key('writer'), records);
      const committed = Date.now();
      expect(reply.accepted).toBe(records.length);
      await waitFor('replica B to hear every event', () => onB.got.length >= expected.length, 10_000);
      await waitFor('replica A to hear every event', () => onA.got.length >= expected.length, 10_000);
      // A few more polls: anything delivered twice would arrive by now.
      await new Promise((r) => setTimeout(r, 4 * POLL_MS));
      expect(onB.got.map((g) => g.atom).sort()).toEqual(expected);
      expect(onA.got.map((g) => g.atom).sort()).toEqual(expected);
      expect(onB.errors).toEqual([]);
      const lastOnB = Math.max(...onB.got.map((g) => g.at)) - committed;
      process.stdout.write(`replicas: the last of ${expected.length} events reached replica B ${lastOnB} ms after the POST to A returned\n`);
      // The issue asks for delivery within 1 s; one poll interval plus a read, with slack for a shared machine.
      expect(lastOnB).toBeLessThan(1_500);
    } finally {
      await Promise.all([onA.close(), onB.close()]);
    }
  }, 120_000);

  it('a detection posted to one replica reaches a detectionAdded subscriber of the other, once', async () => {
    const sample = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'shared', 'samples', 'secops-doc-detection-sample.json'), 'utf8')) as Json;
    // Events first, so the subscription on B is known to be registered before the detections come.
    const events = subscribe(b, key('reader'), org);
    const client = createClient({ url: b.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key('reader')}` } });
    const got: { id: string; atom: string | null }[] = [];
    const stop = client.subscribe<{ detectionAdded: { detection: { id: string; event: { atom: string } | null } } }>(
      { query: 'subscription($f: DetectionFilter) { detectionAdded(filter: $f) { droppedBefore detection { id event { atom } } } }', variables: { f: { orgIds: [org] } } },
      { next: (r) => void (r.data && got.push({ id: r.data.detectionAdded.detection.id, atom: r.data.detectionAdded.detection.event?.atom ?? null })), error: () => undefined, complete: () => undefined },
    );
    try {
      await untilListening(a, key('writer'), org, [events]);
      const ids = [randomUUID(), randomUUID()];
      const records = ids.map((id) => ({ ...detectionWithOrg(sample, org), detect_id: id }));
      const reply = (await post(a, key('writer'), records as unknown as Rec[])) as { detectionsAccepted?: number };
      expect(reply.detectionsAccepted).toBe(2);
      await waitFor('replica B to hear the detections', () => got.length >= 2, 10_000);
      await new Promise((r) => setTimeout(r, 4 * POLL_MS));
      expect(got.sort((x, y) => x.id.localeCompare(y.id))).toEqual(ids.sort().map((id) => ({ id, atom: namedAtom(sample) })));
    } finally {
      stop();
      await client.dispose();
      await events.close();
    }
  }, 120_000);

  it('a replica that restarts hears everything committed after it is back (not what was committed while it was down)', async () => {
    expect(await b.stop()).toBe(0);
    const whileDown = processes(org, 10);
    expect((await post(a, key('writer'), whileDown)).accepted).toBe(10);
    b = await startServe(ROUTED_ENV);
    const onB = subscribe(b, key('reader'), org);
    try {
      await untilListening(a, key('writer'), org, [onB]);
      const after = processes(org, 30);
      expect((await post(a, key('writer'), after)).accepted).toBe(30);
      await waitFor('the restarted replica to hear the new events', () => onB.got.length >= after.length, 10_000);
      await new Promise((r) => setTimeout(r, 4 * POLL_MS));
      expect(onB.got.map((g) => g.atom).sort()).toEqual(after.map((r) => r.routing['this'] as string).sort());
    } finally {
      await onB.close();
    }
  }, 150_000);

  it('a revoked key stops working on every replica within AUTH_CACHE_MS', async () => {
    // Both replicas have the key in their caches.
    expect(await version(a, key('doomed'))).toBe(200);
    expect(await version(b, key('doomed'))).toBe(200);
    const revokedAt = Date.now();
    expect(await store.revoke((keys['doomed'] as { id: string }).id)).toBe(true);
    const refusedAfter: number[] = [];
    for (const replica of [a, b]) {
      await waitFor('the replica to refuse the key', async () => (await version(replica, key('doomed'))) === 401, 2 * AUTH_CACHE_MS + 2_000);
      refusedAfter.push(Date.now() - revokedAt);
    }
    process.stdout.write(`replicas: the revoked key was refused ${refusedAfter.join(' and ')} ms after the revocation (AUTH_CACHE_MS ${AUTH_CACHE_MS})\n`);
    // The promise itself: any request sent AUTH_CACHE_MS after the revocation is refused, on each
    // replica (their cache entries were filled before it, so both have expired by then).
    await new Promise((r) => setTimeout(r, Math.max(0, revokedAt + AUTH_CACHE_MS - Date.now())));
    expect(await Promise.all([version(a, key('doomed')), version(b, key('doomed'))])).toEqual([401, 401]);
    // Other keys go on working on both.
    expect(await version(a, key('reader'))).toBe(200);
    expect(await version(b, key('reader'))).toBe(200);
  }, 30_000);
});
