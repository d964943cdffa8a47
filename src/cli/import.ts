/**
 * `atomgraph import <file|dir|->...`: backfill into an empty graph offline. The input goes through
 * the same reading, validation and normalisation as `atomgraph load` (the same rejects and
 * warnings, reported the same way); the graph `load` would make is computed in memory
 * (src/bulk/graph.ts) and written as CSV; `neo4j-admin database import full` (from the local
 * launcher's jars) builds the store; the local Neo4j then starts on it and `migrate` creates the
 * constraints and indexes and waits for them, so the command ends with a queryable graph.
 *
 * Target: the local launcher's Neo4j home (`--data-dir`, else its default). A store that holds
 * anything but the rollup marker is refused (the import replaces the whole database); a server
 * running on the target is refused too (the import needs the database stopped). With NEO4J_URI
 * set (a server this process cannot stop, e.g. Docker), only `--csv-only` works: it writes the
 * files and the tool's argument file, and the README says how to run the tool on the volume.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BulkGraph } from '../bulk/graph';
import { importArguments, runImportTool } from '../bulk/import-tool';
import { createBulkSchema } from '../bulk/schema';
import { loadConfig } from '../config/env';
import { AppError, ErrorCode } from '../errors/codes';
import { migrate } from '../graph/schema/migrate';
import { rebuildDetectionRollups } from '../graph/writer/rebuild-rollups';
import { ingest } from '../ingest/pipeline';
import { DEFAULT_BATCH_SIZE } from '../ingest/defaults';
import { openInputs } from '../ingest/read';
import { localNeo4jPaths, localNeo4jRunning, startLocalNeo4j, stopLocalNeo4j } from '../local/neo4j';
import { createRuntime } from '../runtime';
import { ingestReporter } from './ingest-report';
import type { NamedQuery } from '../graph/executor';

export interface ImportOptions {
  dataDir?: string;
  port?: string;
  csvDir?: string;
  csvOnly?: boolean;
  keepCsv?: boolean;
  heap: string;
  rejects?: string;
}

/** What the target holds: the import replaces the whole database, so anything but migrate's markers is a reason to stop. */
const TARGET_CONTENTS: NamedQuery = {
  name: 'import: what the target holds',
  cypher: `
CALL () { MATCH (e:Event) RETURN count(e) AS events }
CALL () { MATCH (n) WHERE NOT n:Event AND NOT n:RollupState AND NOT n:MigrationState RETURN count(n) AS others }
RETURN events, others`,
};

/** Proves the graph answers: one indexed read. */
const FIRST_EVENT: NamedQuery = {
  name: 'import: first event',
  cypher: 'MATCH (e:Event) WHERE e.time IS NOT NULL RETURN e.uid AS uid ORDER BY e.time LIMIT 1',
};

const HEAP = /^\d{1,6}[kmgKMG]?$/;
/** db.awaitIndexes' limit: migrate's default (300 s) is too short for ~30 indexes on millions of nodes on a busy machine. */
const INDEX_WAIT_SECONDS = 3600;
/** The first start on an imported store (system database, counts) is slow on a busy machine: the launcher's 120 s has been too short. */
const START_TIMEOUT_MS = 600_000;

/** Seconds since the last call (or since it was made). */
function stageClock(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    return seconds;
  };
}

