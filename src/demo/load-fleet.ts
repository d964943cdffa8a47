/**
 * Loads a generated fleet into the graph once: the fleet is named by its ground truth, a marker
 * node remembers a finished load, and a fleet that changed replaces the old one in its orgs.
 * A load that is cut off (Ctrl-C, a session's end, an abort) goes on where it stopped next time:
 * the marker keeps how many records are surely committed, the generator (seeded, so the same
 * stream) skips them, and the few records written twice at the seam are duplicates, which the
 * graph absorbs. The demo and the query/load/scale benchmarks stand on it (10M events is hours).
 */
import { createHash } from 'node:crypto';
import { generate, type GenerateOptions, type Truth } from '../generate';
import type { GraphExecutor } from '../graph/executor';
import { clearDemoOrgs, countFleetEvents, readDemoMarker, writeDemoMarker, writeDemoProgress } from '../graph/demo-marker';
import { DEFAULT_WRITE_CONCURRENCY, ingest, type IngestSummary } from '../ingest/pipeline';
import { type InputItem, readStream } from '../ingest/read';
import { DetectionTap, type TruthWithDetections, withDetections } from '../generate/stories/detections';

export interface FleetLoad {
  /** With the detections a rule set raised on the fleet (loaded with it). */
  truth: TruthWithDetections;
  /** Events the graph holds for this fleet. */
  events: number;
  /** False when an earlier run had loaded it already. */
  loadedNow: boolean;
  /** Records an earlier, cut-off run had committed, skipped by this one (0: loaded from the start). */
  resumedFrom?: number;
  /** True when the abort signal stopped this run; the next one goes on from where it stopped. */
  interrupted?: boolean;
  summary?: IngestSummary;
  seconds?: number;
}

export interface LoadFleetOptions {
  executor: GraphExecutor;
  batchSize: number;
  onStart?: () => void;
  onProgress?: (summary: Readonly<IngestSummary>) => void;
  /** Stops after the batches in flight; progress is kept for the next run. */
  signal?: AbortSignal;
  /** How often the resume point is written (default every 10 s). */
  checkpointMs?: number;
}

/** The generated stream without its first `count` records (an earlier run committed them). */
async function* skipRecords(items: AsyncIterable<InputItem>, count: number): AsyncGenerator<InputItem> {
  let seen = 0;
  for await (const item of items) {
    if (seen++ >= count) yield item;
  }
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
  const marker = await readDemoMarker(options.executor, key);
  if (marker.events !== null) return { truth, events: marker.events, loadedNow: false };
  const orgs = truth.orgs.map((o) => o.oid);
  const resumeFrom = marker.resumeFrom;
  if (resumeFrom === 0) await clearDemoOrgs(options.executor, orgs);
  options.onStart?.();
  const started = performance.now();
  const generation = generate(fleet, { threads: true });
  const tap = new DetectionTap();
  generation.stream.on('error', (error) => tap.destroy(error));

  // Records before the oldest batch still in flight are committed: at most the batches in flight
  // and the one being filled (each at most batchSize records) are not. Saved every few seconds.
  const unsure = (DEFAULT_WRITE_CONCURRENCY + 1) * options.batchSize;
  let saving: Promise<void> = Promise.resolve();
  let lastSaved = performance.now();
  /** Writes a resume point after the ones before it (never two at once, never out of order). */
  const save = (point: number) => {
    saving = saving.then(() => writeDemoProgress(options.executor, key, point));
  };
  let summary: IngestSummary;
  try {
    summary = await ingest(skipRecords(readStream(generation.stream.pipe(tap), 'generated-fleet'), resumeFrom), {
      executor: options.executor,
      batchSize: options.batchSize,
      signal: options.signal,
      onProgress: (s) => {
        if (performance.now() - lastSaved >= (options.checkpointMs ?? 10_000)) {
          lastSaved = performance.now();
          save(resumeFrom + Math.max(0, s.records - unsure));
        }
        options.onProgress?.(s);
      },
    });
  } catch (error) {
    // A failed load keeps its last resume point; the next run goes on from there.
    await saving.catch(() => undefined);
    generation.stream.destroy();
    throw error;
  }
  if (summary.interrupted) {
    // Every batch read has been written by now (ingest waits for them), so all of it counts.
    save(resumeFrom + summary.records);
    await saving;
    generation.stream.destroy();
    return { truth, events: summary.stored, loadedNow: true, resumedFrom: resumeFrom, interrupted: true, summary, seconds: (performance.now() - started) / 1000 };
  }
  await saving;
  const events = resumeFrom === 0 ? summary.stored : await countFleetEvents(options.executor, orgs);
  await writeDemoMarker(options.executor, key, events);
  return { truth, events, loadedNow: true, resumedFrom: resumeFrom, summary, seconds: (performance.now() - started) / 1000 };
}
