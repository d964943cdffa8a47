/**
 * Counts stored as FLOAT by older versions become INTEGER. The writer once added JavaScript
 * numbers, which the driver sends as FLOAT, to `Sensor.eventCount`, `SAW.count` and the rollups'
 * `count` (and the bulk import wrote the same, so the two graphs matched); now both write INTEGER.
 * Run by migrate: a batch at a time so a large old graph is not one transaction. Done once per
 * graph: a `(:MigrationState {id: 'integer-counts'})` marker says every count is INTEGER, so a
 * server start on a graph of millions of sightings does not scan them all again (this version
 * writes INTEGER only, so none can come back).
 */
import { writeInBatches } from '../batches';
import type { GraphExecutor, NamedQuery } from '../executor';

/** One count to convert: `match` binds `x`, the node or relationship holding `x.<property>`. */
function toIntegerCount(what: string, match: string, property: string): NamedQuery {
  return {
    name: `migrate: ${what} counts to INTEGER`,
    cypher: `
${match} WHERE x.${property} IS :: FLOAT
WITH x LIMIT $limit
SET x.${property} = toInteger(x.${property})
RETURN count(*) AS n`,
  };
}

export const INTEGER_COUNT_STATEMENTS: readonly NamedQuery[] = [
  toIntegerCount('sensor event', 'MATCH (x:Sensor)', 'eventCount'),
  toIntegerCount('sighting', 'MATCH (:Sensor)-[x:SAW]->()', 'count'),
  toIntegerCount('event rollup', 'MATCH (x:EventRollup)', 'count'),
  toIntegerCount('detection rollup', 'MATCH (x:DetectionRollup)', 'count'),
  toIntegerCount('detection tag rollup', 'MATCH (x:DetectionTagRollup)', 'count'),
];

export const INTEGER_COUNTS_DONE: NamedQuery = {
  name: 'migrate: integer counts done?',
  cypher: `OPTIONAL MATCH (m:MigrationState {id: 'integer-counts'}) RETURN m IS NOT NULL AS done`,
};

export const MARK_INTEGER_COUNTS_DONE: NamedQuery = {
  name: 'migrate: mark integer counts done',
  cypher: `MERGE (m:MigrationState {id: 'integer-counts'}) ON CREATE SET m.since = timestamp()`,
};

/** Returns how many counts it converted (0 once the graph is marked done). */
export async function convertFloatCounts(executor: GraphExecutor): Promise<number> {
  if ((await executor.read(INTEGER_COUNTS_DONE)).records[0]?.get('done') === true) return 0;
  let converted = 0;
  for (const statement of INTEGER_COUNT_STATEMENTS) converted += await writeInBatches(executor, statement);
  await executor.write(MARK_INTEGER_COUNTS_DONE);
  return converted;
}
