/**
 * `npm run bench:load`: the API under sustained mixed load on the 1M-event bench graph, loopback
 * only and bounded in time: BENCH_LOAD_SECONDS (default 60) of six kinds of query at once over
 * BENCH_LOAD_CONNECTIONS (default 32) keep-alive connections (autocannon, one instance per kind,
 * so each kind has its own latency figures). A response with a GraphQL error counts as an error.
 * The server runs in a child process; its RSS is read after start, after a warm-up at the same
 * load (BENCH_LOAD_WARMUP_SECONDS, default 120), and at the end, and sampled twice a second in
 * both phases: a leak is the run's peak above the warm-up's peak.
 * Then the hostile run (issue 17), in the same invocation and against the same server: the same
 * mixed load for the same time while a writer of another org posts the largest body the server
 * allows (INGEST_MAX_RECORDS lines of bad events filling INGEST_MAX_BYTES) in a loop, and a reader
 * of that org holds its maximum of live subscriptions (LIVE_MAX_SUBSCRIPTIONS_PER_KEY, over as few
 * connections as LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION allows). The bar: the bench org's `event`
 * p99 within 2x of the quiet run, with no errors. The server runs with API keys (AUTH=keys), the
 * load with a reader key of the bench org, so the per-key caps apply as in production.
 * Then the two-replica run (issue 22): a second API process on the same Neo4j, a short warm-up of
 * it (BENCH_LOAD_REPLICA_WARMUP_SECONDS, default 30), and the same load for the same time with
 * each kind's connections split between the two (autocannon's URL list, round robin), so its
 * latency figures are over both replicas' answers.
 * Results: bench/results/load-<timestamp>.json and a table on stdout.
 */
import autocannon from 'autocannon';
import { createClient, type Client } from 'graphql-ws';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { generateKey } from '../src/auth/api-keys';
import type { Role } from '../src/domain/roles';
import { loadConfig } from '../src/config/env';
import { ApiKeyStore } from '../src/graph/api-keys';
import { benchGraph, BENCH_FLEET, type BenchTargets } from './lib/fleet-graph';
import { writeResult } from './lib/results';
import { closeClients, graphql, startApi } from './lib/servers';

const SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? 60);
const CONNECTIONS = Number(process.env['BENCH_LOAD_CONNECTIONS'] ?? 32);
/**
 * The server's heap climbs in a sawtooth before it levels off: about a minute with V8's defaults,
 * up to two without allocation-site pretenuring (how the server runs; its peaks reached 203 MB
 * after 60 s and 236 MB later in the same run, 228 MB after 120 s, where they stayed). RSS growth
 * is measured from after a warm-up of that length: growth beyond it would be a leak, growth within
 * it is the heap finding its size.
 */
const WARMUP_SECONDS = Number(process.env['BENCH_LOAD_WARMUP_SECONDS'] ?? 120);
/**
 * RSS rises and falls by 20-30% within a phase as the heap fills and is collected (a sawtooth),
 * so two single readings can differ by that much with no leak. Peaks are compared instead.
 */
const RSS_SAMPLE_MS = 500;
const REPLICA_WARMUP_SECONDS = Number(process.env['BENCH_LOAD_REPLICA_WARMUP_SECONDS'] ?? 30);

async function withPeakRss<T>(rssMb: () => number, work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peakMb = rssMb();
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb())), RSS_SAMPLE_MS);
  try {
    const value = await work();
    return { value, peakMb: Math.max(peakMb, rssMb()) };
  } finally {
    clearInterval(timer);
  }
}

interface Kind {
  name: string;
  /** Share of the connections. */
  share: number;
  body: (i: number) => { query: string; variables: Record<string, unknown> };
}

