/**
 * The one ingest pipeline behind every way in (CLI, HTTP, GraphQL):
 * raw records -> lossless parse -> zod validation -> normalisation -> batched graph writes.
 * A record that cannot be keyed or placed is rejected alone, with its position and reason; every
 * other is stored. A body value that does not fit the catalogue is a warning (position, field
 * path, reason): the event is stored, the value kept in `raw` only.
 * One batch is written while the next one is being prepared, so parsing overlaps the database.
 */
import type { GraphExecutor } from '../graph/executor';
import type { FeedLogWriter } from '../graph/feed-log';
import type { EventRow } from '../graph/writer/rows';
import { type BatchWriteResult, writeBatch } from '../graph/writer/write-batch';
import { type DetectionRow, type DetectionWriteResult, writeDetections } from '../graph/writer/detections';
import { normalizeDetection, recogniseRecord } from './detection';
import { createYielder } from './cooperative';
import { normalizeRecord } from './normalize';
import { DEFAULT_BATCH_SIZE } from './defaults';
import { parseJson } from '../domain/json';
import type { InputItem } from './read';
import type { WriteLane } from './write-lane';

export interface Reject {
  source: string;
  line: number;
  reason: string;
  text: string;
}

/** A body value that did not fit the catalogue; its event was stored. One per field. */
export interface Warning {
  source: string;
  line: number;
  /** Path of the value in the record, e.g. `event.PARENT.PROCESS_ID`. */
  field: string;
  reason: string;
  text: string;
}

export interface IngestSummary {
  /** Records read from the input (good and bad). */
  records: number;
  /** Events stored for the first time (inner events of THREAD_INJECTION etc. count too). */
  stored: number;
  /** Events that were already in the graph. */
  duplicates: number;
  /** Records rejected, each reported through onReject. */
  rejected: number;
  /** Body values that did not fit the catalogue in events that were stored, each reported through onWarning. */
  warnings: number;
  /** True when stopped by the abort signal before the input ended. */
  interrupted: boolean;
  /** Detections stored for the first time (their event copies count in `stored`). */
  detections: number;
  /** Detections that were already in the graph. */
  detectionDuplicates: number;
}

/**
 * Where validated rows go. The default writes each batch to Neo4j; the bulk import
 * (src/bulk/) plugs in here, so its input gets the same reading, rejects and warnings.
 */
export interface IngestWriter {
  writeEvents(rows: readonly EventRow[]): Promise<BatchWriteResult>;
  writeDetections(rows: readonly DetectionRow[]): Promise<DetectionWriteResult>;
}

export interface IngestOptions {
  /** Required unless `writer` is given. */
  executor?: GraphExecutor;
  writer?: IngestWriter;
  batchSize?: number;
  onReject?: (reject: Reject) => void;
  onWarning?: (warning: Warning) => void;
  onProgress?: (summary: Readonly<IngestSummary>) => void;
  /** Called after each committed batch with the rows stored (the live feed hooks in here). */
  onCommitted?: (rows: readonly EventRow[]) => void;
  /** Called after each committed batch with the detections stored for the first time (detectionAdded). */
  onDetectionsCommitted?: (rows: readonly DetectionRow[]) => void;
  /** Replicas share the live feed through Neo4j: each batch's new events and detections are recorded in its transaction. */
  feedLog?: FeedLogWriter;
  /** Aborting stops after the batch in flight is committed. */
  signal?: AbortSignal;
  /** Batches written at the same time (default 2); 1 writes strictly one after another. */
  concurrency?: number;
  /** Only events of these orgs are accepted (API keys scoped to orgs); others are rejected. */
  allowedOrgs?: ReadonlySet<string>;
  /** The API's requests share one queue of write transactions (write-lane.ts); the CLI has none. */
  lane?: WriteLane;
}

const MAX_REJECT_TEXT = 4096;
/** Batches written at the same time unless the caller says otherwise. */
export const DEFAULT_WRITE_CONCURRENCY = 2;

