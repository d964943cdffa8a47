/**
 * Rollup levels summed from the per-sensor one (rollups.ts; docs/graph-model.md, Rollups): each
 * keeps the org, the hour and some of the per-sensor keys, so a count that needs no more reads
 * fewer rollups.
 * - org: per org, event type and hour. Fleet-wide counts (by type, hour, day; no host in the
 *   question) read types x hours, whatever the fleet's size.
 * - host: per org, sensor, hostname and hour. Counts by host or sensor with no type in the
 *   question read hosts x hours, not hosts x types x hours.
 * Each is written in the same transaction as the per-sensor level, from the same increments, and
 * taken off by prune in the same transaction, so every level always agrees with the others.
 * A graph counted before a level existed gets it at migrate, summed from the per-sensor rollups.
 */
import type { NamedQuery } from '../executor';
import type { RollupRow } from './rollups';
import { type RollupMarker, HOST_EVENT_ROLLUPS_MARKER, ORG_EVENT_ROLLUPS_MARKER } from './rollup-state';

type LevelKey = 'sid' | 'hostname' | 'type';

export interface SummedLevel {
  name: 'org' | 'host';
  /** Enters Cypher as text: only these two. */
  label: 'OrgEventRollup' | 'HostEventRollup';
  /** The per-sensor keys it keeps besides the org and the hour, in key order. */
  keys: readonly LevelKey[];
  marker: RollupMarker;
}

export const ORG_LEVEL: SummedLevel = { name: 'org', label: 'OrgEventRollup', keys: ['type'], marker: ORG_EVENT_ROLLUPS_MARKER };
export const HOST_LEVEL: SummedLevel = { name: 'host', label: 'HostEventRollup', keys: ['sid', 'hostname'], marker: HOST_EVENT_ROLLUPS_MARKER };
export const SUMMED_LEVELS: readonly SummedLevel[] = [ORG_LEVEL, HOST_LEVEL];

/** A level's key: `oid/` and its keys (none as '') joined by `|`, then the hour. */
export function summedUid(level: SummedLevel, r: Pick<RollupRow, 'oid' | 'hour' | LevelKey>): string {
  return `${r.oid}/${level.keys.map((k) => r[k] ?? '').join('|')}|${r.hour}`;
}

/** summedUid in Cypher: `of(k)` is the Cypher expression of key k ('oid', a level key, or 'hour'). */
function uidCypher(level: SummedLevel, of: (k: 'oid' | LevelKey | 'hour') => string): string {
  return `${of('oid')} + '/' + ${level.keys.map((k) => `coalesce(${of(k)}, '')`).join(` + '|' + `)} + '|' + toString(${of('hour')})`;
}

/** summedUid in Cypher for an event node `e` (prune takes its events off by it). */
export function eventUidCypher(level: SummedLevel): string {
  return uidCypher(level, (k) => (k === 'hour' ? '(e.time / 3600000) * 3600000' : `e.${k}`));
}

export type SummedRow = Partial<Pick<RollupRow, LevelKey>> & { uid: string; oid: string; hour: bigint; count: number };

/** The per-sensor increments summed to a level, in key order (the lock order of two batches in flight). */
export function summedRowsOf(level: SummedLevel, rollups: readonly RollupRow[]): SummedRow[] {
  const out = new Map<string, SummedRow>();
  for (const r of rollups) {
    const uid = summedUid(level, r);
    const kept = out.get(uid);
    if (kept) kept.count += r.count;
    else {
      const row: SummedRow = { uid, oid: r.oid, hour: r.hour, count: r.count };
      for (const k of level.keys) row[k] = r[k] as never;
      out.set(uid, row);
    }
  }
  return [...out.values()].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

const cache = new Map<string, NamedQuery>();
function once(key: string, make: () => NamedQuery): NamedQuery {
  let q = cache.get(key);
  if (!q) cache.set(key, (q = make()));
  return q;
}

/** Ingest: a batch's increments (summedRowsOf). Counts are INTEGER (the driver sends JS numbers as FLOAT). */
export function updateSummed(level: SummedLevel): NamedQuery {
  return once(`update ${level.name}`, () => ({
    name: `ingest: update ${level.name} rollups`,
    cypher: `
UNWIND $rollups AS x
MERGE (r:${level.label} {uid: x.uid})
  ON CREATE SET r.oid = x.oid, ${level.keys.map((k) => `r.${k} = x.${k}, `).join('')}r.hour = x.hour, r.count = 0
SET r.count = r.count + toInteger(x.count)`,
  }));
}

/** Before a level is summed again from the per-sensor rollups. */
export function dropSummed(level: SummedLevel): NamedQuery {
  return once(`drop ${level.name}`, () => ({
    name: `rollups: drop a batch of ${level.name} rollups`,
    cypher: `MATCH (r:${level.label}) WITH r LIMIT $limit DELETE r RETURN count(*) AS n`,
  }));
}

/** A level's rollups of one window of time, summed from its per-sensor rollups (never from events). */
export function buildSummed(level: SummedLevel): NamedQuery {
  return once(`build ${level.name}`, () => ({
    name: `rollups: build ${level.name} rollups of a window`,
    cypher: `
MATCH (s:EventRollup) WHERE s.hour >= $from AND s.hour < $to
WITH s.oid AS oid, ${level.keys.map((k) => `s.${k} AS ${k}, `).join('')}s.hour AS hour, sum(s.count) AS n
MERGE (r:${level.label} {uid: ${uidCypher(level, (k) => k)}})
  ON CREATE SET r.oid = oid, ${level.keys.map((k) => `r.${k} = ${k}, `).join('')}r.hour = hour, r.count = 0
SET r.count = r.count + n
RETURN sum(n) AS events`,
  }));
}
