/**
 * Detection count rollups (docs/graph-model.md, Rollups): `detectionCounts` sums these instead of
 * reading detections. Two kinds, one node per key with the number of stored detections it covers:
 * - (:DetectionRollup) per org, sensor, hostname, rule (the RULE bucket: rule, else name),
 *   priority and hour: the RULE, HOSTNAME, PRIORITY, HOUR and DAY buckets;
 * - (:DetectionTagRollup) per org, sensor, priority, tag and hour: the TAG bucket (a detection
 *   counts once under each element of its tags, as the count over detections does).
 * Every key is computed in Cypher from the stored detection by the one expression below, at
 * ingest (the detections a batch newly stored), by prune (the ones it deletes) and by a rebuild,
 * so the three can never disagree on which rollup a detection belongs to. A detection without a
 * time is in no bucket (the count over detections leaves it out too).
 */
import type { NamedQuery } from '../executor';

/** One key part, length-prefixed so no value (a hostname with a '|') can make two keys one. */
const part = (x: string) => `CASE WHEN ${x} IS NULL THEN '~' ELSE toString(size(toString(${x}))) + ':' + toString(${x}) END`;
const joined = (xs: string[]) => xs.map(part).join(` + '|' + `);

const HOUR_OF = '(d.time / 3600000) * 3600000';
const RULE_OF = 'coalesce(d.rule, d.cat)';
/** The org first, `oid/`, as in every key of the graph; then the rest. */
const DETECTION_KEY = `d.oid + '/' + ${joined(['d.sid', 'd.hostname', RULE_OF, 'd.priority', HOUR_OF])}`;
const TAG_KEY = `d.oid + '/' + ${joined(['d.sid', 'd.priority', 'tag', HOUR_OF])}`;

/** The rollups of the detections `source` binds to `d`, counted in (key order: two writers lock shared rollups alike). */
function countInto(source: string): { detections: string; tags: string } {
  return {
    detections: `
${source}
WITH ${DETECTION_KEY} AS key, d.oid AS oid, d.sid AS sid, d.hostname AS hostname, ${RULE_OF} AS rule, d.priority AS priority, ${HOUR_OF} AS hour, count(*) AS n
ORDER BY key
MERGE (r:DetectionRollup {uid: key})
  ON CREATE SET r.oid = oid, r.sid = sid, r.hostname = hostname, r.rule = rule, r.priority = priority, r.hour = hour, r.count = 0
SET r.count = r.count + n
RETURN sum(n) AS detections`,
    tags: `
${source}
UNWIND d.tags AS tag
WITH d, tag WHERE tag IS NOT NULL
WITH ${TAG_KEY} AS key, d.oid AS oid, d.sid AS sid, d.priority AS priority, tag, ${HOUR_OF} AS hour, count(*) AS n
ORDER BY key
MERGE (r:DetectionTagRollup {uid: key})
  ON CREATE SET r.oid = oid, r.sid = sid, r.priority = priority, r.tag = tag, r.hour = hour, r.count = 0
SET r.count = r.count + n`,
  };
}

const FRESH = countInto(`UNWIND $uids AS uid
MATCH (d:Detection {uid: uid})
WHERE d.time IS NOT NULL`);

/** Ingest: the detections a batch stored for the first time ($uids), in the batch's transaction. */
export const COUNT_DETECTION_ROLLUPS: NamedQuery = { name: 'ingest: count detection rollups', cypher: FRESH.detections };
export const COUNT_DETECTION_TAG_ROLLUPS: NamedQuery = { name: 'ingest: count detection tag rollups', cypher: FRESH.tags };

/** Prune: what a deleted detection `d` counted in, returned by the delete statement before it goes. */
export const DETECTION_ROLLUP_KEYS_CYPHER = `CASE WHEN d.time IS NULL THEN null ELSE ${DETECTION_KEY} END AS rollup,
     CASE WHEN d.time IS NULL THEN [] ELSE [tag IN coalesce(d.tags, []) WHERE tag IS NOT NULL | ${TAG_KEY}] END AS tagRollups`;

function uncount(label: 'DetectionRollup' | 'DetectionTagRollup'): NamedQuery {
  return {
    name: `prune: uncount ${label === 'DetectionRollup' ? 'detection' : 'detection tag'} rollups`,
    cypher: `
UNWIND $rollups AS x
MATCH (r:${label} {uid: x.uid})
SET r.count = r.count - x.n
WITH r WHERE r.count <= 0
DELETE r`,
  };
}
/** $rollups: [{uid, n}] in key order. */
export const UNCOUNT_DETECTION_ROLLUPS = uncount('DetectionRollup');
export const UNCOUNT_DETECTION_TAG_ROLLUPS = uncount('DetectionTagRollup');

/** Sums `n` per key, in key order (the order writers lock rollups in). */
export function decrements(keys: Iterable<string>): { uid: string; n: bigint }[] {
  const by = new Map<string, bigint>();
  for (const k of keys) by.set(k, (by.get(k) ?? 0n) + 1n);
  return [...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([uid, n]) => ({ uid, n }));
}

/** Rebuild: the rollups go a batch at a time (after the marker: see rollup-state.ts). */
export const DROP_DETECTION_ROLLUPS: NamedQuery = {
  name: 'rollups: drop a batch of detection rollups',
  cypher: `
CALL () { MATCH (r:DetectionRollup) WITH r LIMIT $limit DELETE r RETURN count(*) AS a }
CALL () { MATCH (r:DetectionTagRollup) WITH r LIMIT $limit DELETE r RETURN count(*) AS b }
RETURN a + b AS n`,
};

const WINDOW = countInto(`MATCH (d:Detection) WHERE d.time >= $from AND d.time < $to`);
/** Rebuild: the rollups of one window of detection time (whole hours). */
export const BUILD_DETECTION_ROLLUPS: NamedQuery = { name: 'rollups: build a window of detection rollups', cypher: WINDOW.detections };
export const BUILD_DETECTION_TAG_ROLLUPS: NamedQuery = { name: 'rollups: build a window of detection tag rollups', cypher: WINDOW.tags };
