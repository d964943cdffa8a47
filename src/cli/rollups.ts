/**
 * `atomgraph rollups --rebuild`: counts every stored event and detection into the rollups
 * (docs/graph-model.md, Rollups), for a graph loaded before they existed; then eventCounts and
 * detectionCounts read them. Run it with ingest and prune stopped: an event or detection stored
 * meanwhile could be counted twice or not at all.
 */
import { AppError, ErrorCode } from '../errors/codes';
import { migrate } from '../graph/schema/migrate';
import { rebuildDetectionRollups, rebuildEventRollups } from '../graph/writer/rebuild-rollups';
import { createRuntime } from '../runtime';

export async function rollupsCommand(options: { rebuild?: boolean }): Promise<void> {
  if (!options.rebuild) throw new AppError(ErrorCode.BAD_USER_INPUT, 'say --rebuild to recount every stored event into the rollups (with ingest stopped)');
  const runtime = await createRuntime({ startLocalNeo4jIfUnset: true });
  try {
    await migrate(runtime.executor);
    const counted = await rebuildEventRollups(runtime.executor);
    const detections = await rebuildDetectionRollups(runtime.executor);
    process.stdout.write(`rollups rebuilt: ${counted} events and ${detections} detections counted; eventCounts and detectionCounts now read them\n`);
  } finally {
    await runtime.close();
  }
}
