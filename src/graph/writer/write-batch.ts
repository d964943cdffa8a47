/**
 * Writes one batch of event rows in one transaction: events with their edges, then the sensor and
 * sighting aggregates of the events that were new. All or nothing, so a batch interrupted by a
 * crash or Ctrl-C is simply written again on the next run.
 */
import { retryingDeadlocks } from '../deadlocks';
import type { GraphExecutor } from '../executor';
import type { FeedLogWriter } from '../feed-log';
import { encodeRow } from './columns';
import type { EventRow } from './rows';
import { rollupsOf, UPDATE_ROLLUPS } from './rollups';
import { SUMMED_LEVELS, summedRowsOf, updateSummed } from './summed-rollups';
import { placeholderReports, REPORT } from './snapshots';
import { DESCRIBE_PLACEHOLDERS, FORGET_SNAPSHOTS, LINK_CARRIED, UPDATE_SENSORS, UPDATE_SIGHTINGS, WRITE_EVENTS } from './statements';

export interface BatchWriteResult {
  /** Events stored for the first time. */
  stored: number;
  /** Events that were already complete in the graph (or repeated within the batch). */
  duplicates: number;
  /** The rows stored as new events, in input order (of a uid twice in the batch, the one written). */
  storedRows: EventRow[];
}

export interface SensorAggregate {
  uid: string;
  oid: string;
  sid: string;
  count: number;
  firstSeen: bigint;
  lastSeen: bigint;
  factsFrom: string;
  facts: Record<string, unknown>;
}

export interface SightingAggregate {
  sensorUid: string;
  indicatorUid: string;
  count: number;
  firstSeen: bigint;
  lastSeen: bigint;
}

/** `feedLog`: when replicas share the live feed, the batch's new events are recorded in its own transaction. */
export async function writeBatch(executor: GraphExecutor, rows: readonly EventRow[], feedLog?: FeedLogWriter): Promise<BatchWriteResult> {
  // A repeat inside one batch would be seen as new twice by the same statement; keep the first,
  // unless it is a carried copy and the event also came on its own (which wins in any order).
  const unique = new Map<string, EventRow>();
  for (const row of rows) {
    const kept = unique.get(row.uid);
    if (!kept || (kept.containerUid !== null && row.containerUid === null)) unique.set(row.uid, row);
  }
  const batch = [...unique.values()];
  // Every carried event is linked to its carrier, the copies left out above included (but not a
  // carrier that names itself among its inner events: it does not contain itself).
  const links = rows.flatMap((r) => (r.containerUid === null || r.containerUid === r.uid ? [] : [{ container: r.containerUid, uid: r.uid, oid: r.props['oid'] }]));

  const storedRows = await retryingDeadlocks(() => executor.writeTransaction('ingest: write batch', async (run) => {
    // In uid order: two batches in flight that hold some of the same events (senders replaying
    // overlapping data in different orders) take those events' locks in the same order, so they
    // wait for each other instead of deadlocking and being retried.
    const result = await run(WRITE_EVENTS, { rows: [...batch].sort(byKey((r) => r.uid)).map(encodeRow) });
    if (links.length > 0) await run(LINK_CARRIED, { links });
    // Placeholders that arrived: their own edges are made, the snapshot's link goes. Then what
    // this batch's events say of the placeholders still missing.
    const arrived = result.records.filter((r) => r.get('described') === true).map((r) => r.get('uid') as string);
    if (arrived.length > 0) await run(FORGET_SNAPSHOTS, { uids: arrived });
    // Every event of the batch is complete now (stored, or already stored before), so no report
    // about one of them can describe a placeholder: they are left out rather than sought.
    const reports = placeholderReports(batch).filter((report) => !unique.has(report[REPORT.uid] as string));
    if (reports.length > 0) await run(DESCRIBE_PLACEHOLDERS, { reports });
    // A carried copy replaced by its event is not new: it was counted, and announced, when stored.
    const stored = new Set(result.records.filter((r) => r.get('replaces') !== true).map((r) => r.get('uid') as string));
    const fresh = batch.filter((r) => stored.has(r.uid));
    const { sensors, sightings } = aggregate(fresh);
    if (sensors.length > 0) await run(UPDATE_SENSORS, { sensors });
    if (sightings.length > 0) await run(UPDATE_SIGHTINGS, { sightings });
    // In key order, so two batches in flight lock shared rollups in the same order (no deadlock).
    const rollups = rollupsOf(fresh).sort(byKey((r) => r.uid));
    if (rollups.length > 0) {
      await run(UPDATE_ROLLUPS, { rollups });
      for (const level of SUMMED_LEVELS) await run(updateSummed(level), { rollups: summedRowsOf(level, rollups) });
    }
    if (feedLog) await feedLog.record(run, 'events', fresh.map((r) => r.uid));
    return fresh;
  }));
  return { stored: storedRows.length, duplicates: rows.length - storedRows.length, storedRows };
}

/** Sensor and sighting increments of events stored for the first time (the bulk import folds them the same way). */
export function aggregate(rows: readonly EventRow[]): { sensors: SensorAggregate[]; sightings: SightingAggregate[] } {
  const sensors = new Map<string, SensorAggregate>();
  const sightings = new Map<string, SightingAggregate>();
  for (const row of rows) {
    const sensor = row.sensor;
    if (!sensor) continue;
    const time = sensor.time;
    const s = sensors.get(sensor.uid);
    if (!s) {
      sensors.set(sensor.uid, {
        uid: sensor.uid,
        oid: sensor.oid,
        sid: sensor.sid,
        count: 1,
        firstSeen: time,
        lastSeen: time,
        factsFrom: row.uid,
        facts: sensor.facts,
      });
    } else {
      s.count += 1;
      if (time < s.firstSeen) s.firstSeen = time;
      // The newest event describes the host; ties go to the larger uid so order never matters.
      if (time > s.lastSeen || (time === s.lastSeen && row.uid > s.factsFrom)) {
        s.lastSeen = time;
        s.factsFrom = row.uid;
        s.facts = sensor.facts;
      }
    }
    const seen = new Set<string>();
    for (const indicator of row.indicators) {
      if (seen.has(indicator.uid)) continue; // one event counts once per indicator
      seen.add(indicator.uid);
      const key = `${sensor.uid}\u0000${indicator.uid}`;
      const w = sightings.get(key);
      if (!w) {
        sightings.set(key, { sensorUid: sensor.uid, indicatorUid: indicator.uid, count: 1, firstSeen: time, lastSeen: time });
      } else {
        w.count += 1;
        if (time < w.firstSeen) w.firstSeen = time;
        if (time > w.lastSeen) w.lastSeen = time;
      }
    }
  }
  // In key order, so two transactions in flight lock the same sensors and sightings in the same
  // order and never deadlock (as the rollups below).
  return { sensors: [...sensors.values()].sort(byKey((s) => s.uid)), sightings: [...sightings.values()].sort(byKey((w) => `${w.sensorUid}\u0000${w.indicatorUid}`)) };
}

function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
