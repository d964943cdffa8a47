/**
 * Retention: removes events (and detections) older than a cutoff, a bounded batch per transaction,
 * so ingest and queries keep running. What stays is coherent: the aggregates the pruned events fed
 * are taken off, indicators no event carries and sensors with no event left go, and a pruned event
 * a kept node still names becomes the placeholder it would be had it never arrived
 * (docs/graph-model.md, Retention). `atomgraph prune` and RETENTION in `serve` both run this.
 *
 * No reading statement ever meets a half-deleted event: events go in two phases (statements.ts).
 * Phase 1 marks them (readers leave marked events out) and takes them off the aggregates; phase 2
 * deletes them once `settleMs` has passed since the mark, so every statement that may have seen
 * one unmarked has ended. A run stopped between the phases (Ctrl-C, a crash) leaves marked events
 * hidden and uncounted; the next run, of any scope, finishes them first thing.
 */
import type { GraphExecutor, NamedQuery, TxRunner } from '../executor';
import { retryingDeadlocks } from '../deadlocks';
import { decrements, UNCOUNT_DETECTION_ROLLUPS, UNCOUNT_DETECTION_TAG_ROLLUPS } from '../writer/detection-rollups';
import {
  COUNT_PRUNABLE_ALL,
  COUNT_PRUNABLE_ORGS,
  DROP_EMPTY_TAGS,
  DROP_ORPHAN_INDICATORS,
  DROP_ORPHAN_PLACEHOLDERS,
  MARK_EVENTS_ALL,
  MARK_EVENTS_ORG,
  PENDING_EVENTS,
  PRUNE_DETECTIONS_ALL,
  PRUNE_DETECTIONS_ORGS,
  PRUNE_EVENTS,
  SENSORS_OF,
  SETTLED_EVENTS,
  UNCOUNT_ROLLUPS,
  UNCOUNT_SUMMED_ROLLUPS,
  UNCOUNT_SENSORS,
  UNCOUNT_SIGHTINGS,
} from './statements';

export interface PruneOptions {
  /** Events and detections with a time (routing.event_time; a detection's time) before this, in epoch ms, go. */
  before: bigint;
  /** Only these orgs; all when absent. */
  orgs?: readonly string[];
  /** Events (or detections) per transaction. */
  batchSize: number;
  /** Count only. */
  dryRun?: boolean;
  /**
   * How long a marked event waits before phase 2 deletes it: at least the longest a reading
   * statement can run. Default: twice the executor's transaction timeout (NEO4J_TX_TIMEOUT_MS),
   * since the mark's own transaction, whose start is the mark's time, may take that long to commit.
   * Readers in other processes must run with no longer a timeout.
   */
  settleMs?: number;
  onProgress?: (progress: Readonly<PruneSummary>) => void;
  /** Stops after the batch in flight. */
  signal?: AbortSignal;
}

export interface PruneSummary {
  /** What the cutoff covered when the prune started: events (not yet marked, plus those already marked), detections. */
  total: { events: number; detections: number };
  /** Events this run marked (phase 1): hidden from readers and off the aggregates. */
  marked: number;
  /** Events removed (phase 2): deleted, or turned back into placeholders because kept nodes name them. */
  events: number;
  /** Of `events`, those kept as placeholders. */
  keptAsPlaceholders: number;
  detections: number;
  /** While phase 2 waits for marks to settle: when it goes on (epoch ms); null otherwise. */
  settlingUntil: number | null;
  interrupted: boolean;
}

/** Lower than any event time: where phase 1's time-ordered walk starts. */
const EARLIEST = -(2n ** 62n);

/** The longest chain of placeholders one batch may leave orphaned (ancestry placeholders linked by snapshots). */
const MAX_CLEANUP_ROUNDS = 1000;

export async function countPrunable(executor: GraphExecutor, before: bigint, orgs?: readonly string[]): Promise<{ events: number; detections: number }> {
  const result = orgs ? await executor.read(COUNT_PRUNABLE_ORGS, { before, orgs }) : await executor.read(COUNT_PRUNABLE_ALL, { before });
  const record = result.records[0];
  return { events: Number(record?.get('events') ?? 0) + Number(record?.get('going') ?? 0), detections: Number(record?.get('detections') ?? 0) };
}

