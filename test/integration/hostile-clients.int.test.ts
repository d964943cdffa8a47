// Availability against a client with a valid key (issue 17): one upload must not freeze the
// server, and slow or numerous connections must not hold it. A real server on port 0 against the
// integration Neo4j; bodies are built here, and what is expected of them is computed from how they
// were built, not by the code under test.
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startServer, type RunningServer } from '../../src/api/server';
import { generateKey } from '../../src/auth/api-keys';
import { parseConfig } from '../../src/config/env';
import { ApiKeyStore } from '../../src/graph/api-keys';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

/**
 * The bound: a probe answered within this while the largest allowed body is processed,
 * asserted for the median probe (nine in ten within RESPONSIVE_P90_MS), and the slowest under STALL_MS. On the shared 2-core machine
 * this was written on (load average 20-30), the same probes of an idle server already took up to
 * 75-290 ms now and then, and a GraphQL query's 90th percentile was over 100 ms with no upload at
 * all: that is the machine, not the server. So the bound is the larger of 100 ms and three times
 * the idle server's own 90th percentile, measured just before; on a quiet machine it is 100 ms.
 * The slowest probe must stay under STALL_MS (on that machine, with another suite running beside
 * this one, single probes reached 0.8-1.5 s now and then). Before the change one probe waited for
 * the whole upload: 4.4 s for 1 MB of bad lines, 34 s for the gzip body, on a quiet machine.
 */
const RESPONSIVE_MS = 100;
/**
 * The 90th percentile's floor. The test suites run in parallel with Neo4j on two cores (CI), and the
 * upload being worked through shares this process's CPU: one probe in ten may wait behind a slice
 * of it. So the typical probe (p50) is held to RESPONSIVE_MS, nine in ten to this, every one to STALL_MS.
 */
const RESPONSIVE_P90_MS = 250;
const STALL_MS = 2_000;
const IDLE_PROBE_MS = 2_000;
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_RECORDS = 10_000;

/** Sends `probe` one after another (20 ms apart) until `work` settles; the slowest answer and the 90th percentile, in ms. */
async function slowestDuring(work: Promise<unknown>, probe: () => Promise<void>): Promise<{ max: number; p50: number; p90: number; count: number }> {
  let done = false;
  void work.finally(() => (done = true)).catch(() => undefined);
  const times: number[] = [];
  while (!done) {
    const started = performance.now();
    await probe();
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  times.sort((a, b) => a - b);
  return { max: times[times.length - 1] ?? 0, p50: times[Math.ceil(times.length * 0.5) - 1] ?? 0, p90: times[Math.ceil(times.length * 0.9) - 1] ?? 0, count: times.length };
}

const describeProbes = (what: string, p: { max: number; p50: number; p90: number; count: number }) => `${what} p50 ${p.p50.toFixed(1)} ms, p90 ${p.p90.toFixed(1)} ms, max ${p.max.toFixed(1)} ms over ${p.count} probes`;

/** A raw TCP client on loopback: what it received, and when the server closed the connection. */
function rawClient(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  const state = { received: '', openedAt: performance.now(), closedAfterMs: null as number | null };
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (state.received += d));
  socket.on('error', () => undefined);
  socket.on('close', () => (state.closedAfterMs = performance.now() - state.openedAt));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, state, connected };
}

