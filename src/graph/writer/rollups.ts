/**
 * Event count rollups: one (:EventRollup) per org, sensor, hostname, event type and hour, holding
 * how many stored events it covers, so `eventCounts` (by type, host, sensor, hour, day) sums
 * rollups instead of reading events (docs/graph-model.md, Rollups). Maintained where the sensor
 * counts are: at ingest from the events a batch stored for the first time (replays, duplicates
 * and a carried copy's replacement add nothing), and by prune, which takes its events off.
 *
 * A second level, (:OrgEventRollup) per org, event type and hour, answers the fleet-wide counts
 * (by type, hour or day, no sensor in the filter): they read types x hours, not hosts x types x
 * hours, so they cost the same at 1,000 hosts as at 100. It is kept in the same transactions as
 * the per-sensor level, from the same increments, so the two always agree.
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

/** The key of an org-level rollup; ORG_ROLLUP_UID_CYPHER computes the same from an event node. */
export function orgRollupUid(oid: string, type: string, hour: bigint): string {
  return `${oid}/${type}|${hour}`;
}

/** orgRollupUid in Cypher, from three Cypher expressions. */
const orgRollupKey = (oid: string, type: string, hour: string) => `${oid} + '/' + ${type} + '|' + toString(${hour})`;

/** orgRollupUid in Cypher, for an event node `e`. */
export const ORG_ROLLUP_UID_CYPHER = orgRollupKey('e.oid', 'e.type', '(e.time / 3600000) * 3600000');

export interface OrgRollupRow {
  uid: string;
  oid: string;
  type: string;
  hour: bigint;
  count: number;
}

/** The per-sensor increments summed per org, type and hour, in key order (the lock order of two batches in flight). */
export function orgRollupsOf(rollups: readonly RollupRow[]): OrgRollupRow[] {
  const out = new Map<string, OrgRollupRow>();
  for (const r of rollups) {
    const uid = orgRollupUid(r.oid, r.type, r.hour);
    const o = out.get(uid);
    if (o) o.count += r.count;
    else out.set(uid, { uid, oid: r.oid, type: r.type, hour: r.hour, count: r.count });
  }
  return [...out.values()].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
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

export const UPDATE_ORG_ROLLUPS: NamedQuery = {
  name: 'ingest: update org rollups',
  cypher: `
UNWIND $rollups AS x
MERGE (r:OrgEventRollup {uid: x.uid})
  ON CREATE SET r.oid = x.oid, r.type = x.type, r.hour = x.hour, r.count = 0
SET r.count = r.count + toInteger(x.count)`,
};

/** Rebuild, step 1: the rollups there are go (both levels), a batch at a time. */
export const DROP_ROLLUPS: NamedQuery = {
  name: 'rollups: drop a batch',
  cypher: `MATCH (r) WHERE r:EventRollup OR r:OrgEventRollup WITH r LIMIT $limit DELETE r RETURN count(*) AS n`,
};

/** Org rollups only, before they are summed again from the per-sensor ones. */
export const DROP_ORG_ROLLUPS: NamedQuery = {
  name: 'rollups: drop a batch of org rollups',
  cypher: `MATCH (r:OrgEventRollup) WITH r LIMIT $limit DELETE r RETURN count(*) AS n`,
};

/** The first and last hour of the per-sensor rollups, to sum them into org rollups in windows. */
export const ROLLUP_HOUR_SPAN: NamedQuery = {
  name: 'rollups: hour span',
  cypher: `
CALL () { MATCH (r:EventRollup) RETURN r.hour AS first ORDER BY r.hour ASC LIMIT 1 }
CALL () { MATCH (r:EventRollup) RETURN r.hour AS last ORDER BY r.hour DESC LIMIT 1 }
RETURN first, last`,
};

/**
 * The org rollups of one window of time, summed from its per-sensor rollups (never from events:
 * a graph counted before org rollups existed gets them without reading an event).
 */
export const BUILD_ORG_ROLLUPS: NamedQuery = {
  name: 'rollups: build org rollups of a window',
  cypher: `
MATCH (s:EventRollup) WHERE s.hour >= $from AND s.hour < $to
WITH s.oid AS oid, s.type AS type, s.hour AS hour, sum(s.count) AS n
MERGE (r:OrgEventRollup {uid: ${orgRollupKey('oid', 'type', 'hour')}})
  ON CREATE SET r.oid = oid, r.type = type, r.hour = hour, r.count = 0
SET r.count = r.count + n
RETURN sum(n) AS events`,
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
