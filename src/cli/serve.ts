/**
 * `atomgraph serve`: migrate the schema, then serve the API until SIGINT/SIGTERM, and then stop
 * gracefully: refuse new connections, let in-flight requests and ingest batches finish (up to
 * SHUTDOWN_GRACE_MS), close WebSocket subscriptions with 1001, close the Neo4j driver, stop the
 * local Neo4j if this process started it, exit 0. A second signal exits at once with 1.
 */
import { startServer } from '../api/server';
import type { ConfigInput } from '../config/env';
import { startRetention } from '../graph/prune/schedule';
import { migrate } from '../graph/schema/migrate';
import { stopLocalNeo4j } from '../local/neo4j';
import { createRuntime } from '../runtime';

export interface ServeOptions {
  host?: string;
  port?: string;
  role?: string;
}

/**
 * `settings` are fixed by the caller (the demo serves without auth on loopback). `ownsLocalNeo4j`:
 * the caller started the local Neo4j this server finds running (the demo does, to load its fleet
 * first), so stopping the server stops it too.
 */
export async function serveCommand(options: ServeOptions, settings: ConfigInput = {}, ownsLocalNeo4j = false): Promise<void> {
  const runtime = await createRuntime({
    overrides: { ...settings, HOST: options.host, PORT: options.port, ROLE: options.role },
    startLocalNeo4jIfUnset: true,
  });
  const { config, logger } = runtime;
  await migrate(runtime.executor);
  const server = await startServer(
    { config, executor: runtime.executor, logger },
    { host: config.HOST, port: config.PORT },
  );
  logger.info({ url: server.url, neo4j: runtime.uri, role: config.ROLE, liveFeed: config.LIVE_FEED }, 'atomgraph is serving');
  // Pruning writes: a query-only replica leaves it to the ingest or all-role ones.
  const retention =
    config.RETENTION === undefined || config.ROLE === 'query'
      ? null
      : startRetention(runtime.executor, logger, { retentionMs: config.RETENTION, intervalMs: config.RETENTION_INTERVAL_MS, batchSize: config.PRUNE_BATCH_SIZE });
  if (config.ROLE === 'ingest') process.stdout.write(`atomgraph serving ingest at ${server.url.slice(0, -'/graphql'.length)}/ingest (ROLE=ingest: no GraphQL)\n`);
  else process.stdout.write(`atomgraph serving GraphQL at ${server.url}${config.PLAYGROUND ? ' (open it in a browser for the playground)' : ''}${config.ROLE === 'query' ? ' (ROLE=query: no ingest)' : ''}\n`);

  /** Beyond the grace period, closing sockets, the driver and Neo4j get this long before the process gives up. */
  const CLOSE_MARGIN_MS = 45_000;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for in-flight work');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'shutting down: no new connections, finishing in-flight requests');
    const deadline = setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + CLOSE_MARGIN_MS);
    deadline.unref();
    try {
      await retention?.stop();
      await server.close();
      await runtime.close();
      // Only a Neo4j this process started; one that was already running belongs to someone else.
      if (runtime.localNeo4j && (ownsLocalNeo4j || !runtime.localNeo4j.alreadyRunning)) {
        logger.info({ pid: runtime.localNeo4j.pid }, 'stopping the local Neo4j');
        await stopLocalNeo4j();
      }
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
