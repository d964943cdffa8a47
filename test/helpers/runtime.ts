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

/**
 * An org's aggregates beside a count over its stored events, read directly: each SAW count against
 * the host's stored events carrying the indicator, each sensor's eventCount against its stored events.
 */
export async function aggregatesAgainstEvents(runtime: Runtime, org: string) {
  const saw = await readCypher(
    runtime,
    `MATCH (s:Sensor {oid: $org})-[w:SAW]->(i:Indicator)
     CALL (s, i) { MATCH (e:Event {oid: s.oid, sid: s.sid})-[:OBSERVED]->(i) WHERE e.placeholder = false RETURN count(DISTINCT e) AS actual }
     RETURN i.value AS value, w.count AS count, actual`,
    { org },
  );
  const sensors = await readCypher(
    runtime,
    `MATCH (s:Sensor {oid: $org})
     CALL (s) { MATCH (e:Event {oid: s.oid, sid: s.sid}) WHERE e.placeholder = false RETURN count(e) AS actual }
     RETURN s.sid AS sid, s.eventCount AS count, actual`,
    { org },
  );
  const row = (r: (typeof saw)[number]) => ({ ...r.toObject(), count: Number(r.get('count')), actual: Number(r.get('actual')) });
  return { saw: saw.map(row), sensors: sensors.map(row) };
}
