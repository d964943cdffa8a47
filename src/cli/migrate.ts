/** `atomgraph migrate`: create constraints and indexes (idempotent). */
import { migrate } from '../graph/schema/migrate';
import { createRuntime } from '../runtime';

export async function migrateCommand(): Promise<void> {
  const runtime = await createRuntime({ startLocalNeo4jIfUnset: true });
  try {
    const report = await migrate(runtime.executor);
    process.stdout.write(`schema up to date (${report.applied.length} constraints and indexes checked)\n`);
  } finally {
    await runtime.close();
  }
}
