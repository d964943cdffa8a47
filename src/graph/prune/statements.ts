/**
 * Cypher of retention (src/graph/prune/prune.ts; docs/graph-model.md, Retention). Values enter only
 * as $parameters; labels are fixed here, and the one label removal takes the node's own labels.
 *
 * An event older than the cutoff is either deleted (nothing kept refers to it) or, when a kept node
 * still names it (a child's PARENT, a TARGET, a carrier's CONTAINS, a detection's DETECTED),
 * turned back into the placeholder it would be had it never arrived: so a child of a pruned parent
 * shows a MissingEvent, and replaying the pruned event completes the placeholder as any late
 * arrival does.
 *
 * Events go in two phases, so no reading statement ever meets an event half deleted (Neo4j reads
 * are read-committed: a statement running while a delete commits can see the node and not its
 * edges). Phase 1 marks a batch with the Pruning label (the one readers leave out, reader/scope.ts)
 * and takes it off every aggregate, in one transaction: from then on no new statement reads it,
 * and counts agree with what readers see. Phase 2 deletes marked events only once every statement
 * that may have seen one unmarked has ended (prune.ts, settleMs).
 */
import type { NamedQuery } from '../executor';
import { GOING_LABEL } from '../reader/scope';
import { DETECTION_ROLLUP_KEYS_CYPHER } from '../writer/detection-rollups';
import { ROLLUP_UID_CYPHER } from '../writer/rollups';
import { eventUidCypher, SUMMED_LEVELS, type SummedLevel } from '../writer/summed-rollups';

/**
 * How many events and detections a prune would take (dry run and the progress bar's total): those
 * before the cutoff not yet marked, and `going`, the events already marked (by this cutoff or an
 * earlier run that stopped between the phases), which every run finishes whatever its scope.
 * Two forms, so each is an index seek: event_time / detection_time for the fleet, and
 * event_org_time / detection_org_time for given orgs.
 */
export const COUNT_PRUNABLE_ALL: NamedQuery = {
  name: 'prune: count (all orgs)',
  cypher: `
CALL () { MATCH (e:Event) WHERE e.time < $before AND NOT e:${GOING_LABEL} RETURN count(e) AS events }
CALL () { MATCH (d:Detection) WHERE d.time < $before RETURN count(d) AS detections }
CALL () { MATCH (e:${GOING_LABEL}) RETURN count(e) AS going }
RETURN events, detections, going`,
};

export const COUNT_PRUNABLE_ORGS: NamedQuery = {
  name: 'prune: count (orgs)',
  cypher: `
CALL () { MATCH (e:Event) WHERE e.oid IN $orgs AND e.time < $before AND NOT e:${GOING_LABEL} RETURN count(e) AS events }
CALL () { MATCH (d:Detection) WHERE d.oid IN $orgs AND d.time < $before RETURN count(d) AS detections }
CALL () { MATCH (e:${GOING_LABEL}) RETURN count(e) AS going }
RETURN events, detections, going`,
};

/**
 * A batch of detections older than the cutoff, deleted with their DETECTED and TAGGED edges.
 * Returns the events they named (placeholders among them may now be orphans), their tags, and
 * the detection rollups they counted in (prune takes them off).
 */
export const PRUNE_DETECTIONS_ALL: NamedQuery = {
  name: 'prune: detections (all orgs)',
  cypher: `
MATCH (d:Detection) WHERE d.time < $before
WITH d LIMIT $limit
OPTIONAL MATCH (d)-[:DETECTED]->(e:Event)
OPTIONAL MATCH (d)-[:TAGGED]->(t:DetectionTag)
WITH d, collect(DISTINCT e.uid) AS events, collect(DISTINCT t.uid) AS tags
WITH d, events, tags, ${DETECTION_ROLLUP_KEYS_CYPHER}
DETACH DELETE d
RETURN events, tags, rollup, tagRollups`,
};

export const PRUNE_DETECTIONS_ORGS: NamedQuery = {
  name: 'prune: detections (orgs)',
  cypher: `
MATCH (d:Detection) WHERE d.oid IN $orgs AND d.time < $before
WITH d LIMIT $limit
OPTIONAL MATCH (d)-[:DETECTED]->(e:Event)
OPTIONAL MATCH (d)-[:TAGGED]->(t:DetectionTag)
WITH d, collect(DISTINCT e.uid) AS events, collect(DISTINCT t.uid) AS tags
WITH d, events, tags, ${DETECTION_ROLLUP_KEYS_CYPHER}
DETACH DELETE d
RETURN events, tags, rollup, tagRollups`,
};

