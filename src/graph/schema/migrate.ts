/** Brings the database schema up to date; safe to run any number of times, at every start. */
import type { GraphExecutor } from '../executor';
import { MARK_DETECTION_ROLLUPS_IF_EMPTY } from '../writer/detection-rollups';
import { MARK_ROLLUPS_IF_EMPTY } from '../writer/rollups';
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
  await executor.write(MARK_ROLLUPS_IF_EMPTY);
  await executor.write(MARK_DETECTION_ROLLUPS_IF_EMPTY);
  return { applied };
}
