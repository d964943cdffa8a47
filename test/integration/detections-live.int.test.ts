// Detections over HTTP and the live feed: a real server with API keys, the detection sample POSTed
// to /ingest as a webhook (signed) and through ingestEvents, and detectionAdded subscribers that
// must see their own orgs' detections, once each, whatever their filter names.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src/api/server';
import { generateKey } from '../../src/auth/api-keys';
import { parseConfig } from '../../src/config/env';
import { ApiKeyStore } from '../../src/graph/api-keys';
import { migrate } from '../../src/graph/schema/migrate';
import { detectionFeedOf } from '../../src/live/detections';
import type { Runtime } from '../../src/runtime';
import { detectionWithOrg, type Json } from '../helpers/detections';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

const sample = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'shared', 'samples', 'secops-doc-detection-sample.json'), 'utf8')) as Json;
const SECRET = 'detections-secret';

const SUBSCRIPTION = `subscription($f: DetectionFilter) { detectionAdded(filter: $f) { droppedBefore detection { id orgId name event { atom } } } }`;
interface Added {
  detectionAdded: { droppedBefore: number; detection: { id: string; orgId: string; name: string; event: { atom: string } | null } };
}

describe('detections over HTTP and the live feed', () => {
  let runtime: Runtime;
  let server: RunningServer;
  const orgA = uniqueOrg('det-live-a');
  const orgB = uniqueOrg('det-live-b');
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    const store = new ApiKeyStore(runtime.executor);
    for (const [name, orgs, role] of [['readerA', [orgA], 'reader'], ['writer', [orgA, orgB], 'writer']] as const) {
      const key = generateKey();
      await store.create({ id: key.id, hash: key.hash, orgs: [...orgs], role });
      keys[name] = `Bearer ${key.key}`;
    }
    server = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: 0, INGEST_SECRET: SECRET }), executor: runtime.executor, logger: runtime.logger },
      { host: '127.0.0.1', port: 0 },
    );
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  const webhook = async (record: Json, signed = true) => {
    const body = JSON.stringify(record);
    const response = await fetch(`${new URL(server.url).origin}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: keys['writer']!, ...(signed ? { 'lc-signature': createHmac('sha256', SECRET).update(body).digest('hex') } : {}) },
      body,
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it("a key of org A gets only org A's detections, once each, even when its filter names org B; webhook and ingestEvents both store them", async () => {
    const client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: keys['readerA'] } });
    const got: FormattedExecutionResult<Added, unknown>[] = [];
    const unsubscribe = client.subscribe<Added>({ query: SUBSCRIPTION, variables: { f: { orgIds: [orgA, orgB] } } }, { next: (r) => void got.push(r), error: () => {}, complete: () => {} });
    try {
      await waitFor('the subscription', () => detectionFeedOf(server.live).subscriptions === 1);
      // Unsigned: refused like any webhook, nothing stored.
      expect((await webhook(detectionWithOrg(sample, orgA), false)).status).toBe(401);
      const b = await webhook(detectionWithOrg(sample, orgB));
      expect(b).toMatchObject({ status: 200, body: { accepted: 1, detectionsAccepted: 1, rejected: 0 } });
      const a = await webhook(detectionWithOrg(sample, orgA));
      expect(a).toMatchObject({ status: 200, body: { accepted: 1, detectionsAccepted: 1, rejected: 0 } });
      // The same detection again, and a second one, through GraphQL.
      const second = { ...detectionWithOrg(sample, orgA), detect_id: 'second' };
      const mutation = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: keys['writer']! },
        body: JSON.stringify({
          query: 'mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted duplicates detectionsAccepted detectionDuplicates rejected } }',
          variables: { e: [detectionWithOrg(sample, orgA), second] },
        }),
      });
      expect(((await mutation.json()) as { data: Json }).data['ingestEvents']).toEqual({ accepted: 0, duplicates: 2, detectionsAccepted: 1, detectionDuplicates: 1, rejected: 0 });
      await waitFor("org A's detections", () => got.length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      expect(got.map((r) => r.data?.detectionAdded.detection)).toEqual([
        { id: sample['detect_id'], orgId: orgA, name: sample['cat'], event: { atom: (sample['routing'] as Json)['this'] } },
        { id: 'second', orgId: orgA, name: sample['cat'], event: { atom: (sample['routing'] as Json)['this'] } },
      ]);
      // The reader of A does not see B's copy through queries either.
      const query = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: keys['readerA']! },
        body: JSON.stringify({ query: `query($b: String!) { detection(id: "${String(sample['detect_id'])}", orgId: $b) { id } detectionCounts(groupBy: DAY, filter: {orgIds: [$b]}) { count } }`, variables: { b: orgB } }),
      });
      expect(((await query.json()) as { data: Json }).data).toEqual({ detection: null, detectionCounts: [] });
    } finally {
      unsubscribe();
      await client.dispose();
    }
  });
});