export async function ingest(input: AsyncIterable<InputItem>, options: IngestOptions): Promise<IngestSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const writer = options.writer ?? graphWriter(options.executor, options.feedLog);
  const summary: IngestSummary = { records: 0, stored: 0, duplicates: 0, rejected: 0, warnings: 0, interrupted: false, detections: 0, detectionDuplicates: 0 };
  const concurrency = options.concurrency ?? DEFAULT_WRITE_CONCURRENCY;
  const inFlight = new Set<Promise<void>>();
  // A failed write is remembered and rethrown at the next flush, so it is never unhandled.
  let writeError: unknown = null;
  /** Waits until fewer than `limit` writes are running, then reports any write that failed. */
  const settle = async (limit: number) => {
    while (inFlight.size >= limit && inFlight.size > 0) await Promise.race(inFlight);
    if (writeError) throw writeError;
  };
  let batch: EventRow[] = [];
  let detections: DetectionRow[] = [];

  const clip = (text: string) => (text.length > MAX_REJECT_TEXT ? `${text.slice(0, MAX_REJECT_TEXT)}…` : text);
  const reject = (source: string, line: number, reason: string, text: string) => {
    summary.rejected += 1;
    options.onReject?.({ source, line, reason, text: clip(text) });
  };

  const flush = async () => {
    if (batch.length === 0 && detections.length === 0) return;
    const rows = batch;
    const detected = detections;
    batch = [];
    detections = [];
    // A second write in flight lets the driver pack one batch while Neo4j runs the other.
    await settle(concurrency);
    const lane: WriteLane = options.lane ?? ((work) => work());
    const write: Promise<void> = lane(async () => {
      if (rows.length > 0) {
        const result = await writer.writeEvents(rows);
        summary.stored += result.stored;
        summary.duplicates += result.duplicates;
        if (result.stored > 0 && options.onCommitted) options.onCommitted(result.storedRows);
      }
      // After their event copies, so a detection is never announced before its event is stored.
      if (detected.length > 0) {
        const result = await writer.writeDetections(detected);
        summary.detections += result.stored;
        summary.detectionDuplicates += result.duplicates;
        if (result.stored > 0 && options.onDetectionsCommitted) options.onDetectionsCommitted(result.storedRows);
      }
      options.onProgress?.(summary);
    }).then(undefined, (error: unknown) => {
      writeError = error;
    }).finally(() => inFlight.delete(write));
    inFlight.add(write);
  };

  // Other requests get a turn between slices of records (see cooperative.ts).
  const yielder = createYielder();
  try {
    for await (const item of input) {
      const pause = yielder.due();
      if (pause) await pause;
      if (options.signal?.aborted) {
        summary.interrupted = true;
        break;
      }
      summary.records += 1;
      if (item.kind === 'problem') {
        reject(item.source, item.line, item.reason, item.text);
        continue;
      }
      const parsed = parseJson(item.text);
      if (!parsed.ok) {
        reject(item.source, item.line, parsed.reason, item.text);
        continue;
      }
      const kind = recogniseRecord(parsed.value);
      if (kind.kind !== 'event') {
        const d = kind.kind === 'detection' ? normalizeDetection(parsed.value, item.text) : { ok: false as const, reason: kind.reason };
        if (!d.ok) {
          reject(item.source, item.line, d.reason, item.text);
          continue;
        }
        if (options.allowedOrgs && !options.allowedOrgs.has(d.detection.oid)) {
          reject(item.source, item.line, `org ${d.detection.oid} is not one this key may write to`, item.text);
          continue;
        }
        if (d.skipped) reject(item.source, item.line, d.skipped, item.text);
        batch.push(...d.eventRows);
        detections.push(d.detection);
        if (batch.length + detections.length >= batchSize) await flush();
        continue;
      }
      const normalized = normalizeRecord(parsed.value, item.text);
      if (!normalized.ok) {
        reject(item.source, item.line, normalized.reason, item.text);
        continue;
      }
      const org = normalized.rows[0]?.props['oid'];
      if (options.allowedOrgs && (typeof org !== 'string' || !options.allowedOrgs.has(org))) {
        reject(item.source, item.line, `org ${String(org)} is not one this key may write to`, item.text);
        continue;
      }
      if (normalized.skipped) reject(item.source, item.line, normalized.skipped, item.text);
      if (normalized.warnings) {
        summary.warnings += normalized.warnings.length;
        if (options.onWarning) for (const w of normalized.warnings) options.onWarning({ source: item.source, line: item.line, field: w.path, reason: w.reason, text: clip(item.text) });
      }
      batch.push(...normalized.rows);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await settle(1);
  } finally {
    // Never leave a write running behind the caller's back, even when reading failed.
    await Promise.allSettled(inFlight);
  }
  options.onProgress?.(summary);
  return summary;
}

function graphWriter(executor: GraphExecutor | undefined, feedLog: FeedLogWriter | undefined): IngestWriter {
  if (!executor) throw new Error('ingest needs an executor or a writer');
  return {
    writeEvents: (rows) => writeBatch(executor, rows, feedLog),
    writeDetections: (rows) => writeDetections(executor, rows, feedLog),
  };
}
