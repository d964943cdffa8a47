/**
 * `atomgraph prune --before <time> [--org <oid>...] [--dry-run]`: removes events and detections
 * older than the cutoff by hand, a bounded batch per transaction (docs/graph-model.md, Retention).
 * Online: ingest and queries keep running. Ctrl-C stops after the batch in flight; running it
 * again finishes the rest.
 */
import { SingleBar } from 'cli-progress';
import { parseCutoff } from '../domain/time';
import { AppError, ErrorCode } from '../errors/codes';
import { prune, type PruneSummary } from '../graph/prune/prune';
import { migrate } from '../graph/schema/migrate';
import { createRuntime } from '../runtime';
import { stopAfterBatchOnSigint } from './interrupt';

export interface PruneCliOptions {
  before: string;
  org?: string[];
  dryRun?: boolean;
  batchSize?: string;
  progress: boolean;
}

export async function pruneCommand(options: PruneCliOptions): Promise<void> {
  const cutoff = parseCutoff(options.before);
  if ('reason' in cutoff) throw new AppError(ErrorCode.BAD_USER_INPUT, `--before: ${cutoff.reason}`);
  const orgs = options.org && options.org.length > 0 ? options.org : undefined;
  if (orgs?.some((o) => o.trim() === '')) throw new AppError(ErrorCode.BAD_USER_INPUT, '--org must not be empty');
  const runtime = await createRuntime({ overrides: { PRUNE_BATCH_SIZE: options.batchSize }, startLocalNeo4jIfUnset: true });
  const interrupt = stopAfterBatchOnSigint();
  const bar =
    options.progress && process.stderr.isTTY === true && !options.dryRun
      ? new SingleBar({ format: 'pruning | {bar} | {value}/{total} events deleted | {marked} marked | {detections} detections | {phase}', stream: process.stderr, hideCursor: true })
      : null;
  const started = performance.now();
  const when = new Date(Number(cutoff.ms)).toISOString();
  try {
    await migrate(runtime.executor);
    let barStarted = false;
    const summary = await prune(runtime.executor, {
      before: cutoff.ms,
      orgs,
      batchSize: runtime.config.PRUNE_BATCH_SIZE,
      dryRun: options.dryRun === true,
      signal: interrupt.signal,
      onProgress: (p) => {
        if (!bar) return;
        if (!barStarted) {
          bar.start(p.total.events, 0, { detections: 0, marked: 0, phase: '' });
          barStarted = true;
        }
        bar.update(p.events, { detections: p.detections, marked: p.marked, phase: phaseOf(p) });
      },
    });
    bar?.stop();
    const scope = orgs ? ` in ${orgs.join(', ')}` : '';
    if (options.dryRun) {
      process.stdout.write(`dry run: ${summary.total.events} events and ${summary.total.detections} detections before ${when}${scope} would be pruned\n`);
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `${summary.interrupted ? 'interrupted' : 'done'}: pruned ${summary.events} events (${summary.keptAsPlaceholders} kept as placeholders: kept events name them) ` +
        `and ${summary.detections} detections before ${when}${scope} in ${seconds.toFixed(1)} s\n`,
    );
    if (summary.interrupted && summary.marked > summary.events) {
      process.stdout.write(`${summary.marked - summary.events} marked events are hidden and off the counts; the next prune deletes them\n`);
    }
    if (summary.interrupted) process.exitCode = 130;
  } finally {
    bar?.stop();
    interrupt.release();
    await runtime.close();
  }
}

/** What the run is doing, for the bar: phase 2 waits until no read that saw a marked event unmarked can still run. */
function phaseOf(p: Readonly<PruneSummary>): string {
  if (p.settlingUntil !== null) return `waiting ${Math.max(0, Math.ceil((p.settlingUntil - Date.now()) / 1000))} s for running reads`;
  return p.events > 0 ? 'deleting' : 'marking';
}