export async function importCommand(inputs: string[], options: ImportOptions): Promise<void> {
  const started = performance.now();
  if (!HEAP.test(options.heap)) throw new AppError(ErrorCode.BAD_USER_INPUT, `--heap must be a JVM size such as 2g or 1500m, got ${options.heap}`);
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new AppError(ErrorCode.BAD_USER_INPUT, `--port must be a port number (0 for any free one), got ${options.port}`);
  const config = loadConfig();
  if (options.csvOnly && !options.csvDir) throw new AppError(ErrorCode.BAD_USER_INPUT, '--csv-only needs --csv-dir <dir> to write the files into');
  if (!options.csvOnly && config.NEO4J_URI) {
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `atomgraph import builds the store offline with the local Neo4j's import tool; NEO4J_URI (${config.NEO4J_URI}) names a server it cannot stop or replace. ` +
        'Unset NEO4J_URI to import into the local Neo4j, or write the files with --csv-only --csv-dir <dir> and run the tool on the stopped database (README, "Backfill (bulk import)").',
    );
  }
  const paths = options.csvOnly ? null : await localNeo4jPaths(options.dataDir ? resolve(options.dataDir) : undefined);
  if (paths) await refuseNonEmptyTarget(paths.dataDir, paths.storeDir, config.NEO4J_USERNAME, config.NEO4J_PASSWORD);

  const csvDir = resolve(options.csvDir ?? join(paths?.dataDir ?? '.', `import-${process.pid}-${Date.now()}`));
  if (existsSync(csvDir) && readdirSync(csvDir).length > 0) throw new AppError(ErrorCode.BAD_USER_INPUT, `--csv-dir ${csvDir} is not empty`);
  mkdirSync(csvDir, { recursive: true });
  const reporter = ingestReporter(options.rejects);
  const say = (line: string) => process.stderr.write(`import: ${line}\n`);
  try {
    const graph = new BulkGraph(csvDir);
    say(`reading ${inputs.join(' ')} into ${csvDir}`);
    const summary = await ingest(openInputs(inputs), { writer: graph, batchSize: DEFAULT_BATCH_SIZE, concurrency: 1, onReject: reporter.onReject, onWarning: reporter.onWarning });
    const memory = graph.memory();
    const output = graph.finish();
    const readSeconds = (performance.now() - started) / 1000;
    const heapMb = Math.round(process.memoryUsage().rss / 1048576);
    say(
      `read ${summary.records} records in ${readSeconds.toFixed(1)} s: ${summary.stored} events, ${summary.duplicates} duplicates, ${summary.rejected} rejected, ${summary.warnings} warnings, ` +
        `${summary.detections} detections; held in memory: ${JSON.stringify(memory)} (RSS ${heapMb} MB)`,
    );
    if (!paths) {
      const argFile = join(csvDir, 'import.args');
      writeFileSync(argFile, `${importArguments(output.files, join(csvDir, 'import.report'), config.NEO4J_DATABASE, false).join('\n')}\n`);
      process.stdout.write(
        `done: ${summary.stored} events, ${summary.detections} detections written as CSV to ${csvDir}; ` +
          `run the import tool with @${argFile} on the stopped database, then atomgraph migrate${summary.detections > 0 ? ' and atomgraph rollups --rebuild' : ''} (README, "Backfill (bulk import)")\n`,
      );
      return;
    }
    mkdirSync(paths.dataDir, { recursive: true });
    say(`running neo4j-admin database import full (-Xmx${options.heap}) into ${paths.storeDir}`);
    const tool = await runImportTool({ home: paths.dataDir, libDir: paths.libDir, files: output.files, workDir: csvDir, heap: options.heap });
    say(`import tool: ${tool.seconds.toFixed(1)} s, peak RSS ${tool.peakRssMb} MB; starting Neo4j and creating indexes`);
    const clock = stageClock();
    // Left running, as `npm run neo4j:start` leaves it: `atomgraph serve` finds it by its pid file.
    const local = await startLocalNeo4j({ user: config.NEO4J_USERNAME, password: config.NEO4J_PASSWORD, quiet: true, dataDir: paths.dataDir, port, stayUp: true, readyTimeoutMs: START_TIMEOUT_MS });
    // The driver's transaction timeout (30 s by default) would end db.awaitIndexes long before the
    // index build of a million events does: this runtime waits as long as INDEX_WAIT_SECONDS.
    const runtime = await createRuntime({ overrides: { NEO4J_URI: local.uri, NEO4J_TX_TIMEOUT_MS: String((INDEX_WAIT_SECONDS + 60) * 1000) } });
    const startSeconds = clock();
    let indexSeconds = 0;
    let rollupSeconds = 0;
    try {
      // Indexes populated together (src/bulk/schema.ts); migrate then waits for every one: the graph
      // counts as queryable once all are online, however long that takes at this size.
      await createBulkSchema(runtime.executor);
      await migrate(runtime.executor, INDEX_WAIT_SECONDS);
      indexSeconds = clock();
      // The detections' rollups are counted in the database, by the same key expression as at ingest.
      if (summary.detections > 0) await rebuildDetectionRollups(runtime.executor);
      await runtime.executor.read(FIRST_EVENT);
      rollupSeconds = clock();
    } finally {
      await runtime.close();
    }
    const seconds = (performance.now() - started) / 1000;
    // One line a script can read (bench:bulk keeps it in its row): where the time went.
    say(
      `stages: read+csv ${readSeconds.toFixed(1)} s (Node RSS ${heapMb} MB), import tool ${tool.seconds.toFixed(1)} s (peak RSS ${tool.peakRssMb} MB), ` +
        `start ${startSeconds.toFixed(1)} s, indexes ${indexSeconds.toFixed(1)} s, rollups+first read ${rollupSeconds.toFixed(1)} s, total ${seconds.toFixed(1)} s`,
    );
    process.stdout.write(
      `done: ${summary.records} records read, ${summary.stored} events loaded, ${summary.duplicates} duplicates, ${summary.rejected} rejected, ${summary.warnings} warnings` +
        `${summary.detections > 0 ? `, ${summary.detections} detections` : ''} in ${seconds.toFixed(1)} s (${Math.round(summary.stored / Math.max(seconds, 0.001))} events/s; ` +
        `import tool ${tool.seconds.toFixed(1)} s, its peak RSS ${tool.peakRssMb} MB); Neo4j running at ${local.uri} on ${paths.dataDir}\n`,
    );
    if (summary.rejected + summary.warnings > 0 && !reporter.toFile) {
      process.stdout.write('rerun with --rejects FILE to keep every rejected line and every warning with its reason\n');
    }
  } finally {
    await reporter.close();
    if (!options.csvOnly && !options.keepCsv) rmSync(csvDir, { recursive: true, force: true });
  }
}

/**
 * The import replaces the database: refuse a running server (the tool needs it stopped) and a
 * store that holds anything. A store that exists is opened once to look (a started and stopped
 * server leaves an empty one behind).
 */
async function refuseNonEmptyTarget(dataDir: string, storeDir: string, user: string, password: string): Promise<void> {
  if (await localNeo4jRunning(dataDir)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `a Neo4j is running on ${dataDir}: the import needs its database stopped (npm run neo4j:stop, or stop atomgraph serve), then run it again`);
  }
  if (!existsSync(storeDir)) return;
  const local = await startLocalNeo4j({ user, password, quiet: true, dataDir, port: 0 });
  const runtime = await createRuntime({ overrides: { NEO4J_URI: local.uri } });
  let events = 0;
  let others = 0;
  try {
    const result = await runtime.executor.read(TARGET_CONTENTS);
    const record = result.records[0];
    events = Number(record?.get('events') ?? 0);
    others = Number(record?.get('others') ?? 0);
  } finally {
    await runtime.close();
    await stopLocalNeo4j(dataDir);
  }
  if (events + others > 0) {
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `the target ${dataDir} already holds ${events} events${others > 0 ? ` and ${others} other nodes (sensors, detections, API keys...)` : ''}; ` +
        'the bulk import builds a new database and would replace them. Use atomgraph load to add to it, or --data-dir <new dir> for a new graph.',
    );
  }
}