export async function prune(executor: GraphExecutor, options: PruneOptions): Promise<PruneSummary> {
  const { before, orgs, batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive whole number, got ${batchSize}`);
  const scope: Record<string, unknown> = orgs ? { before, orgs: [...orgs] } : { before };
  const settleMs = options.settleMs ?? 2 * executor.transactionTimeoutMs;
  if (!Number.isInteger(settleMs) || settleMs < 0) throw new Error(`settle time must be a whole number of ms, got ${settleMs}`);
  const summary: PruneSummary = {
    total: await countPrunable(executor, before, orgs),
    marked: 0,
    events: 0,
    keptAsPlaceholders: 0,
    detections: 0,
    settlingUntil: null,
    interrupted: false,
  };
  if (options.dryRun) return summary;
  options.onProgress?.(summary);

  // Detections first: an old event only an old detection names is then simply deleted.
  const pruneDetections: NamedQuery = orgs ? PRUNE_DETECTIONS_ORGS : PRUNE_DETECTIONS_ALL;
  for (;;) {
    if (options.signal?.aborted) return { ...summary, interrupted: true };
    const removed = await retryingDeadlocks(() => executor.writeTransaction('prune: detections batch', async (run) => {
      const result = await run(pruneDetections, { ...scope, limit: BigInt(batchSize) });
      const events = new Set<string>();
      const tags = new Set<string>();
      const rollups: string[] = [];
      const tagRollups: string[] = [];
      for (const r of result.records) {
        for (const uid of r.get('events') as string[]) events.add(uid);
        for (const uid of r.get('tags') as string[]) tags.add(uid);
        const rollup = r.get('rollup') as string | null;
        if (rollup !== null) rollups.push(rollup);
        tagRollups.push(...(r.get('tagRollups') as string[]));
      }
      if (rollups.length > 0) await run(UNCOUNT_DETECTION_ROLLUPS, { rollups: decrements(rollups) });
      if (tagRollups.length > 0) await run(UNCOUNT_DETECTION_TAG_ROLLUPS, { rollups: decrements(tagRollups) });
      if (tags.size > 0) await run(DROP_EMPTY_TAGS, { uids: [...tags] });
      await dropOrphanPlaceholders(run, events);
      return result.records.length;
    }));
    if (removed === 0) break;
    summary.detections += removed;
    options.onProgress?.(summary);
  }

  // Phase 1: mark and uncount, batch by batch in time order (each org on its own index range).
  for (const org of orgs ?? [null]) {
    let from = EARLIEST;
    for (;;) {
      if (options.signal?.aborted) return { ...summary, interrupted: true };
      const batch = await retryingDeadlocks(() => executor.writeTransaction('prune: mark events batch', async (run) => {
        const params = { before, from, limit: BigInt(batchSize) };
        const rows = (await (org === null ? run(MARK_EVENTS_ALL, params) : run(MARK_EVENTS_ORG, { ...params, org }))).records;
        const marked = rows.map((r) => r.get('uid') as string);
        if (marked.length === 0) return { marked: 0, last: from };
        const sensors = (await run(SENSORS_OF, { uids: marked })).records.map((r) => ({ uid: r.get('uid') as string, count: r.get('count') as bigint | number }));
        await run(UNCOUNT_SIGHTINGS, { uids: marked });
        await run(UNCOUNT_ROLLUPS, { uids: marked });
        for (const uncount of UNCOUNT_SUMMED_ROLLUPS) await run(uncount, { uids: marked });
        if (sensors.length > 0) await run(UNCOUNT_SENSORS, { sensors });
        const last = rows.reduce((max, r) => {
          const t = BigInt(r.get('time') as bigint | number);
          return t > max ? t : max;
        }, from);
        return { marked: marked.length, last };
      }));
      if (batch.marked === 0) break;
      from = batch.last;
      summary.marked += batch.marked;
      options.onProgress?.(summary);
    }
  }

  // Phase 2: delete what was marked (by this run or one stopped between the phases) once settled.
  for (;;) {
    if (options.signal?.aborted) return { ...summary, interrupted: true };
    const batch = await retryingDeadlocks(() => executor.writeTransaction('prune: delete events batch', async (run) => {
      const settled = (await run(SETTLED_EVENTS, { settleMs: BigInt(settleMs), limit: BigInt(batchSize) })).records.map((r) => r.get('uid') as string);
      if (settled.length === 0) return { removed: 0, kept: 0 };
      const pruned = await run(PRUNE_EVENTS, { uids: settled });
      const near = new Set<string>();
      const indicators = new Set<string>();
      let kept = 0;
      for (const r of pruned.records) {
        for (const uid of r.get('near') as string[]) near.add(uid);
        for (const uid of r.get('indicators') as string[]) indicators.add(uid);
        if (r.get('kept') === true) kept += 1;
      }
      // The pruned events kept as placeholders may be orphans too once their neighbours go.
      for (const uid of settled) near.add(uid);
      await dropOrphanPlaceholders(run, near);
      if (indicators.size > 0) await run(DROP_ORPHAN_INDICATORS, { uids: [...indicators] });
      return { removed: pruned.records.length, kept };
    }));
    if (batch.removed > 0) {
      summary.events += batch.removed;
      summary.keptAsPlaceholders += batch.kept;
      summary.settlingUntil = null;
      options.onProgress?.(summary);
      continue;
    }
    const pending = (await executor.read(PENDING_EVENTS, { settleMs: BigInt(settleMs) })).records[0];
    if (!pending || Number(pending.get('pending')) === 0) break;
    const waitMs = Math.max(50, Number(pending.get('waitMs') ?? 0));
    summary.settlingUntil = Date.now() + waitMs;
    options.onProgress?.(summary);
    await sleep(waitMs, options.signal);
  }
  summary.settlingUntil = null;
  return summary;
}

/** Resolves after `ms`, or as soon as the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Placeholders nothing names any more go, then the placeholders they named, up the snapshot chain. */
async function dropOrphanPlaceholders(run: TxRunner, candidates: ReadonlySet<string>): Promise<void> {
  let next = [...candidates];
  for (let round = 0; next.length > 0 && round < MAX_CLEANUP_ROUNDS; round++) {
    const result = await run(DROP_ORPHAN_PLACEHOLDERS, { uids: next });
    next = [...new Set(result.records.flatMap((r) => r.get('next') as string[]))];
  }
}
