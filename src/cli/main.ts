/**
 * The `atomgraph` command line. Each subcommand lives in its own file beside this one. `serve` and
 * `demo` are imported only when run: they bring Apollo, express and the playground, which `load`
 * would otherwise carry in memory for nothing.
 */
import { Command } from 'commander';
import { ConfigError } from '../config/env';
import { DEFAULT_BATCH_SIZE } from '../ingest/defaults';
import { AppError } from '../errors/codes';
import { SERVER_VERSION } from '../version';
import type { DemoOptions } from './demo';
import type { ImportOptions } from './import';
import { generateCli } from './generate';
import { keysCli } from './keys';
import { loadCommand } from './load';
import { migrateCommand } from './migrate';
import { pruneCommand } from './prune';
import { rollupsCommand } from './rollups';
import type { ServeOptions } from './serve';

const program = new Command()
  .name('atomgraph')
  .description('LimaCharlie EDR telemetry as a Neo4j graph you can hunt in')
  .version(SERVER_VERSION);

program
  .command('serve')
  .description('serve the GraphQL API (starts the local Neo4j when NEO4J_URI is unset)')
  .option('--host <host>', 'address to listen on (default HOST or 127.0.0.1)')
  .option('--port <port>', 'port to listen on (default PORT or 4000)')
  .option('--role <role>', 'all, ingest (POST /ingest only) or query (GraphQL only); default ROLE or all')
  .action(async (options: ServeOptions) => (await import('./serve.js')).serveCommand(options));

program
  .command('load')
  .description('load LimaCharlie events from files, directories (recursive) or - for stdin; JSONL, JSON arrays, gzip')
  .argument('<inputs...>', 'files, directories, or - for stdin')
  .option('--batch-size <n>', 'events per write transaction', String(DEFAULT_BATCH_SIZE))
  .option('--rejects <file>', 'write rejected records as JSONL with source, line, reason and text')
  .option('--no-progress', 'no progress bar, even on a terminal')
  .action(loadCommand);

program
  .command('import')
  .description('backfill an empty graph offline: validate like load, build the store with neo4j-admin import, create the indexes (the local Neo4j, stopped)')
  .argument('<inputs...>', 'files, directories, or - for stdin')
  .option('--data-dir <dir>', "the local Neo4j's home to build (default: the launcher's, or NEO4J_DATA_DIR)")
  .option('--port <n>', 'Bolt port of the Neo4j started on the result (default: the launcher\'s, 7687; 0 for any free one)')
  .option('--heap <size>', 'the import JVM -Xmx (it sizes its buffers from it)', '1g')
  .option('--csv-dir <dir>', 'where the CSV files go (default: a directory in the data dir, removed afterwards)')
  .option('--csv-only', 'write the CSV files and the import arguments only (a Neo4j this machine does not run, e.g. Docker)')
  .option('--keep-csv', 'keep the CSV files after a successful import')
  .option('--rejects <file>', 'write rejected records and warnings as JSONL with source, line, reason and text')
  .action(async (inputs: string[], options: ImportOptions) => (await import('./import.js')).importCommand(inputs, options));

program
  .command('prune')
  .description('remove events and detections older than a cutoff, a bounded batch per transaction, while the server keeps running')
  .requiredOption('--before <time>', 'ISO-8601 time, epoch milliseconds, or an age (30d, 12h, P4W)')
  .option('--org <oid...>', 'only these orgs (repeatable)')
  .option('--dry-run', 'count what would be pruned, change nothing')
  .option('--batch-size <n>', 'events per transaction (default PRUNE_BATCH_SIZE or 1000)')
  .option('--no-progress', 'no progress bar, even on a terminal')
  .action(pruneCommand);

program
  .command('rollups')
  .description('count every stored event into the eventCounts rollups (a graph loaded before they existed); run with ingest stopped')
  .option('--rebuild', 'drop the rollups and count them again from the events')
  .action(rollupsCommand);

program.addCommand(generateCli());
program.addCommand(keysCli());

program
  .command('demo')
  .description('start the local Neo4j, load a generated fleet with planted attacks (once), serve the API on 127.0.0.1 without auth')
  .option('--port <port>', 'port to listen on (default PORT or 4000)')
  .action(async (options: DemoOptions) => (await import('./demo.js')).demoCommand(options));

program.command('migrate').description('create the constraints and indexes the graph needs').action(migrateCommand);

program.parseAsync(process.argv).catch((error: unknown) => {
  // One clear line for expected failures; a stack only for the unexpected.
  if (error instanceof ConfigError || error instanceof AppError) {
    process.stderr.write(`atomgraph: ${error.message}\n`);
  } else if (error instanceof Error && /connect|ECONNREFUSED|ServiceUnavailable/i.test(`${error.message} ${(error as { code?: string }).code ?? ''}`)) {
    process.stderr.write(`atomgraph: cannot reach Neo4j: ${error.message}\n`);
  } else {
    process.stderr.write(`atomgraph: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
