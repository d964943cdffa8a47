/** Brings the database schema up to date; safe to run any number of times, at every start. */
import type { GraphExecutor } from '../executor';
import { completeSummedRollups } from '../writer/rebuild-rollups';
import { DETECTION_ROLLUPS_MARKER, EVENT_ROLLUPS_MARKER } from '../writer/rollup-state';
import { SUMMED_LEVELS } from '../writer/summed-rollups';
import { convertFloatCounts } from './integer-counts';
import { AWAIT_INDEXES, SCHEMA_STATEMENTS } from './statements';

export interface MigrationReport {
  applied: string[];
}

export async function migrate(executor: GraphExecutor, awaitSeconds = 300): Promise<MigrationReport> {
  const applied: string[] = [];
  // One statement per transaction: Neo4j does not allow schema and data changes, or several
  // schema changes racing on the same label, to share a transaction.
  for (const statement of SCHEMA_STATEMENTS) {
    await executor.write(statement);
    applied.push(statement.name);
  }
  await executor.write(AWAIT_INDEXES, { seconds: awaitSeconds });
  await convertFloatCounts(executor);
  for (const marker of [EVENT_ROLLUPS_MARKER, ...SUMMED_LEVELS.map((l) => l.marker), DETECTION_ROLLUPS_MARKER]) await executor.write(marker.markIfEmpty);
  // Run with ingest stopped, as every start does before it serves: an increment landing between
  // the sum and its write would be lost (the rebuild's rule, docs/graph-model.md, Rollups).
  for (const level of await completeSummedRollups(executor)) applied.push(`rollups: ${level} rollups summed from the per-sensor ones`);
  return { applied };
}
