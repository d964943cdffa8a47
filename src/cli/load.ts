/**
 * `atomgraph load <file|dir|->...`: streams LimaCharlie events into the graph. Exit 0 whenever the
 * input was read to the end (rejects or not); a fatal error (Neo4j unreachable after the driver's
 * retries) exits non-zero with one line. Ctrl-C stops after the batch in flight; running the same
 * command again completes the rest, since stored events are skipped as duplicates.
 */
import { SingleBar } from 'cli-progress';
import { migrate } from '../graph/schema/migrate';
import { ingest, type IngestSummary } from '../ingest/pipeline';
import { openInputs } from '../ingest/read';
import { createRuntime } from '../runtime';
import { ingestReporter } from './ingest-report';
import { stopAfterBatchOnSigint } from './interrupt';

export interface LoadOptions {
  batchSize: string;
  rejects?: string;
  progress: boolean;
}

export async function loadCommand(inputs: string[], options: LoadOptions): Promise<void> {
  const batchSize = Number(options.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
    throw new Error(`--batch-size must be a whole number from 1 to 50000, got ${options.batchSize}`);
  }
  const runtime = await createRuntime({ startLocalNeo4jIfUnset: true });
  const interrupt = stopAfterBatchOnSigint();

  const showBar = options.progress && process.stderr.isTTY === true;
  const bar = showBar
    ? new SingleBar({
        format: 'loading | {value} records | {stored} stored | {duplicates} duplicates | {rejected} rejected | {warnings} warnings | {rate} events/s',
        stream: process.stderr,
        hideCursor: true,
      })
    : null;
  const started = performance.now();
  bar?.start(0, 0, { stored: 0, duplicates: 0, rejected: 0, warnings: 0, rate: 0 });

  const { onReject, onWarning, toFile, close: closeReport } = ingestReporter(options.rejects);
  const onProgress = (s: Readonly<IngestSummary>) => {
    const seconds = (performance.now() - started) / 1000;
    bar?.update(s.records, { stored: s.stored, duplicates: s.duplicates, rejected: s.rejected, warnings: s.warnings, rate: Math.round((s.stored + s.duplicates) / seconds) });
  };

  try {
    await migrate(runtime.executor);
    const summary = await ingest(openInputs(inputs), {
      executor: runtime.executor,
      batchSize,
      onReject,
      onWarning,
      onProgress,
      signal: interrupt.signal,
    });
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round((summary.stored + summary.duplicates) / Math.max(seconds, 0.001));
    process.stdout.write(
      `${summary.interrupted ? 'interrupted' : 'done'}: ${summary.records} records read, ${summary.stored} events loaded, ` +
        `${summary.duplicates} already present, ${summary.rejected} rejected, ${summary.warnings} warnings in ${seconds.toFixed(1)} s (${rate} events/s)` +
        `${summary.detections + summary.detectionDuplicates > 0 ? `; ${summary.detections} detections loaded, ${summary.detectionDuplicates} already present` : ''}\n`,
    );
    if (summary.rejected + summary.warnings > 0 && !toFile) {
      process.stdout.write('rerun with --rejects FILE to keep every rejected line and every warning with its reason\n');
    }
    if (summary.interrupted) process.exitCode = 130;
  } finally {
    bar?.stop();
    interrupt.release();
    await closeReport();
    await runtime.close();
  }
}
