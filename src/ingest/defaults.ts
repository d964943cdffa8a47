/**
 * Events per write transaction unless told otherwise (CLI `--batch-size`, INGEST_BATCH_SIZE). 5,000
 * rather than 2,000: each transaction has a fixed cost (seven statements, a commit that writes the
 * store, indexes and log), and on this project's machine the same rows went 11-78% faster in
 * batches of 5,000 than of 2,000 in four comparisons on a shared host, and 10,000 was no faster
 * (docs/benchmarks.md, Ingest). Kept in a module of its own so the CLI's option list and the
 * config read it without loading the pipeline.
 */
export const DEFAULT_BATCH_SIZE = 5000;