function kinds(t: BenchTargets): Kind[] {
  const atom = (i: number) => t.eventAtoms[i % t.eventAtoms.length]!;
  return [
    { name: 'event', share: 0.375, body: (i) => ({ query: 'query($a: ID!) { event(atom: $a) { atom eventType eventTime hostname ... on NewProcess { filePath commandLine } } }', variables: { a: atom(i) } }) },
    { name: 'ancestors', share: 0.125, body: (i) => ({ query: 'query($a: ID!) { ancestors(atom: $a) { atom eventType hostname ... on NewProcess { filePath } } }', variables: { a: atom(i) } }) },
    { name: 'descendants', share: 0.125, body: (i) => ({ query: 'query($a: ID!) { descendants(atom: $a, maxDepth: 8, first: 50) { totalCount edges { depth node { atom eventType parentAtom } } } }', variables: { a: atom(i) } }) },
    { name: 'sightings', share: 0.125, body: () => ({ query: 'query($v: String!) { prevalence(kind: HASH, value: $v) { hosts totalHosts } sightings(kind: HASH, value: $v, first: 20) { nodes { hostname count firstSeen } } }', variables: { v: t.hash } }) },
    { name: 'events page', share: 0.125, body: () => ({ query: 'query($h: String!) { events(filter: {hostnames: [$h], eventTypes: ["DNS_REQUEST"]}, first: 50) { totalCount edges { node { atom eventTime ... on DnsRequest { domainName } } } } }', variables: { h: t.hostname } }) },
    { name: 'eventCounts', share: 0.125, body: () => ({ query: 'query($h: String!) { eventCounts(groupBy: HOUR, filter: {hostnames: [$h]}) { key count } }', variables: { h: t.hostname } }) },
  ];
}

/** The org the hostile writer and reader belong to: not the bench org, whose latency is measured. */
const HOSTILE_ORG = 'bench-hostile';

/** With several URLs (replicas), autocannon deals the connections out among them in turn. */
function run(url: string | string[], kind: Kind, connections: number, seconds: number, authorization: string): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    // autocannon takes a list of URLs (lib/url.js); its types declare a string only.
    url: url as string,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json', authorization }, setupRequest: (req) => ({ ...req, body: JSON.stringify(kind.body(i++)) }) }],
    verifyBody: (body) => body !== undefined && !String(body).includes('"errors"'),
  });
}

async function phase(url: string | string[], ks: Kind[], seconds: number, authorization: string): Promise<{ kind: string; result: autocannon.Result }[]> {
  let left = CONNECTIONS;
  const split = ks.map((k, idx) => {
    const n = idx === ks.length - 1 ? left : Math.max(1, Math.round(CONNECTIONS * k.share));
    left -= n;
    return n;
  });
  const results = await Promise.all(ks.map((k, idx) => run(url, k, split[idx]!, seconds, authorization)));
  return ks.map((k, idx) => ({ kind: `${k.name} (${split[idx]} conns)`, result: results[idx]! }));
}

/** The largest body the server takes: INGEST_MAX_RECORDS lines, filling INGEST_MAX_BYTES, of events that fail validation (no org, no time). */
function largestBadBody(maxBytes: number, maxRecords: number): Buffer {
  const line = (i: number, filler: string) => JSON.stringify({ routing: { event_type: 'NEW_PROCESS', this: `bad-${String(i).padStart(9, '0')}` }, event: { COMMAND_LINE: filler } });
  const fillerLength = Math.floor(maxBytes / maxRecords) - 1 - line(0, '').length;
  const filler = 'x'.repeat(Math.max(0, fillerLength));
  const body = Buffer.from(Array.from({ length: maxRecords }, (_, i) => line(i, filler)).join('\n'));
  if (body.length > maxBytes) throw new Error(`the bad body is ${body.length} bytes, over INGEST_MAX_BYTES ${maxBytes}`);
  return body;
}

interface WriterTally {
  posts: number;
  /** Replies other than 200 with every line rejected. */
  errors: number;
  msPerPost: number[];
}

