/**
 * `atomgraph demo` (`npm run demo`): starts the local Neo4j unless NEO4J_URI is set, generates and
 * loads a demo fleet with planted attacks unless it is already loaded, serves the API without auth
 * on 127.0.0.1, and prints three queries that find the attack.
 */
import { SingleBar } from 'cli-progress';
import { demoFleetKey, DEMO_FLEET } from '../demo/fleet';
import { demoQueries, formatDemoQueries } from '../demo/queries';
import { generate, type Truth } from '../generate';
import { clearDemoOrgs, readDemoMarker, writeDemoMarker } from '../graph/demo-marker';
import { migrate } from '../graph/schema/migrate';
import { ingest, type IngestSummary } from '../ingest/pipeline';
import { readStream } from '../ingest/read';
import { createRuntime, type Runtime } from '../runtime';
import { serveCommand } from './serve';

export interface DemoOptions {
  port?: string;
}

export async function demoCommand(options: DemoOptions): Promise<void> {
  const runtime = await createRuntime({ startLocalNeo4jIfUnset: true, overrides: { HOST: '127.0.0.1' } });
  let truth: Truth;
  try {
    await migrate(runtime.executor);
    truth = await ensureFleetLoaded(runtime);
  } finally {
    await runtime.close();
  }
  // No auth on loopback only: the demo is for the person at this machine.
  await serveCommand({ host: '127.0.0.1', port: options.port }, { AUTH: 'off' });
  const url = `http://127.0.0.1:${options.port ?? runtime.config.PORT}/graphql`;
  const story = truth.stories[0];
  if (!story) return;
  process.stdout.write(
    `\nThe demo fleet: ${truth.summary.events} events from ${DEMO_FLEET.hosts} hosts in ${truth.orgs.length} orgs, ` +
      `with ${truth.stories.length} planted attacks (phishing -> PowerShell -> lsass -> lateral movement -> beaconing).\n` +
      `Open ${url} in a browser, or try these:\n\n${formatDemoQueries(url, demoQueries(story))}\n`,
  );
}

/** Loads the fleet unless a previous demo finished loading it; returns its ground truth either way. */
async function ensureFleetLoaded(runtime: Runtime): Promise<Truth> {
  // Same seed, same fleet: a first pass (a second or two) gives the truth that names it.
  const dryRun = generate(DEMO_FLEET, { threads: true });
  for await (const chunk of dryRun.stream) void chunk;
  const truth = dryRun.truth();
  const key = demoFleetKey(truth);
  const loaded = await readDemoMarker(runtime.executor, key);
  if (loaded !== null) {
    process.stdout.write(`demo fleet already loaded (${loaded} events)\n`);
    return truth;
  }
  await clearDemoOrgs(runtime.executor, runtime.config.NEO4J_DATABASE, truth.orgs.map((o) => o.oid));
  const generation = generate(DEMO_FLEET, { threads: true });
  process.stdout.write(`generating and loading the demo fleet (${DEMO_FLEET.hosts} hosts, ~${DEMO_FLEET.events} events)...\n`);
  const started = performance.now();
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'loading | {value} events | {rate} events/s', stream: process.stderr, hideCursor: true })
    : null;
  bar?.start(0, 0, { rate: 0 });
  const onProgress = (s: Readonly<IngestSummary>) =>
    bar?.update(s.records, { rate: Math.round(s.records / ((performance.now() - started) / 1000)) });
  let summary: IngestSummary;
  try {
    summary = await ingest(readStream(generation.stream, 'demo-fleet'), { executor: runtime.executor, batchSize: runtime.config.INGEST_BATCH_SIZE, onProgress });
  } finally {
    bar?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `loaded ${summary.stored} events (${summary.duplicates} duplicates, ${summary.rejected} rejected) in ${seconds.toFixed(1)} s\n`,
  );
  await writeDemoMarker(runtime.executor, key, summary.stored);
  return truth;
}
