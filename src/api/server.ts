/**
 * The HTTP server: Apollo at /graphql, health probes, and (later) ingest and metrics, on one
 * express app. Listening on port 0 picks a free port, which the tests use.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '../config/env';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { GraphExecutor } from '../graph/executor';
import { EventReader } from '../graph/reader/events';
import { LateralReader } from '../graph/reader/lateral';
import { SearchReader } from '../graph/reader/search';
import { SightingReader } from '../graph/reader/sightings';
import { TreeReader } from '../graph/reader/trees';
import type { Logger } from '../log/logger';
import { SERVER_VERSION } from '../version';
import type { ApiContext } from './context';
import { createErrorFormatter } from './errors';
import { losslessJsonBody } from './http/graphql-body';
import { createMetrics, type Metrics } from './metrics';
import { observePlugin } from './plugins/observe';
import { healthRouter } from './http/health';
import { createLoaders } from './loaders';
import { ingestRouter } from './http/ingest';
import { resolvers } from './resolvers';
import { loadTypeDefs } from './schema/load';

export interface ServerDeps {
  config: Config;
  executor: GraphExecutor;
  logger: Logger;
  /** Created per server when not given. */
  metrics?: Metrics;
}

export interface ListenOptions {
  host: string;
  port: number;
}

export interface RunningServer {
  url: string;
  httpServer: Server;
  apollo: ApolloServer<ApiContext>;
  close(): Promise<void>;
}

export function createApollo(deps: ServerDeps, httpServer?: Server): ApolloServer<ApiContext> {
  const plugins = [observePlugin(deps.logger, deps.metrics ?? createMetrics())];
  if (httpServer) plugins.push(ApolloServerPluginDrainHttpServer({ httpServer }));
  return new ApolloServer<ApiContext>({
    typeDefs: loadTypeDefs(),
    resolvers,
    formatError: createErrorFormatter(deps.logger),
    includeStacktraceInErrorResponses: false,
    plugins,
  });
}

export function contextFor(deps: ServerDeps): ApiContext {
  const reader = new EventReader(deps.executor);
  const trees = new TreeReader(deps.executor);
  const search = new SearchReader(deps.executor);
  const orgScope = null; // every org, until API keys scope requests
  return {
    executor: deps.executor,
    reader,
    trees,
    sightings: new SightingReader(deps.executor),
    search,
    lateral: new LateralReader(deps.executor),
    loaders: createLoaders(reader, trees, search, orgScope),
    orgScope,
    limits: { maxDepth: deps.config.API_MAX_DEPTH, maxTreeDepth: deps.config.API_MAX_TREE_DEPTH, maxPage: deps.config.API_MAX_PAGE },
    logger: deps.logger,
    serverVersion: SERVER_VERSION,
    ingestBatchSize: deps.config.INGEST_BATCH_SIZE,
  };
}

export async function startServer(deps: ServerDeps, options: ListenOptions): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const metrics = deps.metrics ?? createMetrics();
  const apollo = createApollo({ ...deps, metrics }, httpServer);
  await apollo.start();

  app.use(healthRouter(deps.executor, deps.logger));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(
    ingestRouter({
      executor: deps.executor,
      logger: deps.logger,
      secret: deps.config.INGEST_SECRET,
      maxBytes: deps.config.INGEST_MAX_BYTES,
      batchSize: deps.config.INGEST_BATCH_SIZE,
      metrics,
    }),
  );
  app.use(
    '/graphql',
    losslessJsonBody(deps.config.GRAPHQL_MAX_BYTES),
    expressMiddleware(apollo, { context: async () => contextFor(deps) }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/graphql`;
  return {
    url,
    httpServer,
    apollo,
    // Apollo's drain plugin stops accepting, lets in-flight requests finish, then closes.
    close: () => apollo.stop(),
  };
}
