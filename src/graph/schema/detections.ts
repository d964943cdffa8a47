/** Constraints and indexes of detections (docs/graph-model.md, "Detections"). */
import type { NamedQuery } from '../executor';

export const DETECTION_SCHEMA_STATEMENTS: readonly NamedQuery[] = [
  { name: 'constraint detection_uid', cypher: 'CREATE CONSTRAINT detection_uid IF NOT EXISTS FOR (d:Detection) REQUIRE d.uid IS UNIQUE' },
  { name: 'constraint detection_tag_uid', cypher: 'CREATE CONSTRAINT detection_tag_uid IF NOT EXISTS FOR (t:DetectionTag) REQUIRE t.uid IS UNIQUE' },
  { name: 'index detection_id', cypher: 'CREATE INDEX detection_id IF NOT EXISTS FOR (d:Detection) ON (d.detectId)' },
  { name: 'index detection_time', cypher: 'CREATE INDEX detection_time IF NOT EXISTS FOR (d:Detection) ON (d.time)' },
  { name: 'index detection_org_time', cypher: 'CREATE INDEX detection_org_time IF NOT EXISTS FOR (d:Detection) ON (d.oid, d.time)' },
  { name: 'index detection_sensor_time', cypher: 'CREATE INDEX detection_sensor_time IF NOT EXISTS FOR (d:Detection) ON (d.sid, d.time)' },
  { name: 'index detection_host_time', cypher: 'CREATE INDEX detection_host_time IF NOT EXISTS FOR (d:Detection) ON (d.hostKey, d.time)' },
  { name: 'index detection_rule_time', cypher: 'CREATE INDEX detection_rule_time IF NOT EXISTS FOR (d:Detection) ON (d.rule, d.time)' },
  { name: 'index detection_cat_time', cypher: 'CREATE INDEX detection_cat_time IF NOT EXISTS FOR (d:Detection) ON (d.cat, d.time)' },
  { name: 'index detection_priority_time', cypher: 'CREATE INDEX detection_priority_time IF NOT EXISTS FOR (d:Detection) ON (d.priority, d.time)' },
  { name: 'index tagged_tag_time', cypher: 'CREATE INDEX tagged_tag_time IF NOT EXISTS FOR ()-[t:TAGGED]-() ON (t.tag, t.time)' },
];
