/**
 * Cypher of the ingest path. Values enter only as $parameters; labels come from the catalogue and
 * enter through dynamic-label syntax, never by string building. The only generated text is the
 * property map, built from the constant list in columns.ts.
 *
 * Order-independence: a referenced event that has not arrived is a placeholder node
 * {uid, atom, oid, placeholder: true}; when its event arrives the same node is completed. An event
 * that is already complete is never written again, so duplicates change nothing and edges are
 * created exactly once, when their event is first stored. One exception keeps that true when a
 * carrier's inner event (THREAD_INJECTION EVENTS[]) also arrives on its own: the carried copy
 * (`carried: true`) is replaced, edges and all, by the event as sent on its own, whichever came
 * first; and the carrier's CONTAINS edge is made by its own statement, whatever the inner event's state.
 * Another: an event retention has marked but not yet deleted (src/graph/prune) is written again,
 * edges and all, and unmarked; it was taken off the aggregates when marked, so it counts as new:
 * replaying it restores it, as replaying an event already pruned does.
 */
import type { NamedQuery } from '../executor';
import { GOING_LABEL } from '../reader/scope';
import { propertyMapCypher, ROW } from './columns';
import { REPORT } from './snapshots';

export const WRITE_EVENTS: NamedQuery = {
  name: 'ingest: write events',
  cypher: `
UNWIND $rows AS r
WITH r, r[${ROW.props}] AS p, r[${ROW.props}][1] AS oid
MERGE (e:Event {uid: r[${ROW.uid}]})
// The node's write lock before reading what it is: a second transaction writing the same event
// waits here for the first to commit, then reads "complete" and skips it. (Reading first, it read
// "placeholder" while the first was still writing it, and both stored and counted the event.)
// Setting a property locks even when the value is unchanged; the row's uid is that value.
SET e.uid = r[${ROW.uid}]
WITH e, r, p, oid, e.placeholder AS was, coalesce(e.carried, false) AND r[${ROW.containerUid}] IS NULL AS replaces,
     e.snapshotFrom IS NOT NULL AS described, e:${GOING_LABEL} AS revived
WHERE was IS NULL OR was = true OR replaces OR revived
CALL (e, replaces, revived) {
  WITH e WHERE replaces OR revived
  MATCH (e)-[x:PARENT|TARGET|OBSERVED]->()
  DELETE x
}
SET e = ${propertyMapCypher('p')}, e.placeholder = false
REMOVE e:${GOING_LABEL}
SET e:$(r[${ROW.labels}])
WITH e, r, oid, replaces AND NOT revived AS replaces, described
CALL (e, r, oid) {
  WITH r WHERE r[${ROW.parentUid}] IS NOT NULL
  MERGE (p:Event {uid: r[${ROW.parentUid}]})
    ON CREATE SET p.atom = r[${ROW.parentAtom}], p.oid = oid, p.placeholder = true
  CREATE (e)-[:PARENT]->(p)
}
CALL (e, r, oid) {
  WITH r WHERE r[${ROW.targetUid}] IS NOT NULL
  MERGE (t:Event {uid: r[${ROW.targetUid}]})
    ON CREATE SET t.atom = r[${ROW.targetAtom}], t.oid = oid, t.placeholder = true
  CREATE (e)-[:TARGET]->(t)
}
CALL (e, r, oid) {
  UNWIND r[${ROW.indicators}] AS x
  MERGE (i:Indicator {uid: x[0]})
    ON CREATE SET i.oid = oid, i.kind = x[1], i.value = x[2], i.key = x[4]
  CREATE (e)-[:OBSERVED {field: x[3]}]->(i)
}
RETURN r[${ROW.uid}] AS uid, replaces, described`,
};

/**
 * A placeholder learns what the events naming it say of it: the host (from their routing: a
 * parent or target is on the same host) and, when one carries it, a snapshot (NEW_PROCESS's
 * PARENT, a handle's SOURCE/TARGET). Of all reports one wins whatever the arrival order: with a
 * snapshot before without, then the smaller reporter key (snapshots.ts picks the batch's best the
 * same way). The winner replaces the previous report whole, so two reports' fields never mix, and
 * its link to the grandparent the snapshot names replaces the previous link; a grandparent
 * placeholder nothing else refers to goes with it. Only placeholders are written: an event that
 * arrived is never described by others. One row per placeholder, so rows never race each other;
 * transactions in flight together wait for each other on the placeholder's lock.
 */
