/**
 * `atomgraph demo` (`npm run demo`): starts the local Neo4j unless NEO4J_URI is set, generates and
 * loads a demo fleet with planted attacks unless it is already loaded, serves the API without auth
 * on 127.0.0.1, and prints three queries that find the attack.
 */
import { SingleBar } from 'cli-progress';
import { DEMO_FLEET } from '../demo/fleet';
import { loadFleetOnce, type FleetLoad } from '../demo/load-fleet';
import { demoQueries, explorerLink, formatDemoQueries } from '../demo/queries';
import { topDetection, type TruthWithDetections } from '../generate/stories/detections';
import { migrate } from '../graph/schema/migrate';
import type { IngestSummary } from '../ingest/pipeline';
import { createRuntime, type Runtime } from '../runtime';
import { serveCommand } from './serve';

export interface DemoOptions {
  port?: string;
}

export async function demoCommand(options: DemoOptions): Promise<void> {
  const runtime = await createRuntime({ startLocalNeo4jIfUnset: true, overrides: { HOST: '127.0.0.1' } });
  let truth: TruthWithDetections;
  try {
    await migrate(runtime.executor);
    truth = await ensureFleetLoaded(runtime);
  } finally {
    await runtime.close();
  }
  // No auth on loopback only: the demo is for the person at this machine. A local Neo4j the demo
  // started is stopped with the server (Ctrl-C); one that was already running is left alone.
  const startedNeo4j = runtime.localNeo4j !== null && !runtime.localNeo4j.alreadyRunning;
  await serveCommand({ host: '127.0.0.1', port: options.port }, { AUTH: 'off' }, startedNeo4j);
  const url = `http://127.0.0.1:${options.port ?? runtime.config.PORT}/graphql`;
  const story = truth.stories[0];
  if (!story) return;
  process.stdout.write(
    `\nThe demo fleet: ${truth.summary.events} events from ${DEMO_FLEET.hosts} hosts in ${truth.orgs.length} orgs, ` +
      `with ${truth.stories.length} planted attacks (phishing -> PowerShell -> lsass -> lateral movement -> beaconing) and ${truth.detections.length} detections.\n` +
      `See the attack drawn in the explorer: ${explorerLink(new URL(url).origin, story)}\n` +
      `Open ${url} in a browser, or try these:\n\n${formatDemoQueries(url, demoQueries(story, topDetection(truth, story.id)))}\n`,
  );
}

/** Loads the fleet unless a previous demo finished loading it; returns its ground truth either way. */
async function ensureFleetLoaded(runtime: Runtime): Promise<TruthWithDetections> {
  let started = 0;
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'loading | {value} events | {rate} events/s', stream: process.stderr, hideCursor: true })
    : null;
  let load: FleetLoad;
  try {
    load = await loadFleetOnce(DEMO_FLEET, {
      executor: runtime.executor,
      batchSize: runtime.config.INGEST_BATCH_SIZE,
      onStart: () => {
        process.stdout.write(`generating and loading the demo fleet (${DEMO_FLEET.hosts} hosts, ~${DEMO_FLEET.events} events)...\n`);
        started = performance.now();
        bar?.start(0, 0, { rate: 0 });
      },
      onProgress: (s: Readonly<IngestSummary>) =>
        bar?.update(s.records, { rate: Math.round(s.records / ((performance.now() - started) / 1000)) }),
    });
  } finally {
    bar?.stop();
  }
  if (!load.loadedNow) {
    process.stdout.write(`demo fleet already loaded (${load.events} events)\n`);
  } else if (load.summary) {
    const s = load.summary;
    process.stdout.write(`loaded ${s.stored} events (${s.duplicates} duplicates, ${s.rejected} rejected) in ${(load.seconds ?? 0).toFixed(1)} s\n`);
  }
  return load.truth;
}
