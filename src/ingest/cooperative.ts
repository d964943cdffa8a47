/**
 * Sharing the event loop with everyone else: ingest's parsing and validation are synchronous, so a
 * large body worked through in one go would hold every other request (a 15 KB gzip body of five
 * million `{}` lines once kept `/healthz` waiting 34 s). Loops over records ask `due()` after each
 * one; once `budgetMs` of work has run since the last turn, it returns a promise that gives the
 * event loop a turn (setImmediate: after pending I/O), and null otherwise, so the common case costs
 * a clock read, not an await.
 */
import { performance } from 'node:perf_hooks';

/** Work between two turns of the event loop; well under the 100 ms a health probe may wait. */
export const DEFAULT_SLICE_MS = 3;

export interface Yielder {
  /** A promise to await when the slice is used up, else null. */
  due(): Promise<void> | null;
}

export function createYielder(budgetMs = DEFAULT_SLICE_MS): Yielder {
  let since = performance.now();
  const turn = () =>
    new Promise<void>((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  return {
    due: () => (performance.now() - since >= budgetMs ? turn() : null),
  };
}
