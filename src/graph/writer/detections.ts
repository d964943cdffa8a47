/**
 * Writing detections: one (:Detection) per detection, keyed `<oid>/<detect_id>`, joined to the
 * event that triggered it by (d)-[:DETECTED]->(e:Event) (a placeholder event until the event, or
 * the copy the detection carries, is stored) and to one (:DetectionTag) per tag by TAGGED edges
 * that carry the tag and the time, so "newest detections of this technique" is a relationship
 * index seek. A detection already stored is never written again: replays change nothing.
 * Labels are fixed here, never taken from input.
 */
import { retryingDeadlocks } from '../deadlocks';
import type { GraphExecutor, NamedQuery } from '../executor';
import type { FeedLogWriter } from '../feed-log';
import { COUNT_DETECTION_ROLLUPS, COUNT_DETECTION_TAG_ROLLUPS } from './detection-rollups';

export interface DetectionRow {
  /** `${oid}/${detectId}`. */
  uid: string;
  oid: string;
  /** Key of the triggering event (`eventUid`), or null when the detection names none. */
  eventUid: string | null;
  eventAtom: string | null;
  /** detect_mtd.tags, lower-cased, each once. */
  tags: string[];
  /** The node's properties (uid, oid, detectId, cat, time, rule, priority, raw...). */
  props: Record<string, unknown>;
}

export const WRITE_DETECTIONS: NamedQuery = {
  name: 'ingest: write detections',
  cypher: `
UNWIND $rows AS r
MERGE (d:Detection {uid: r.uid})
WITH d, r, d.detectId IS NULL AS fresh
WHERE fresh
SET d = r.props
WITH d, r
CALL (d, r) {
  WITH r WHERE r.eventUid IS NOT NULL
  MERGE (e:Event {uid: r.eventUid})
    ON CREATE SET e.atom = r.eventAtom, e.oid = r.oid, e.placeholder = true
  CREATE (d)-[:DETECTED]->(e)
}
CALL (d, r) {
  UNWIND r.tags AS tag
  MERGE (t:DetectionTag {uid: r.oid + '/' + tag})
    ON CREATE SET t.oid = r.oid, t.tag = tag
  CREATE (d)-[:TAGGED {tag: tag, time: r.props.time}]->(t)
}
RETURN r.uid AS uid`,
};

export interface DetectionWriteResult {
  stored: number;
  duplicates: number;
  /** Detections stored for the first time (the live feed publishes these). */
  storedRows: DetectionRow[];
}

/** `feedLog`: when replicas share the live feed, the new detections are recorded in the same transaction. */
export async function writeDetections(executor: GraphExecutor, rows: readonly DetectionRow[], feedLog?: FeedLogWriter): Promise<DetectionWriteResult> {
  if (rows.length === 0) return { stored: 0, duplicates: 0, storedRows: [] };
  // A repeat inside one batch would be seen as new twice by the same statement: keep the first.
  const unique = new Map<string, DetectionRow>();
  for (const row of rows) if (!unique.has(row.uid)) unique.set(row.uid, row);
  const result = await retryingDeadlocks(() => executor.writeTransaction('ingest: write detections', async (run) => {
    const written = await run(WRITE_DETECTIONS, { rows: [...unique.values()] });
    const fresh = written.records.map((r) => r.get('uid') as string);
    // Only the detections stored now count into the rollups: a replay or a duplicate adds nothing.
    if (fresh.length > 0) {
      await run(COUNT_DETECTION_ROLLUPS, { uids: fresh });
      await run(COUNT_DETECTION_TAG_ROLLUPS, { uids: fresh });
    }
    if (feedLog) await feedLog.record(run, 'detections', fresh);
    return written;
  }));
  const storedRows = result.records.map((r) => unique.get(r.get('uid') as string)).filter((r): r is DetectionRow => r !== undefined);
  return { stored: storedRows.length, duplicates: rows.length - storedRows.length, storedRows };
}
