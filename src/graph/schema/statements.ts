/**
 * Constraints and indexes of the event graph, each named so `IF NOT EXISTS` makes them idempotent.
 * The graph model is described in docs/graph-model.md; keep the two in step.
 * The unique constraint on Event.uid comes first: every write MERGEs on it.
 */
import type { NamedQuery } from '../executor';
import { FEED_SCHEMA_STATEMENTS } from '../feed-log';
import { DETECTION_SCHEMA_STATEMENTS } from './detections';

export const SCHEMA_STATEMENTS: readonly NamedQuery[] = [
  {
    name: 'constraint event_uid',
    cypher: 'CREATE CONSTRAINT event_uid IF NOT EXISTS FOR (e:Event) REQUIRE e.uid IS UNIQUE',
  },
  {
    name: 'constraint sensor_uid',
    cypher: 'CREATE CONSTRAINT sensor_uid IF NOT EXISTS FOR (s:Sensor) REQUIRE s.uid IS UNIQUE',
  },
  {
    name: 'constraint indicator_uid',
    cypher: 'CREATE CONSTRAINT indicator_uid IF NOT EXISTS FOR (i:Indicator) REQUIRE i.uid IS UNIQUE',
  },
  {
    name: 'constraint api_key_id',
    cypher: 'CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE',
  },
  {
    name: 'constraint event_rollup_uid',
    cypher: 'CREATE CONSTRAINT event_rollup_uid IF NOT EXISTS FOR (r:EventRollup) REQUIRE r.uid IS UNIQUE',
  },
  {
    // eventCounts from rollups: an org's hours (a range of them, or all with the prefix).
    name: 'index event_rollup_org_hour',
    cypher: 'CREATE INDEX event_rollup_org_hour IF NOT EXISTS FOR (r:EventRollup) ON (r.oid, r.hour)',
  },
  {
    name: 'constraint org_event_rollup_uid',
    cypher: 'CREATE CONSTRAINT org_event_rollup_uid IF NOT EXISTS FOR (r:OrgEventRollup) REQUIRE r.uid IS UNIQUE',
  },
  {
    // Fleet-wide eventCounts: an org's hours, without reading each host's rollups.
    name: 'index org_event_rollup_org_hour',
    cypher: 'CREATE INDEX org_event_rollup_org_hour IF NOT EXISTS FOR (r:OrgEventRollup) ON (r.oid, r.hour)',
  },
  {
    name: 'constraint host_event_rollup_uid',
    cypher: 'CREATE CONSTRAINT host_event_rollup_uid IF NOT EXISTS FOR (r:HostEventRollup) REQUIRE r.uid IS UNIQUE',
  },
  {
    // eventCounts by host or sensor without a type: an org's hours, without each type's rollups.
    name: 'index host_event_rollup_org_hour',
    cypher: 'CREATE INDEX host_event_rollup_org_hour IF NOT EXISTS FOR (r:HostEventRollup) ON (r.oid, r.hour)',
  },
  {
    name: 'constraint detection_rollup_uid',
    cypher: 'CREATE CONSTRAINT detection_rollup_uid IF NOT EXISTS FOR (r:DetectionRollup) REQUIRE r.uid IS UNIQUE',
  },
  {
    name: 'constraint detection_tag_rollup_uid',
    cypher: 'CREATE CONSTRAINT detection_tag_rollup_uid IF NOT EXISTS FOR (r:DetectionTagRollup) REQUIRE r.uid IS UNIQUE',
  },
  {
    // detectionCounts from rollups: an org's hours, like event_rollup_org_hour.
    name: 'index detection_rollup_org_hour',
    cypher: 'CREATE INDEX detection_rollup_org_hour IF NOT EXISTS FOR (r:DetectionRollup) ON (r.oid, r.hour)',
  },
  {
    name: 'index detection_tag_rollup_org_hour',
    cypher: 'CREATE INDEX detection_tag_rollup_org_hour IF NOT EXISTS FOR (r:DetectionTagRollup) ON (r.oid, r.hour)',
  },
  { name: 'index event_atom', cypher: 'CREATE INDEX event_atom IF NOT EXISTS FOR (e:Event) ON (e.atom)' },
  { name: 'index event_time', cypher: 'CREATE INDEX event_time IF NOT EXISTS FOR (e:Event) ON (e.time)' },
  {
    name: 'index event_sensor_time',
    cypher: 'CREATE INDEX event_sensor_time IF NOT EXISTS FOR (e:Event) ON (e.sid, e.time)',
  },
  {
    // "This type of event on this host" is the most common hunt and dashboard filter; with only
    // (sid, time) a host's every event would be read to find one type.
    name: 'index event_sensor_type_time',
    cypher: 'CREATE INDEX event_sensor_type_time IF NOT EXISTS FOR (e:Event) ON (e.sid, e.type, e.time)',
  },
  {
    name: 'index event_org_time',
    cypher: 'CREATE INDEX event_org_time IF NOT EXISTS FOR (e:Event) ON (e.oid, e.time)',
  },
  {
    name: 'index event_type_time',
    cypher: 'CREATE INDEX event_type_time IF NOT EXISTS FOR (e:Event) ON (e.type, e.time)',
  },
  {
    // Another sensor's report of the same network flow (src/graph/reader/flow.ts): one seek per
    // direction on the ephemeral side's address and port. Only connection events have both.
    name: 'index event_flow',
    cypher: 'CREATE INDEX event_flow IF NOT EXISTS FOR (e:Event) ON (e.srcIp, e.srcPort)',
  },
  { name: 'index indicator_key', cypher: 'CREATE INDEX indicator_key IF NOT EXISTS FOR (i:Indicator) ON (i.key)' },
  { name: 'index sensor_int_ip', cypher: 'CREATE INDEX sensor_int_ip IF NOT EXISTS FOR (s:Sensor) ON (s.intIp)' },
  { name: 'index sensor_hostname', cypher: 'CREATE INDEX sensor_hostname IF NOT EXISTS FOR (s:Sensor) ON (s.hostname)' },
  // Detections (src/graph/writer/detections.ts): newest first of the org, host, rule, category,
  // technique (TAGGED edges carry tag and time) or priority band are each one index seek.
  ...DETECTION_SCHEMA_STATEMENTS,
  ...FEED_SCHEMA_STATEMENTS,
];

export const AWAIT_INDEXES: NamedQuery = {
  name: 'await indexes',
  cypher: 'CALL db.awaitIndexes($seconds)',
};
