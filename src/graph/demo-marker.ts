/**
 * The demo's note to itself: which generated fleet it has loaded completely. One small node outside
 * the event graph (no edges, no org), so `npm run demo` loads its fleet once and starts in seconds after.
 */
import type { GraphExecutor, NamedQuery } from './executor';
import { toBigInt } from './reader/values';

export const READ_DEMO_MARKER: NamedQuery = {
  name: 'demoMarker.read',
  cypher: 'MATCH (m:DemoFleet {key: $key}) RETURN m.events AS events, m.resumeFrom AS resumeFrom',
};

export const WRITE_DEMO_MARKER: NamedQuery = {
  name: 'demoMarker.write',
  cypher: 'MERGE (m:DemoFleet {key: $key}) SET m.events = $events, m.loadedAt = datetime() REMOVE m.resumeFrom',
};

/** A load in progress: every record before `resumeFrom` is committed, so a cut-off load goes on from there. */
export const WRITE_DEMO_PROGRESS: NamedQuery = {
  name: 'demoMarker.progress',
  cypher: 'MERGE (m:DemoFleet {key: $key}) SET m.resumeFrom = $resumeFrom',
};

/** Events a resumed load holds: the sensors' exact counts (one run's `stored` saw only its own part). */
export const COUNT_FLEET_EVENTS: NamedQuery = {
  name: 'demoMarker.countEvents',
  cypher: 'MATCH (s:Sensor) WHERE s.oid IN $orgs RETURN sum(s.eventCount) AS events',
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

export interface DemoMarker {
  /** Events the fleet stored when it finished loading, or null when it never finished. */
  events: number | null;
  /** Records of the generated stream known to be committed by an unfinished load (0: start afresh). */
  resumeFrom: number;
}

export async function readDemoMarker(executor: GraphExecutor, key: string): Promise<DemoMarker> {
  const result = await executor.read(READ_DEMO_MARKER, { key });
  const events = toBigInt(result.records[0]?.get('events') as unknown);
  const resumeFrom = toBigInt(result.records[0]?.get('resumeFrom') as unknown);
  return { events: events === null ? null : Number(events), resumeFrom: resumeFrom === null ? 0 : Number(resumeFrom) };
}

export async function writeDemoProgress(executor: GraphExecutor, key: string, resumeFrom: number): Promise<void> {
  await executor.write(WRITE_DEMO_PROGRESS, { key, resumeFrom: BigInt(resumeFrom) });
}

export async function countFleetEvents(executor: GraphExecutor, orgs: readonly string[]): Promise<number> {
  const result = await executor.read(COUNT_FLEET_EVENTS, { orgs: [...orgs] });
  return Number(toBigInt(result.records[0]?.get('events') as unknown) ?? 0n);
}

export async function writeDemoMarker(executor: GraphExecutor, key: string, events: number): Promise<void> {
  await executor.write(WRITE_DEMO_MARKER, { key, events: BigInt(events) });
}
