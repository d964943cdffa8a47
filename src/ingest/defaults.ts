/**
 * Events per write transaction unless told otherwise (CLI `--batch-size`, INGEST_BATCH_SIZE).
 * 2,000, although the same rows went 11-78% faster in batches of 5,000 in four comparisons on this
 * project's shared host (each transaction has a fixed cost: seven statements and a commit): with
 * 5,000, the first batches on a freshly started Neo4j under a load average of 17 ran past the
 * 30 s transaction timeout (NEO4J_TX_TIMEOUT_MS) and `load` failed (docs/benchmarks.md, Ingest).
 * A larger default wants a batch size that adapts (halves on a timeout) first. Kept in a module of
 * its own so the CLI's option list and the config read it without loading the pipeline.
 */
export const DEFAULT_BATCH_SIZE = 2000;
