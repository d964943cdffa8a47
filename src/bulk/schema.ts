/**
 * The constraints and indexes of a bulk-loaded graph, created in an order that suits a full store.
 * `migrate` creates one index per transaction, which costs nothing online (the graph is empty or
 * grows under them), but Neo4j starts one population job, one scan of the label's nodes, per
 * transaction that creates indexes: on a bulk-loaded store of millions of events that is one scan
 * per index. Here a uniqueness constraint goes alone in its transaction (its index is built and
 * checked as it is created, whatever the grouping), and every plain index goes into one
 * transaction, so Neo4j populates them together in one scan. `migrate` then finds them all, waits
 * until they are online and does the rest of its work, so the schema is exactly migrate's.
 */
import type { GraphExecutor, NamedQuery } from '../graph/executor';
import { SCHEMA_STATEMENTS } from '../graph/schema/statements';

const isConstraint = (s: NamedQuery) => /^\s*CREATE CONSTRAINT\b/i.test(s.cypher);

export const BULK_SCHEMA_NAME = 'bulk import: every index in one transaction';

export async function createBulkSchema(executor: GraphExecutor, statements: readonly NamedQuery[] = SCHEMA_STATEMENTS): Promise<void> {
  for (const statement of statements.filter(isConstraint)) await executor.write(statement);
  const indexes = statements.filter((s) => !isConstraint(s));
  await executor.writeTransaction(BULK_SCHEMA_NAME, async (run) => {
    for (const statement of indexes) await run(statement);
  });
}
