/**
 * Event count rollups: one (:EventRollup) per org, sensor, hostname, event type and hour, holding
 * how many stored events it covers, so `eventCounts` (by type, host, sensor, hour, day) sums
 * rollups instead of reading events (docs/graph-model.md, Rollups). Maintained where the sensor
 * counts are: at ingest from the events a batch stored for the first time (replays, duplicates
 * and a carried copy's replacement add nothing), and by prune, which takes its events off.
 *
 * Two coarser levels are summed from these (summed-rollups.ts): per org, type and hour, and per
 * host and hour.
 */
import type { NamedQuery } from '../executor';
import { GOING_LABEL } from '../reader/scope';
import type { EventRow } from './rows';

export const HOUR_MS = 3_600_000n;

/** The key of an event's rollup; ROLLUP_UID_CYPHER computes the same from an event node. */
export function rollupUid(oid: string, sid: string | null, hostname: string | null, type: string, hour: bigint): string {
  return `${oid}/${sid ?? ''}|${hostname ?? ''}|${type}|${hour}`;
}

/** rollupUid in Cypher, for an event node `e` (prune takes its events off by it). */
export const ROLLUP_UID_CYPHER = `e.oid + '/' + coalesce(e.sid, '') + '|' + coalesce(e.hostname, '') + '|' + e.type + '|' + toString((e.time / 3600000) * 3600000)`;

export interface RollupRow {
  uid: string;
  oid: string;
  sid: string | null;
  hostname: string | null;
  type: string;
  hour: bigint;
  count: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Rollup increments for events stored for the first time. */
export function rollupsOf(rows: readonly EventRow[]): RollupRow[] {
  const out = new Map<string, RollupRow>();
  for (const row of rows) {
    const p = row.props;
    const time = p['time'];
    const oid = str(p['oid']);
    const type = str(p['type']);
    if (typeof time !== 'bigint' || oid === null || type === null) continue;
    const hour = (time / HOUR_MS) * HOUR_MS;
    const sid = str(p['sid']);
    const hostname = str(p['hostname']);
    const uid = rollupUid(oid, sid, hostname, type, hour);
    const r = out.get(uid);
    if (r) r.count += 1;
    else out.set(uid, { uid, oid, sid, hostname, type, hour, count: 1 });
  }
  return [...out.values()];
}

/** Counts are INTEGER: `count` is a JS number, which the driver sends as FLOAT. */
export const UPDATE_ROLLUPS: NamedQuery = {
  name: 'ingest: update rollups',
  cypher: `
UNWIND $rollups AS x
MERGE (r:EventRollup {uid: x.uid})
  ON CREATE SET r.oid = x.oid, r.sid = x.sid, r.hostname = x.hostname, r.type = x.type, r.hour = x.hour, r.count = 0
SET r.count = r.count + toInteger(x.count)`,
};

/** Rebuild, step 1: the rollups there are go (every level), a batch at a time. */
export const DROP_ROLLUPS: NamedQuery = {
  name: 'rollups: drop a batch',
  cypher: `MATCH (r) WHERE r:EventRollup OR r:OrgEventRollup OR r:HostEventRollup WITH r LIMIT $limit DELETE r RETURN count(*) AS n`,
};

/** Rebuild, step 2: the rollups of one window of time (whole hours), from its stored events. */
export const BUILD_ROLLUPS: NamedQuery = {
  name: 'rollups: build a window',
  cypher: `
MATCH (e:Event) WHERE e.time >= $from AND e.time < $to AND e.placeholder = false AND e.type IS NOT NULL AND NOT e:${GOING_LABEL}
WITH ${ROLLUP_UID_CYPHER} AS uid, e.oid AS oid, e.sid AS sid, e.hostname AS hostname, e.type AS type, (e.time / 3600000) * 3600000 AS hour, count(*) AS n
MERGE (r:EventRollup {uid: uid})
  ON CREATE SET r.oid = oid, r.sid = sid, r.hostname = hostname, r.type = type, r.hour = hour, r.count = 0
SET r.count = r.count + n
RETURN sum(n) AS events`,
};
