/**
 * Counts stored as FLOAT by older versions become INTEGER. The writer once added JavaScript
 * numbers, which the driver sends as FLOAT, to `Sensor.eventCount`, `SAW.count` and the rollups'
 * `count` (and the bulk import wrote the same, so the two graphs matched); now both write INTEGER.
 * Run by migrate: a batch at a time so a large old graph is not one transaction, and a graph with
 * none left is one scan per kind of count (nothing is written).
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

/** Returns how many counts it converted. */
export async function convertFloatCounts(executor: GraphExecutor): Promise<number> {
  let converted = 0;
  for (const statement of INTEGER_COUNT_STATEMENTS) converted += await writeInBatches(executor, statement);
  return converted;
}
