/**
 * `atomgraph rollups --rebuild`: counts every stored event and detection into the rollups
 * (docs/graph-model.md, Rollups), for a graph loaded before they existed; then eventCounts and
 * detectionCounts read them. Run it with ingest and prune stopped: an event or detection stored
 * meanwhile could be counted twice or not at all.
 */
import {
  BUILD_DETECTION_ROLLUPS,
  BUILD_DETECTION_TAG_ROLLUPS,
  DETECTION_TIME_SPAN,
  DROP_DETECTION_ROLLUPS,
  MARK_DETECTION_ROLLUPS,
  UNMARK_DETECTION_ROLLUPS,
} from '../graph/writer/detection-rollups';
import { HOUR_MS, BUILD_ROLLUPS, DROP_ROLLUPS, EVENT_TIME_SPAN, MARK_ROLLUPS } from '../graph/writer/rollups';
import { migrate } from '../graph/schema/migrate';
import { AppError, ErrorCode } from '../errors/codes';
import { createRuntime } from '../runtime';

/** One window of event time per transaction: a day of a large fleet is a few million events. */
const WINDOW_MS = HOUR_MS * 6n;

export async function rollupsCommand(options: { rebuild?: boolean }): Promise<void> {
  if (!options.rebuild) throw new AppError(ErrorCode.BAD_USER_INPUT, 'say --rebuild to recount every stored event into the rollups (with ingest stopped)');
  const runtime = await createRuntime({ startLocalNeo4jIfUnset: true });
  try {
    await migrate(runtime.executor);
    for (;;) {
      const dropped = await runtime.executor.write(DROP_ROLLUPS, { limit: 10_000n });
      if (Number(dropped.records[0]?.get('n') ?? 0) === 0) break;
    }
    const span = (await runtime.executor.read(EVENT_TIME_SPAN)).records[0];
    let counted = 0;
    if (span?.get('first') !== undefined && span.get('first') !== null) {
      const first = BigInt(span.get('first') as bigint | number);
      const last = BigInt(span.get('last') as bigint | number);
      for (let from = (first / HOUR_MS) * HOUR_MS; from <= last; from += WINDOW_MS) {
        const built = await runtime.executor.write(BUILD_ROLLUPS, { from, to: from + WINDOW_MS });
        counted += Number(built.records[0]?.get('events') ?? 0);
      }
    }
    await runtime.executor.write(MARK_ROLLUPS);

    // Detections: unmarked first, so a server that has not yet trusted them reads detections meanwhile.
    await runtime.executor.write(UNMARK_DETECTION_ROLLUPS);
    for (;;) {
      const dropped = await runtime.executor.write(DROP_DETECTION_ROLLUPS, { limit: 10_000n });
      if (Number(dropped.records[0]?.get('n') ?? 0) === 0) break;
    }
    const dspan = (await runtime.executor.read(DETECTION_TIME_SPAN)).records[0];
    let detections = 0;
    if (dspan?.get('first') !== undefined && dspan.get('first') !== null) {
      const first = BigInt(dspan.get('first') as bigint | number);
      const last = BigInt(dspan.get('last') as bigint | number);
      for (let from = (first / HOUR_MS) * HOUR_MS; from <= last; from += WINDOW_MS) {
        const built = await runtime.executor.write(BUILD_DETECTION_ROLLUPS, { from, to: from + WINDOW_MS });
        await runtime.executor.write(BUILD_DETECTION_TAG_ROLLUPS, { from, to: from + WINDOW_MS });
        detections += Number(built.records[0]?.get('detections') ?? 0);
      }
    }
    await runtime.executor.write(MARK_DETECTION_ROLLUPS);
    process.stdout.write(`rollups rebuilt: ${counted} events and ${detections} detections counted; eventCounts and detectionCounts now read them\n`);
  } finally {
    await runtime.close();
  }
}
