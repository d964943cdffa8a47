/** Writes too large for one transaction, done a batch per transaction. */
import type { GraphExecutor, NamedQuery } from './executor';

/**
 * Runs `query` (which handles up to `$limit` rows and returns how many as `n`) until it returns 0,
 * each time in a transaction of its own; returns the total. The query must leave done rows out of
 * its next match, or this never ends.
 */
export async function writeInBatches(executor: GraphExecutor, query: NamedQuery, limit = 10_000n): Promise<number> {
  let total = 0;
  for (;;) {
    const n = Number((await executor.write(query, { limit })).records[0]?.get('n') ?? 0);
    if (n === 0) return total;
    total += n;
  }
}