/** A detection tag no detection carries any more. */
export const DROP_EMPTY_TAGS: NamedQuery = {
  name: 'prune: drop empty detection tags',
  cypher: `
UNWIND $uids AS uid
MATCH (t:DetectionTag {uid: uid})
WHERE NOT EXISTS { (t)<-[:TAGGED]-() }
DELETE t`,
};

/**
 * Phase 1: the next batch of events older than the cutoff, in time order from `$from` (the last
 * batch's newest time: an index range in index order, so a batch never rescans those marked
 * before it; for one org ordered by (oid, time), the index's own order, which the planner needs
 * to see to skip the sort), marked with the Pruning label and the database's clock. Two forms, each an index
 * seek in order: event_time for the fleet, event_org_time for one org (prune.ts runs each org).
 */
export const MARK_EVENTS_ALL: NamedQuery = {
  name: 'prune: mark events (all orgs)',
  cypher: `
MATCH (e:Event) WHERE e.time >= $from AND e.time < $before AND NOT e:${GOING_LABEL}
WITH e ORDER BY e.time LIMIT $limit
SET e:${GOING_LABEL}, e.pruningSince = timestamp()
RETURN e.uid AS uid, e.time AS time`,
};

export const MARK_EVENTS_ORG: NamedQuery = {
  name: 'prune: mark events (one org)',
  cypher: `
MATCH (e:Event) WHERE e.oid = $org AND e.time >= $from AND e.time < $before AND NOT e:${GOING_LABEL}
WITH e ORDER BY e.oid, e.time LIMIT $limit
SET e:${GOING_LABEL}, e.pruningSince = timestamp()
RETURN e.uid AS uid, e.time AS time`,
};

/**
 * Phase 2: a batch of marked events whose mark is at least `$settleMs` old on the database's clock.
 * Setting a property takes each node's write lock (even to its own value) before the batch reads
 * its neighbours, so a writer adding a child to one of them either commits first (and the prune
 * sees the child) or waits for the prune to commit (and finds a placeholder or nothing, and makes
 * the placeholder it would make for any parent not yet arrived); and a replay that took the mark
 * off first is seen by PRUNE_EVENTS, which deletes only what is still marked.
 */
export const SETTLED_EVENTS: NamedQuery = {
  name: 'prune: settled marked events',
  cypher: `
MATCH (e:${GOING_LABEL}) WHERE e.pruningSince <= timestamp() - $settleMs
WITH e LIMIT $limit
SET e.pruningSince = e.pruningSince
RETURN e.uid AS uid`,
};

/** Marked events left, and how long until the oldest mark is settled (ms; may be negative). */
export const PENDING_EVENTS: NamedQuery = {
  name: 'prune: marked events pending',
  cypher: `
MATCH (e:${GOING_LABEL})
RETURN count(e) AS pending, min(e.pruningSince) + $settleMs - timestamp() AS waitMs`,
};

/**
 * Aggregates of the marked events: each was counted once in its sensor's eventCount and once per
 * distinct indicator in its sensor's SAW count when it was stored (write-batch.ts), so each is
 * taken off once. A SAW left at zero goes (the host holds no event with it); firstSeen and lastSeen
 * stay as they were: lifetime figures (docs/graph-model.md, Retention).
 */
export const UNCOUNT_SIGHTINGS: NamedQuery = {
  name: 'prune: uncount sightings',
  cypher: `
UNWIND $uids AS uid
MATCH (e:Event {uid: uid})-[:OBSERVED]->(i:Indicator)
WHERE e.sid IS NOT NULL
WITH DISTINCT e, i
MATCH (:Sensor {uid: e.oid + '/' + e.sid})-[w:SAW]->(i)
SET w.count = w.count - 1
WITH w WHERE w.count <= 0
DELETE w`,
};

export const UNCOUNT_SENSORS: NamedQuery = {
  name: 'prune: uncount sensors',
  cypher: `
UNWIND $sensors AS x
MATCH (s:Sensor {uid: x.uid})
SET s.eventCount = s.eventCount - x.count
WITH s WHERE s.eventCount <= 0
DETACH DELETE s`,
};

/**
 * Phase 2, each settled marked event (still marked: a replay takes the mark off): kept as a placeholder when a node that stays names it, else deleted. Returns
 * the neighbours that may have become orphans (placeholders nothing names any more, indicators no
 * event carries any more).
 *
 * The placeholder keeps what the event said of itself (path, command line, pid, user, hash, host)
 * as its report, attributed to the smallest stored event naming it: what a child's snapshot would
 * have said, had the event never arrived. Outgoing PARENT, TARGET and OBSERVED edges go (its own
 * routing's edges); outgoing CONTAINS stay, as LINK_CARRIED makes them for a carrier not arrived.
 */
