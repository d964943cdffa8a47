/**
 * The demo's note to itself: which generated fleet it has loaded completely. One small node outside
 * the event graph (no edges, no org), so `npm run demo` loads its fleet once and starts in seconds after.
 */
import type { GraphExecutor, NamedQuery } from './executor';
import { toBigInt } from './reader/values';

export const READ_DEMO_MARKER: NamedQuery = {
  name: 'demoMarker.read',
  cypher: 'MATCH (m:DemoFleet {key: $key}) RETURN m.events AS events',
};

export const WRITE_DEMO_MARKER: NamedQuery = {
  name: 'demoMarker.write',
  cypher: 'MERGE (m:DemoFleet {key: $key}) SET m.events = $events, m.loadedAt = datetime()',
};

/**
 * Removes what an earlier demo fleet left in the demo's own orgs (events, sensors, indicators) and
 * its markers, so a fleet from a changed generator never mixes with the old one. Batched in
 * transactions of its own, which only an auto-commit query may do.
 */
export const CLEAR_DEMO_ORGS: NamedQuery = {
  name: 'demoMarker.clear',
  cypher: `
MATCH (n) WHERE n.oid IN $orgs OR n:DemoFleet
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`,
};

export async function clearDemoOrgs(executor: GraphExecutor, orgs: readonly string[]): Promise<void> {
  await executor.autoCommit(CLEAR_DEMO_ORGS, { orgs: [...orgs] });
}

/** Events the fleet stored when it was loaded, or null when it never finished loading. */
export async function readDemoMarker(executor: GraphExecutor, key: string): Promise<number | null> {
  const result = await executor.read(READ_DEMO_MARKER, { key });
  const value = result.records[0]?.get('events') as unknown;
  const events = toBigInt(value);
  return events === null ? null : Number(events);
}

export async function writeDemoMarker(executor: GraphExecutor, key: string, events: number): Promise<void> {
  await executor.write(WRITE_DEMO_MARKER, { key, events: BigInt(events) });
}
