/**
 * RETENTION inside `serve`: prunes what is older than the retention every interval, one run at a
 * time (a run still going when the next is due is not doubled). Runs in the background: a failure
 * is logged and the next interval tries again; stopping aborts after the batch in flight.
 */
import type { Logger } from '../../log/logger';
import type { GraphExecutor } from '../executor';
import { prune } from './prune';

export interface RetentionOptions {
  retentionMs: number;
  intervalMs: number;
  batchSize: number;
  /** How long a marked event waits before it is deleted (prune.ts, PruneOptions.settleMs; its default when absent). */
  settleMs?: number;
}

export interface RetentionSchedule {
  /** Resolves when the run in flight (if any) has stopped. */
  stop(): Promise<void>;
}

export function startRetention(executor: GraphExecutor, logger: Logger, options: RetentionOptions): RetentionSchedule {
  const controller = new AbortController();
  let running: Promise<void> | null = null;
  const runOnce = async () => {
    const before = BigInt(Date.now() - options.retentionMs);
    const started = performance.now();
    try {
      const summary = await prune(executor, { before, batchSize: options.batchSize, settleMs: options.settleMs, signal: controller.signal });
      logger.info(
        { before: new Date(Number(before)).toISOString(), marked: summary.marked, events: summary.events, keptAsPlaceholders: summary.keptAsPlaceholders, detections: summary.detections, ms: Math.round(performance.now() - started) },
        'retention: pruned',
      );
    } catch (err) {
      logger.error({ err }, 'retention: prune failed; the next interval tries again');
    }
  };
  const tick = () => {
    if (running || controller.signal.aborted) return;
    running = runOnce().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  tick();
  logger.info({ retentionMs: options.retentionMs, intervalMs: options.intervalMs }, 'retention: scheduled');
  return {
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}
