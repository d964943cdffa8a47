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
import { GraphQLError } from 'graphql';
import { createAuthenticator } from '../auth/authenticator';
import { type Authenticator, LOCAL_PRINCIPAL, type Principal } from '../auth/principal';
import { AppError, ErrorCode } from '../errors/codes';
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
  /** From config (AUTH, AUTH_CACHE_MS) when not given. */
  authenticator?: Authenticator;
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

/** A request's context: readers and loaders scoped to the caller's orgs (every org with auth off). */
export function contextFor(deps: ServerDeps, principal: Principal = LOCAL_PRINCIPAL): ApiContext {
  const reader = new EventReader(deps.executor);
  const trees = new TreeReader(deps.executor);
  const search = new SearchReader(deps.executor);
  const orgScope = principal.orgs;
  return {
    executor: deps.executor,
    reader,
    trees,
    sightings: new SightingReader(deps.executor),
    search,
    lateral: new LateralReader(deps.executor),
    loaders: createLoaders(reader, trees, search, orgScope),
    orgScope,
    principal,
    limits: { maxDepth: deps.config.API_MAX_DEPTH, maxTreeDepth: deps.config.API_MAX_TREE_DEPTH, maxPage: deps.config.API_MAX_PAGE },
    logger: deps.logger,
    serverVersion: SERVER_VERSION,
    ingestBatchSize: deps.config.INGEST_BATCH_SIZE,
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

/** Who is calling, as a GraphQL error Apollo answers with HTTP 401 when the key is missing or bad. */
async function principalOf(authenticator: Authenticator, authorization: string | undefined): Promise<Principal> {
  try {
    return await authenticator.authenticate(authorization);
  } catch (error) {
    if (error instanceof AppError) throw new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: 401 } } });
    throw error;
  }
}

export async function startServer(deps: ServerDeps, options: ListenOptions): Promise<RunningServer> {
  if (deps.config.AUTH === 'off' && !LOOPBACK.test(options.host)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `refusing to serve without auth (AUTH=off) on ${options.host}: use 127.0.0.1, or AUTH=keys with API keys`);
  }
  const authenticator = deps.authenticator ?? createAuthenticator(deps.executor, { mode: deps.config.AUTH, cacheMs: deps.config.AUTH_CACHE_MS });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const metrics = deps.metrics ?? createMetrics();
  const apollo = createApollo({ ...deps, metrics }, httpServer);
  await apollo.start();

  app.use(healthRouter(deps.executor, deps.logger));
  // Metrics name operations and hosts' load: any valid key may read them.
  app.get('/metrics', async (req, res) => {
    try {
      await authenticator.authenticate(req.header('authorization'));
    } catch {
      res.status(401).json({ code: ErrorCode.UNAUTHENTICATED, message: 'a valid API key is required: Authorization: Bearer <key>' });
      return;
    }
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
      authenticator,
    }),
  );
  app.use(
    '/graphql',
    losslessJsonBody(deps.config.GRAPHQL_MAX_BYTES),
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(deps, await principalOf(authenticator, req.header('authorization'))) }),
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
