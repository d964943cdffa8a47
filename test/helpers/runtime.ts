/**
 * Integration-test access to the real Neo4j the global setup provided. Timeouts are short so a
 * database that dies mid-run fails the tests within seconds instead of hanging them.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/log/logger';
import { createRuntime, type Runtime } from '../../src/runtime';

export async function testRuntime(): Promise<Runtime> {
  return createRuntime({
    overrides: {
      LOG_LEVEL: 'silent',
      // Most suites test other things; the auth suites turn keys on themselves.
      AUTH: 'off',
      NEO4J_ACQUIRE_TIMEOUT_MS: 5_000,
      NEO4J_MAX_RETRY_MS: 3_000,
      NEO4J_TX_TIMEOUT_MS: 30_000,
    },
    logger: createLogger('silent'),
  });
}

/** A fresh org id, so tests running in parallel never see each other's data. */
export function uniqueOrg(label = 'test'): string {
  return `${label}-${randomUUID()}`;
}

/** Records of one Cypher statement run straight on the driver: tests read the graph behind the API this way. */
export async function readCypher(runtime: Runtime, query: string, params: Record<string, unknown>) {
  const session = runtime.driver.session();
  try {
    return (await session.run(query, params)).records;
  } finally {
    await session.close();
  }
}