export const PRUNE_EVENTS: NamedQuery = {
  name: 'prune: events',
  cypher: `
UNWIND $uids AS uid
MATCH (e:Event {uid: uid}) WHERE e:${GOING_LABEL}
WITH e, [(e)<-[:PARENT|TARGET|CONTAINS|DETECTED]-(x) WHERE NOT x:${GOING_LABEL} | x] AS keepers
WITH e, keepers,
     [(e)-[:PARENT|TARGET|CONTAINS]-(n:Event) WHERE NOT n:${GOING_LABEL} | n.uid] AS near,
     [(e)-[:OBSERVED]->(i:Indicator) | i.uid] AS indicators
CALL (e, keepers) {
  WITH e, keepers WHERE size(keepers) > 0
  WITH e, reduce(m = null, x IN keepers | CASE WHEN x:Event AND x.placeholder = false AND (m IS NULL OR x.uid < m) THEN x.uid ELSE m END) AS reporter,
       e {.uid, .oid, .atom, .sid, .hostname, .filePath, .commandLine, .processId, .userName, .hash} AS self
  CALL (e) {
    MATCH (e)-[y:PARENT|TARGET|OBSERVED]->()
    DELETE y
  }
  SET e = self, e.placeholder = true,
      e.snapshotFrom = reporter,
      e.snapshot = reporter IS NOT NULL AND coalesce(self.filePath, self.commandLine, self.processId, self.userName, self.hash) IS NOT NULL
  REMOVE e:$([l IN labels(e) WHERE l <> 'Event'])
}
CALL (e, keepers) {
  WITH e, keepers WHERE size(keepers) = 0
  DETACH DELETE e
}
RETURN near, indicators, size(keepers) > 0 AS kept`,
};

/**
 * Placeholders nothing names any more (no incoming edge, no CONTAINS of a carrier not arrived):
 * deleted, with the snapshot link to their own parent; returns those parents, which may be next.
 */
export const DROP_ORPHAN_PLACEHOLDERS: NamedQuery = {
  name: 'prune: drop orphan placeholders',
  cypher: `
UNWIND $uids AS uid
MATCH (p:Event {uid: uid})
WHERE p.placeholder = true AND NOT EXISTS { (p)<--() } AND NOT EXISTS { (p)-[:CONTAINS]->() }
WITH p, [(p)-->(n:Event) | n.uid] AS next
DETACH DELETE p
RETURN next`,
};

/** Indicators no event carries any more, with their SAW edges. */
export const DROP_ORPHAN_INDICATORS: NamedQuery = {
  name: 'prune: drop orphan indicators',
  cypher: `
UNWIND $uids AS uid
MATCH (i:Indicator {uid: uid})
WHERE NOT EXISTS { (i)<-[:OBSERVED]-() }
DETACH DELETE i`,
};

/** Per-sensor counts of the events just marked (for UNCOUNT_SENSORS). */
export const SENSORS_OF: NamedQuery = {
  name: 'prune: sensors of marked events',
  cypher: `
UNWIND $uids AS uid
MATCH (e:Event {uid: uid})
WHERE e.sid IS NOT NULL AND e.time IS NOT NULL
RETURN e.oid + '/' + e.sid AS uid, count(*) AS count`,
};

/** The marked events off the count rollups of one level (`label`, keyed by `key`); a rollup left at zero goes. */
function uncountRollups(level: string, label: 'EventRollup' | SummedLevel['label'], key: string): NamedQuery {
  return {
    name: `prune: uncount ${level} rollups`,
    cypher: `
UNWIND $uids AS uid
MATCH (e:Event {uid: uid})
WHERE e.time IS NOT NULL AND e.type IS NOT NULL
WITH ${key} AS key, count(*) AS n
ORDER BY key
MATCH (r:${label} {uid: key})
SET r.count = r.count - n
WITH r WHERE r.count <= 0
DELETE r`,
  };
}

export const UNCOUNT_ROLLUPS = uncountRollups('sensor', 'EventRollup', ROLLUP_UID_CYPHER);
/** The same for each summed level, in SUMMED_LEVELS order. */
export const UNCOUNT_SUMMED_ROLLUPS: readonly NamedQuery[] = SUMMED_LEVELS.map((l) => uncountRollups(l.name, l.label, eventUidCypher(l)));