/** Posts `body` to /ingest again and again until `stop` is aborted. */
async function hostileWriter(origin: string, authorization: string, body: Buffer, maxRecords: number, stop: AbortSignal): Promise<WriterTally> {
  const pool = new Pool(origin, { connections: 1 });
  const tally: WriterTally = { posts: 0, errors: 0, msPerPost: [] };
  try {
    while (!stop.aborted) {
      const started = performance.now();
      const res = await pool.request({ path: '/ingest', method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization }, body });
      const reply = JSON.parse(await res.body.text()) as { accepted?: number; rejected?: number };
      tally.posts += 1;
      tally.msPerPost.push(Math.round(performance.now() - started));
      if (res.statusCode !== 200 || reply.accepted !== 0 || reply.rejected !== maxRecords) tally.errors += 1;
    }
  } finally {
    await pool.close();
  }
  return tally;
}

interface ReaderHold {
  /** Subscriptions the server holds for the reader's key, from its own metric. */
  held: number;
  /** One more subscription than the key's cap: its error code (LIMIT_EXCEEDED expected). */
  overCap: string | null;
  /** Errors on the held subscriptions (none expected). */
  errors: () => number;
  close(): Promise<void>;
}

/** A reader of the hostile org holding its maximum of eventAdded subscriptions, plus one refused. */
async function hostileReader(url: string, authorization: string, perKey: number, perConnection: number, liveSubscriptions: () => Promise<number>): Promise<ReaderHold> {
  const clients: Client[] = [];
  let errors = 0;
  const query = 'subscription($f: EventFilter) { eventAdded(filter: $f) { droppedBefore event { atom eventType } } }';
  const variables = { f: { orgIds: [HOSTILE_ORG] } };
  const before = await liveSubscriptions();
  for (let opened = 0; opened < perKey; ) {
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization } });
    clients.push(client);
    for (let n = 0; n < perConnection && opened < perKey; n++, opened++) {
      client.subscribe({ query, variables }, { next: () => undefined, error: () => void (errors += 1), complete: () => undefined });
    }
  }
  const deadline = Date.now() + 30_000;
  while ((await liveSubscriptions()) - before < perKey && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const held = (await liveSubscriptions()) - before;
  // One more, on a fresh connection: the key's own cap refuses it.
  const extra = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization } });
  clients.push(extra);
  const overCap = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 10_000);
    extra.subscribe(
      { query, variables },
      {
        next: (r) => {
          clearTimeout(timer);
          resolve(String((r.errors?.[0]?.extensions as { code?: string } | undefined)?.code ?? 'accepted'));
        },
        error: (e) => {
          clearTimeout(timer);
          resolve(String((e as { extensions?: { code?: string } }[])[0]?.extensions?.code ?? 'error'));
        },
        complete: () => undefined,
      },
    );
  });
  return { held, overCap, errors: () => errors, close: async () => void (await Promise.all(clients.map((c) => c.dispose()))) };
}

async function makeKey(store: ApiKeyStore, orgs: string[], role: Role): Promise<string> {
  const key = generateKey();
  await store.create({ id: key.id, hash: key.hash, orgs, role });
  return `Bearer ${key.key}`;
}

