/**
 * Counting stored events and detections into the rollups from scratch (docs/graph-model.md,
 * Rollups): `atomgraph rollups --rebuild` does both for a graph loaded before they existed;
 * `atomgraph import` counts its detections this way after the import, so the one Cypher key
 * expression of the detection rollups is the only place their keys are made.
 * Run with ingest and prune stopped: what is stored meanwhile could be counted twice or not at all.
 */
import type { GraphExecutor } from '../executor';
import {
  BUILD_DETECTION_ROLLUPS,
  BUILD_DETECTION_TAG_ROLLUPS,
  DETECTION_TIME_SPAN,
  DROP_DETECTION_ROLLUPS,
  MARK_DETECTION_ROLLUPS,
  UNMARK_DETECTION_ROLLUPS,
} from './detection-rollups';
import { BUILD_ROLLUPS, DROP_ROLLUPS, EVENT_TIME_SPAN, HOUR_MS, MARK_ROLLUPS } from './rollups';

/** One window of time per transaction: a day of a large fleet is a few million events. */
const WINDOW_MS = HOUR_MS * 6n;

/** Returns the number of events counted. */
export async function rebuildEventRollups(executor: GraphExecutor): Promise<number> {
  for (;;) {
    const dropped = await executor.write(DROP_ROLLUPS, { limit: 10_000n });
    if (Number(dropped.records[0]?.get('n') ?? 0) === 0) break;
  }
  const span = (await executor.read(EVENT_TIME_SPAN)).records[0];
  let counted = 0;
  if (span?.get('first') !== undefined && span.get('first') !== null) {
    const first = BigInt(span.get('first') as bigint | number);
    const last = BigInt(span.get('last') as bigint | number);
    for (let from = (first / HOUR_MS) * HOUR_MS; from <= last; from += WINDOW_MS) {
      const built = await executor.write(BUILD_ROLLUPS, { from, to: from + WINDOW_MS });
      counted += Number(built.records[0]?.get('events') ?? 0);
    }
  }
  await executor.write(MARK_ROLLUPS);
  return counted;
}

/** Returns the number of detections counted. Unmarked first, so a server that has not yet trusted them reads detections meanwhile. */
export async function rebuildDetectionRollups(executor: GraphExecutor): Promise<number> {
  await executor.write(UNMARK_DETECTION_ROLLUPS);
  for (;;) {
    const dropped = await executor.write(DROP_DETECTION_ROLLUPS, { limit: 10_000n });
    if (Number(dropped.records[0]?.get('n') ?? 0) === 0) break;
  }
  const span = (await executor.read(DETECTION_TIME_SPAN)).records[0];
  let detections = 0;
  if (span?.get('first') !== undefined && span.get('first') !== null) {
    const first = BigInt(span.get('first') as bigint | number);
    const last = BigInt(span.get('last') as bigint | number);
    for (let from = (first / HOUR_MS) * HOUR_MS; from <= last; from += WINDOW_MS) {
      const built = await executor.write(BUILD_DETECTION_ROLLUPS, { from, to: from + WINDOW_MS });
      await executor.write(BUILD_DETECTION_TAG_ROLLUPS, { from, to: from + WINDOW_MS });
      detections += Number(built.records[0]?.get('detections') ?? 0);
    }
  }
  await executor.write(MARK_DETECTION_ROLLUPS);
  return detections;
}
