/**
 * `npm run bench:load`: the API under sustained mixed load on the 1M-event bench graph, loopback
 * only and bounded in time: BENCH_LOAD_SECONDS (default 60) of six kinds of query at once over
 * BENCH_LOAD_CONNECTIONS (default 32) keep-alive connections (autocannon, one instance per kind,
 * so each kind has its own latency figures). A response with a GraphQL error counts as an error.
 * The server runs in a child process; its RSS is read after start, after a warm-up at the same
 * load (BENCH_LOAD_WARMUP_SECONDS, default 120), and at the end, and sampled twice a second in
 * both phases: a leak is the run's peak above the warm-up's peak.
 * Results: bench/results/load-<timestamp>.json and a table on stdout.
 */
import autocannon from 'autocannon';
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

function run(url: string, kind: Kind, connections: number, seconds: number): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: JSON.stringify(kind.body(i++)) }) }],
    verifyBody: (body) => body !== undefined && !String(body).includes('"errors"'),
  });
}

async function phase(url: string, ks: Kind[], seconds: number): Promise<{ kind: string; result: autocannon.Result }[]> {
  let left = CONNECTIONS;
  const split = ks.map((k, idx) => {
    const n = idx === ks.length - 1 ? left : Math.max(1, Math.round(CONNECTIONS * k.share));
    left -= n;
    return n;
  });
  const results = await Promise.all(ks.map((k, idx) => run(url, k, split[idx]!, seconds)));
  return ks.map((k, idx) => ({ kind: `${k.name} (${split[idx]} conns)`, result: results[idx]! }));
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const graph = await benchGraph(log);
  const ks = kinds(graph.targets);
  const api = await startApi(graph.neo4j);
  let rows: { kind: string; result: autocannon.Result }[];
  const rss = { afterStartMb: 0, afterWarmupMb: 0, afterRunMb: 0, warmupPeakMb: 0, runPeakMb: 0 };
  try {
    // Every kind answers without error before the clock starts.
    for (const k of ks) await graphql(api.url, k.body(0).query, k.body(0).variables);
    rss.afterStartMb = api.rssMb();
    log(`warm-up: ${WARMUP_SECONDS} s`);
    rss.warmupPeakMb = (await withPeakRss(api.rssMb, () => phase(api.url, ks, WARMUP_SECONDS))).peakMb;
    rss.afterWarmupMb = api.rssMb();
    log(`load: ${SECONDS} s at ${CONNECTIONS} connections`);
    const measured = await withPeakRss(api.rssMb, () => phase(api.url, ks, SECONDS));
    rows = measured.value;
    rss.runPeakMb = measured.peakMb;
    rss.afterRunMb = api.rssMb();
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
  const result = { date: new Date().toISOString(), fleet: { hosts: BENCH_FLEET.hosts, events: graph.events }, seconds: SECONDS, connections: CONNECTIONS, rows: table, total, rss: { ...rss, growthPercent: growth } };
  const file = writeResult('load', result);
  const lines = [
    '| query | requests | req/s | p50 (ms) | p99 (ms) | max (ms) | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...table.map((r) => `| ${r.kind} | ${r.requests} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} |`),
    `| **all** | ${total.requests} | ${total.requestsPerSecond} | | | | ${total.errors} |`,
    '',
    `Server RSS: ${rss.afterStartMb} MB after start; peak ${rss.warmupPeakMb} MB in the warm-up, ${rss.runPeakMb} MB in the run (${growth >= 0 ? '+' : ''}${growth}%); ${rss.afterWarmupMb} MB after the warm-up and ${rss.afterRunMb} MB after the run.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n\nresults: ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:load failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