function tableOf(rows: { kind: string; result: autocannon.Result }[]) {
  return rows.map(({ kind, result: r }) => ({
    kind,
    requests: r.requests.total,
    requestsPerSecond: Math.round(r.requests.total / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts + r.non2xx + ((r as { mismatches?: number }).mismatches ?? 0),
  }));
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // The limits the server child runs with: the same environment, the same defaults.
  const limits = loadConfig();
  const graph = await benchGraph(log);
  const ks = kinds(graph.targets);
  const store = new ApiKeyStore(graph.executor);
  const reader = await makeKey(store, [graph.targets.orgId], 'reader');
  const hostileWriterKey = await makeKey(store, [HOSTILE_ORG], 'writer');
  const hostileReaderKey = await makeKey(store, [HOSTILE_ORG], 'reader');
  // /metrics answers admin keys only (a reader's request was refused, and the count read NaN).
  const operator = await makeKey(store, [graph.targets.orgId], 'admin');
  const api = await startApi(graph.neo4j, { AUTH: 'keys' });
  const origin = new URL(api.url).origin;
  const liveSubscriptions = async () => {
    const text = await (await fetch(`${origin}/metrics`, { headers: { authorization: operator } })).text();
    return Number(/^atomgraph_live_subscriptions (\d+)/m.exec(text)?.[1] ?? NaN);
  };
  let rows: { kind: string; result: autocannon.Result }[];
  let hostileRows: { kind: string; result: autocannon.Result }[];
  let writer: WriterTally;
  let hold: { held: number; overCap: string | null; errors: number };
  let replicaRows: { kind: string; result: autocannon.Result }[];
  const badBody = largestBadBody(limits.INGEST_MAX_BYTES, limits.INGEST_MAX_RECORDS);
  const rss = { afterStartMb: 0, afterWarmupMb: 0, afterRunMb: 0, warmupPeakMb: 0, runPeakMb: 0 };
  try {
    // Every kind answers without error before the clock starts.
    for (const k of ks) await graphql(api.url, k.body(0).query, k.body(0).variables, reader);
    rss.afterStartMb = api.rssMb();
    log(`warm-up: ${WARMUP_SECONDS} s`);
    rss.warmupPeakMb = (await withPeakRss(api.rssMb, () => phase(api.url, ks, WARMUP_SECONDS, reader))).peakMb;
    rss.afterWarmupMb = api.rssMb();
    log(`load: ${SECONDS} s at ${CONNECTIONS} connections`);
    const measured = await withPeakRss(api.rssMb, () => phase(api.url, ks, SECONDS, reader));
    rows = measured.value;
    rss.runPeakMb = measured.peakMb;
    rss.afterRunMb = api.rssMb();

    log(`hostile: ${SECONDS} s of the same load, while org ${HOSTILE_ORG} posts ${badBody.length} bytes of ${limits.INGEST_MAX_RECORDS} bad lines in a loop and holds ${limits.LIVE_MAX_SUBSCRIPTIONS_PER_KEY} subscriptions`);
    const reading = await hostileReader(api.url, hostileReaderKey, limits.LIVE_MAX_SUBSCRIPTIONS_PER_KEY, limits.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION, liveSubscriptions);
    const stop = new AbortController();
    try {
      const writing = hostileWriter(origin, hostileWriterKey, badBody, limits.INGEST_MAX_RECORDS, stop.signal);
      hostileRows = await phase(api.url, ks, SECONDS, reader).finally(() => stop.abort());
      writer = await writing;
    } finally {
      hold = { held: reading.held, overCap: reading.overCap, errors: reading.errors() };
      await reading.close();
    }

    // The same settings, a second process: what a load balancer in front of two replicas sees.
    const second = await startApi(graph.neo4j, { AUTH: 'keys' });
    try {
      const both = [api.url, second.url];
      for (const k of ks) await graphql(second.url, k.body(0).query, k.body(0).variables, reader);
      log(`two replicas: warm-up ${REPLICA_WARMUP_SECONDS} s, then ${SECONDS} s at ${CONNECTIONS} connections split between them`);
      await phase(both, ks, REPLICA_WARMUP_SECONDS, reader);
      replicaRows = await phase(both, ks, SECONDS, reader);
    } finally {
      await second.stop();
    }
  } finally {
    await closeClients();
    await api.stop();
    await graph.close();
    await graph.neo4j.stop();
  }
  const table = rows.map(({ kind, result: r }) => ({
    kind,
    requests: r.requests.total,
    requestsPerSecond: Math.round(r.requests.total / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts + r.non2xx + ((r as { mismatches?: number }).mismatches ?? 0),
  }));
  const total = {
    requests: table.reduce((s, r) => s + r.requests, 0),
    requestsPerSecond: table.reduce((s, r) => s + r.requestsPerSecond, 0),
    errors: table.reduce((s, r) => s + r.errors, 0),
  };
  const growth = Math.round(((rss.runPeakMb - rss.warmupPeakMb) / rss.warmupPeakMb) * 1000) / 10;
  const hostileTable = tableOf(hostileRows);
  const eventOf = (t: typeof table) => t.find((r) => r.kind.startsWith('event ('))!;
  const quietEvent = eventOf(table);
  const hostileEvent = eventOf(hostileTable);
  const ratio = Math.round((hostileEvent.p99 / Math.max(1, quietEvent.p99)) * 100) / 100;
  const hostileErrors = hostileTable.reduce((s, r) => s + r.errors, 0);
  const sortedPosts = [...writer.msPerPost].sort((a, b) => a - b);
  const hostile = {
    rows: hostileTable,
    writer: { org: HOSTILE_ORG, bodyBytes: badBody.length, records: limits.INGEST_MAX_RECORDS, posts: writer.posts, errors: writer.errors, msPerPostMedian: sortedPosts[Math.floor(sortedPosts.length / 2)] ?? null },
    reader: { org: HOSTILE_ORG, perKeyCap: limits.LIVE_MAX_SUBSCRIPTIONS_PER_KEY, held: hold.held, oneMore: hold.overCap, errors: hold.errors },
    eventP99: { quiet: quietEvent.p99, hostile: hostileEvent.p99, ratio },
    // The hostile run's own bar; the quiet run's errors are the quiet run's bar (reported above it).
    bar: { ratioAtMost: 2, errors: 0, met: ratio <= 2 && hostileErrors === 0 && writer.errors === 0 && hold.errors === 0 && hold.held === limits.LIVE_MAX_SUBSCRIPTIONS_PER_KEY },
  };
  const replicaTable = tableOf(replicaRows);
  const replicaTotal = {
    requests: replicaTable.reduce((s, r) => s + r.requests, 0),
    requestsPerSecond: replicaTable.reduce((s, r) => s + r.requestsPerSecond, 0),
    errors: replicaTable.reduce((s, r) => s + r.errors, 0),
  };
  const twoReplicas = { replicas: 2, warmupSeconds: REPLICA_WARMUP_SECONDS, rows: replicaTable, total: replicaTotal };
  const result = { date: new Date().toISOString(), fleet: { hosts: BENCH_FLEET.hosts, events: graph.events }, seconds: SECONDS, connections: CONNECTIONS, auth: 'keys', rows: table, total, rss: { ...rss, growthPercent: growth }, hostile, twoReplicas };
  const file = writeResult('load', result);
  const lines = [
    '| query | requests | req/s | p50 (ms) | p99 (ms) | max (ms) | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...table.map((r) => `| ${r.kind} | ${r.requests} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} |`),
    `| **all** | ${total.requests} | ${total.requestsPerSecond} | | | | ${total.errors} |`,
    '',
    `Server RSS: ${rss.afterStartMb} MB after start; peak ${rss.warmupPeakMb} MB in the warm-up, ${rss.runPeakMb} MB in the run (${growth >= 0 ? '+' : ''}${growth}%); ${rss.afterWarmupMb} MB after the warm-up and ${rss.afterRunMb} MB after the run.`,
    '',
    `Hostile run (org ${HOSTILE_ORG}: ${writer.posts} posts of ${badBody.length} bytes / ${limits.INGEST_MAX_RECORDS} bad lines, median ${hostile.writer.msPerPostMedian} ms each, ${writer.errors} unexpected replies; ${hold.held} of ${limits.LIVE_MAX_SUBSCRIPTIONS_PER_KEY} subscriptions held, one more: ${hold.overCap}, ${hold.errors} errors):`,
    '| query | requests | req/s | p50 (ms) | p99 (ms) | max (ms) | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...hostileTable.map((r) => `| ${r.kind} | ${r.requests} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} |`),
    '',
    `event p99: quiet ${quietEvent.p99} ms, hostile ${hostileEvent.p99} ms (${ratio}x; bar: within 2x with no errors: ${hostile.bar.met ? 'met' : 'NOT met'})`,
    '',
    `Two replicas (the same load, each kind's connections split between two API processes on the same Neo4j):`,
    '| query | requests | req/s | p50 (ms) | p99 (ms) | max (ms) | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...replicaTable.map((r) => `| ${r.kind} | ${r.requests} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} |`),
    `| **all** | ${replicaTotal.requests} | ${replicaTotal.requestsPerSecond} | | | | ${replicaTotal.errors} |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n\nresults: ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:load failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
