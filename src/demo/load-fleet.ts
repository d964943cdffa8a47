/**
 * Loads a generated fleet into the graph once: the fleet is named by its ground truth, a marker
 * node remembers a finished load, and a fleet that changed replaces the old one in its orgs.
 * The demo and the query/load benchmarks stand on it.
 */
import { createHash } from 'node:crypto';
import { generate, type GenerateOptions, type Truth } from '../generate';
import type { GraphExecutor } from '../graph/executor';
import { clearDemoOrgs, readDemoMarker, writeDemoMarker } from '../graph/demo-marker';
import { ingest, type IngestSummary } from '../ingest/pipeline';
import { readStream } from '../ingest/read';
import { DetectionTap, type TruthWithDetections, withDetections } from '../generate/stories/detections';

export interface FleetLoad {
  /** With the detections a rule set raised on the fleet (loaded with it). */
  truth: TruthWithDetections;
  /** Events the graph holds for this fleet. */
  events: number;
  /** False when an earlier run had loaded it already. */
  loadedNow: boolean;
  summary?: IngestSummary;
  seconds?: number;
}

export interface LoadFleetOptions {
  executor: GraphExecutor;
  batchSize: number;
  onStart?: () => void;
  onProgress?: (summary: Readonly<IngestSummary>) => void;
}

/**
 * Names the fleet by its ground truth, so a generator that now writes other events (another
 * version, other options) loads afresh instead of answering for a fleet that is not there.
 */
export function fleetKey(truth: Truth): string {
  return `demo/${createHash('sha256').update(JSON.stringify(truth)).digest('hex')}`;
}

export async function loadFleetOnce(fleet: GenerateOptions, options: LoadFleetOptions): Promise<FleetLoad> {
  // Same seed, same fleet: a first pass without writing gives the truth that names it.
  const dryRun = generate(fleet, { threads: true });
  const dryTap = new DetectionTap();
  for await (const chunk of dryRun.stream.pipe(dryTap)) void chunk;
  const truth = withDetections(dryRun.truth(), dryTap.detections());
  const key = fleetKey(truth);
  const loaded = await readDemoMarker(options.executor, key);
  if (loaded !== null) return { truth, events: loaded, loadedNow: false };
  await clearDemoOrgs(options.executor, truth.orgs.map((o) => o.oid));
  options.onStart?.();
  const started = performance.now();
  const generation = generate(fleet, { threads: true });
  const tap = new DetectionTap();
  generation.stream.on('error', (error) => tap.destroy(error));
  const summary = await ingest(readStream(generation.stream.pipe(tap), 'generated-fleet'), {
    executor: options.executor,
    batchSize: options.batchSize,
    onProgress: options.onProgress,
  });
  await writeDemoMarker(options.executor, key, summary.stored);
  return { truth, events: summary.stored, loadedNow: true, summary, seconds: (performance.now() - started) / 1000 };
}