export const DESCRIBE_PLACEHOLDERS: NamedQuery = {
  name: 'ingest: describe placeholders',
  cypher: `
UNWIND $reports AS x
MATCH (p:Event {uid: x[${REPORT.uid}]})
// Locked before its report is compared (as WRITE_EVENTS does): two transactions describing the same
// placeholder then compare in turn, each with what the other committed, and the best report wins.
SET p.uid = x[${REPORT.uid}]
WITH p, x
WHERE p.placeholder = true
  AND (p.snapshotFrom IS NULL
    OR (x[${REPORT.snapshot}] AND NOT p.snapshot)
    OR (x[${REPORT.snapshot}] = p.snapshot AND x[${REPORT.from}] < p.snapshotFrom))
WITH p, x, coalesce(p.parentAtom, '') <> coalesce(x[${REPORT.parentAtom}], '') AS relinks
SET p.snapshotFrom = x[${REPORT.from}], p.snapshot = x[${REPORT.snapshot}], p.sid = x[${REPORT.sid}], p.hostname = x[${REPORT.hostname}],
    p.filePath = x[${REPORT.filePath}], p.commandLine = x[${REPORT.commandLine}], p.processId = x[${REPORT.processId}],
    p.userName = x[${REPORT.userName}], p.hash = x[${REPORT.hash}], p.parentAtom = x[${REPORT.parentAtom}]
WITH p, x WHERE relinks
CALL (p) {
  MATCH (p)-[y:PARENT]->(old)
  DELETE y
  WITH old WHERE old.placeholder = true AND NOT EXISTS { (old)--() }
  DELETE old
}
WITH p, x WHERE x[${REPORT.parentUid}] IS NOT NULL
MERGE (g:Event {uid: x[${REPORT.parentUid}]})
  ON CREATE SET g.atom = x[${REPORT.parentAtom}], g.oid = p.oid, g.placeholder = true
CREATE (p)-[:PARENT {snapshot: true}]->(g)`,
};

/**
 * Placeholders completed by their own event in this batch: their routing made their edges, so the
 * link a child's snapshot made goes (the properties went with SET e = ...), and a grandparent
 * placeholder nothing else refers to with it.
 */
export const FORGET_SNAPSHOTS: NamedQuery = {
  name: 'ingest: forget snapshots of arrived events',
  cypher: `
UNWIND $uids AS uid
MATCH (e:Event {uid: uid})-[y:PARENT {snapshot: true}]->(old)
DELETE y
WITH old WHERE old.placeholder = true AND NOT EXISTS { (old)--() }
DELETE old`,
};

/** Carrier -> inner event, for every inner event in the batch, stored now or before (MERGE: once). */
export const LINK_CARRIED: NamedQuery = {
  name: 'ingest: link carried events',
  cypher: `
UNWIND $links AS l
MERGE (c:Event {uid: l.container})
  ON CREATE SET c.oid = l.oid, c.placeholder = true
WITH c, l
MATCH (e:Event {uid: l.uid})
MERGE (c)-[:CONTAINS]->(e)`,
};

/** Per-sensor aggregates over the events this batch actually stored. Counts are INTEGER: the batch's JS numbers arrive as FLOAT. */
export const UPDATE_SENSORS: NamedQuery = {
  name: 'ingest: update sensors',
  cypher: `
UNWIND $sensors AS s
MERGE (n:Sensor {uid: s.uid})
  ON CREATE SET n.oid = s.oid, n.sid = s.sid, n.eventCount = 0, n.firstSeen = s.firstSeen,
                n.lastSeen = s.lastSeen, n.factsFrom = ''
SET n.eventCount = n.eventCount + toInteger(s.count),
    n.firstSeen = CASE WHEN s.firstSeen < n.firstSeen THEN s.firstSeen ELSE n.firstSeen END
WITH n, s
WHERE s.lastSeen > n.lastSeen OR (s.lastSeen = n.lastSeen AND s.factsFrom >= n.factsFrom)
SET n += s.facts, n.lastSeen = s.lastSeen, n.factsFrom = s.factsFrom`,
};

/** Which hosts saw which indicator, when first and last, how often: "who else has this hash" is one hop. */
export const UPDATE_SIGHTINGS: NamedQuery = {
  name: 'ingest: update sightings',
  cypher: `
UNWIND $sightings AS x
MATCH (s:Sensor {uid: x.sensorUid})
MATCH (i:Indicator {uid: x.indicatorUid})
MERGE (s)-[w:SAW]->(i)
  ON CREATE SET w.count = 0, w.firstSeen = x.firstSeen, w.lastSeen = x.lastSeen
SET w.count = w.count + toInteger(x.count),
    w.firstSeen = CASE WHEN x.firstSeen < w.firstSeen THEN x.firstSeen ELSE w.firstSeen END,
    w.lastSeen = CASE WHEN x.lastSeen > w.lastSeen THEN x.lastSeen ELSE w.lastSeen END`,
};