/** Writes `text` one byte every `everyMs` until the socket closes or `text` ends. */
async function trickle(socket: Socket, text: string, everyMs: number): Promise<void> {
  for (const ch of text) {
    if (socket.destroyed || socket.writableEnded) return;
    socket.write(ch);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('hostile clients: one request never stalls the server', () => {
  let runtime: Runtime;
  let server: RunningServer;
  let origin: string;
  let port: number;
  const org = uniqueOrg('hostile');
  let writer = '';

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    const store = new ApiKeyStore(runtime.executor);
    const key = generateKey();
    await store.create({ id: key.id, hash: key.hash, orgs: [org], role: 'writer' });
    writer = `Bearer ${key.key}`;
    server = await startServer(
      {
        config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: 300_000, INGEST_MAX_BYTES: MAX_BYTES, INGEST_MAX_RECORDS: MAX_RECORDS, HTTP_HEADERS_TIMEOUT_MS: 1_500, HTTP_REQUEST_TIMEOUT_MS: 3_000, HTTP_BODY_IDLE_TIMEOUT_MS: 1_000, HTTP_MAX_CONNECTIONS_PER_ADDRESS: 64 }),
        executor: runtime.executor,
        logger: runtime.logger,
      },
      { host: '127.0.0.1', port: 0 },
    );
    origin = new URL(server.url).origin;
    port = Number(new URL(server.url).port);
    // Warm: the first requests of a process pay for connections, compilation and the key lookup.
    for (let i = 0; i < 30; i++) {
      await healthz();
      await smallQuery();
    }
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  const healthz = async () => {
    const response = await fetch(`${origin}/healthz`);
    expect(response.status).toBe(200);
    await response.text();
  };
  const smallQuery = async () => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: writer }, body: JSON.stringify({ query: '{ version { server } }' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { version: { server: expect.any(String) } } });
  };
  /** Bounds for p50 and p90: RESPONSIVE_MS and RESPONSIVE_P90_MS, or three times the idle server's own when the machine is slower than that. */
  const boundFor = async (probes: (() => Promise<void>)[]) => {
    let p50 = 0;
    let p90 = 0;
    for (const probe of probes) {
      const idle = await slowestDuring(new Promise((r) => setTimeout(r, IDLE_PROBE_MS)), probe);
      p50 = Math.max(p50, idle.p50);
      p90 = Math.max(p90, idle.p90);
    }
    return { p50: Math.max(RESPONSIVE_MS, 3 * p50), p90: Math.max(RESPONSIVE_P90_MS, 3 * p90), toFixed: (n: number) => `p50 ${Math.max(RESPONSIVE_MS, 3 * p50).toFixed(n)} / p90 ${Math.max(RESPONSIVE_P90_MS, 3 * p90).toFixed(n)}` };
  };
  const upload = async (body: Buffer, headers: Record<string, string> = {}) => {
    const response = await fetch(`${origin}/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: writer, ...headers }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  describe('uploads (item 1)', () => {
    it('a 15 KB gzip body inflating to 5,242,880 lines of {} is refused whole, while /healthz and a query keep answering (p50 within 100 ms, p90 within 250 ms, or 3x those of the idle server on a loaded host)', async () => {
      const lines = 5 * 1024 * 1024;
      const inflated = Buffer.from('{}\n'.repeat(lines));
      expect(inflated.length).toBeLessThanOrEqual(MAX_BYTES);
      const bomb = gzipSync(inflated);
      expect(bomb.length).toBeLessThan(20_000);

      const bound = await boundFor([healthz, smallQuery]);
      const sent = upload(bomb, { 'content-encoding': 'gzip' });
      const health = await slowestDuring(sent, healthz);
      const reply = await sent;
      // Far over the cap: nothing stored, told why (and the cap) in one coded answer.
      expect(reply).toEqual({ status: 413, body: { errors: [expect.objectContaining({ extensions: { code: 'PAYLOAD_TOO_LARGE', max: MAX_RECORDS } })] } });
      const query = await slowestDuring(upload(bomb, { 'content-encoding': 'gzip' }), smallQuery);
      process.stdout.write(`gzip bomb (bounds ${bound.toFixed(1)} ms): ${describeProbes('/healthz', health)}; ${describeProbes('query', query)}\n`);
      for (const probes of [health, query]) {
        expect(probes.count).toBeGreaterThanOrEqual(3);
        expect(probes.p50).toBeLessThan(bound.p50);
        expect(probes.max).toBeLessThan(STALL_MS);
      }
      // Nine in ten within the p90 bound for /healthz, which is this process's event loop alone; a
      // query's tail also waits on Neo4j, which other suites load in parallel in CI.
      expect(health.p90).toBeLessThan(bound.p90);
    }, 120_000);

    it('the largest allowed plain body of bad lines (the record cap, 16 MB) is rejected line by line while /healthz and a query keep answering (p50 within 100 ms, p90 within 250 ms, or 3x those of the idle server on a loaded host)', async () => {
      // Valid JSON that fails validation (no routing.oid): each line is parsed and checked in full.
      const filler = 'x'.repeat(Math.floor(MAX_BYTES / MAX_RECORDS) - 120);
      const line = (i: number) => JSON.stringify({ routing: { event_type: 'NEW_PROCESS', this: `bad-${i}` }, event: { COMMAND_LINE: filler } });
      const body = Buffer.from(Array.from({ length: MAX_RECORDS }, (_, i) => line(i)).join('\n'));
      expect(body.length).toBeLessThanOrEqual(MAX_BYTES);
      expect(body.length).toBeGreaterThan(MAX_BYTES * 0.95);

      const bound = await boundFor([healthz, smallQuery]);
      const sent = upload(body);
      const health = await slowestDuring(sent, healthz);
      const reply = await sent;
      expect(reply.status).toBe(200);
      // Every line counted as rejected; only the first INGEST_MAX_ERRORS_LISTED (default 100) listed.
      expect(reply.body).toMatchObject({ accepted: 0, rejected: MAX_RECORDS });
      expect(reply.body['errors']).toHaveLength(100);
      expect((reply.body['errors'] as { line: number }[]).map((e) => e.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const query = await slowestDuring(upload(body), smallQuery);
      process.stdout.write(`16 MB of bad lines (bounds ${bound.toFixed(1)} ms): ${describeProbes('/healthz', health)}; ${describeProbes('query', query)}\n`);
      for (const probes of [health, query]) {
        expect(probes.count).toBeGreaterThanOrEqual(10);
        expect(probes.p50).toBeLessThan(bound.p50);
        expect(probes.max).toBeLessThan(STALL_MS);
      }
      // Nine in ten within the p90 bound for /healthz, which is this process's event loop alone; a
      // query's tail also waits on Neo4j, which other suites load in parallel in CI.
      expect(health.p90).toBeLessThan(bound.p90);
    }, 120_000);

    it('one record over the cap refuses the body whole, with nothing stored', async () => {
      const body = Buffer.from(Array.from({ length: MAX_RECORDS + 1 }, () => '{}').join('\n'));
      expect(await upload(body)).toEqual({ status: 413, body: { errors: [expect.objectContaining({ extensions: { code: 'PAYLOAD_TOO_LARGE', max: MAX_RECORDS } })] } });
      const atCap = Buffer.from(Array.from({ length: MAX_RECORDS }, () => '{}').join('\n'));
      expect(await upload(atCap)).toMatchObject({ status: 200, body: { accepted: 0, rejected: MAX_RECORDS } });
    }, 60_000);
  });

  describe('slow and numerous connections (item 3)', () => {
    // The server under test: headers within 1.5 s, a whole request within 3 s, no pause in a body over 1 s.
    const HEADERS_MS = 1_500;
    const REQUEST_MS = 3_000;
    const IDLE_MS = 1_000;
    /** Node checks requests against its timeouts once a second; the rest is a loaded machine's scheduling. */
    const SLACK_MS = 1_500;

    it.each(['/graphql', '/ingest'])('%s without a key is answered 401 at once, its body never waited for, and the connection closed', async (path) => {
      const client = rawClient(port);
      await client.connected;
      client.socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"q`);
      const trickling = trickle(client.socket, 'x'.repeat(100), 300);
      await until('the answer', () => client.state.received.includes('\r\n\r\n'), 2_000);
      const answeredAfterMs = performance.now() - client.state.openedAt;
      expect(client.state.received).toMatch(/^HTTP\/1\.1 401 /);
      expect(client.state.received).toContain('UNAUTHENTICATED');
      expect(answeredAfterMs).toBeLessThan(IDLE_MS);
      await until('the server to close the connection', () => client.state.closedAfterMs !== null, IDLE_MS + SLACK_MS);
      client.socket.destroy();
      await trickling;
    });

    it('a body trickled with a valid key is cut by the request timeout (408), in seconds', async () => {
      const client = rawClient(port);
      await client.connected;
      client.socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: ${writer}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
      // A byte every 300 ms never trips the idle timeout; only the total does.
      const trickling = trickle(client.socket, 'x'.repeat(1000), 300);
      await until('the server to close the connection', () => client.state.closedAfterMs !== null, REQUEST_MS + SLACK_MS);
      expect(client.state.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(client.state.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_MS - 100);
      await trickling;
    });

    it('a body that stops with a valid key is refused after the idle timeout (408 REQUEST_TIMEOUT) and the connection closed', async () => {
      const client = rawClient(port);
      await client.connected;
      client.socket.write(`POST /ingest HTTP/1.1\r\nHost: x\r\nAuthorization: ${writer}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{"routing":`);
      await until('the server to close the connection', () => client.state.closedAfterMs !== null, IDLE_MS + SLACK_MS);
      expect(client.state.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(client.state.received).toContain('REQUEST_TIMEOUT');
      expect(client.state.closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS - 100);
    });

    it('headers trickled a byte at a time are cut by the headers timeout', async () => {
      const client = rawClient(port);
      await client.connected;
      const trickling = trickle(client.socket, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'y'.repeat(200)}\r\n\r\n`, 200);
      await until('the server to close the connection', () => client.state.closedAfterMs !== null, HEADERS_MS + SLACK_MS);
      expect(client.state.received).not.toContain('"status":"ok"');
      await trickling;
    });

    it('one address holds at most HTTP_MAX_CONNECTIONS_PER_ADDRESS connections: one more is refused 503 and closed, and a freed slot is usable', async () => {
      const CAP = 4;
      const capped = await startServer(
        { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', HTTP_MAX_CONNECTIONS_PER_ADDRESS: CAP }), executor: runtime.executor, logger: runtime.logger },
        { host: '127.0.0.1', port: 0 },
      );
      const cappedPort = Number(new URL(capped.url).port);
      const held: ReturnType<typeof rawClient>[] = [];
      try {
        for (let i = 0; i < CAP; i++) {
          const c = rawClient(cappedPort);
          await c.connected;
          held.push(c);
        }
        const extra = rawClient(cappedPort);
        await until('the refusal', () => extra.state.closedAfterMs !== null, 3_000);
        expect(extra.state.received).toMatch(/^HTTP\/1\.1 503 /);
        expect(extra.state.received).toContain('TOO_MANY_CONNECTIONS');
        // The held ones still work.
        held[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        await until('a held connection answered', () => held[0]!.state.received.includes('"status":"ok"'), 3_000);
        // One closed frees one slot.
        held.pop()!.socket.destroy();
        await new Promise((r) => setTimeout(r, 200));
        const next = rawClient(cappedPort);
        await next.connected;
        held.push(next);
        next.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        await until('the new connection answered', () => next.state.received.includes('"status":"ok"'), 3_000);
        expect(next.state.received).toMatch(/^HTTP\/1\.1 200 /);
      } finally {
        for (const c of held) c.socket.destroy();
        await capped.close();
      }
    });
  });
});
