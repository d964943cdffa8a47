/**
 * The HTTP server: Apollo at /graphql (POSTs straight from node:http, see http/graphql-handler),
 * and on an express app the health probes, metrics, ingest, the playground and GraphQL GETs.
 * Listening on port 0 picks a free port, which the tests use.
 */
import { createServer, type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import type { Config } from '../config/env';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { createAuthenticator } from '../auth/authenticator';
import { type Authenticator, LOCAL_PRINCIPAL, type Principal } from '../auth/principal';
import { AppError, ErrorCode, httpStatusOf } from '../errors/codes';
import { POOL_SIZE } from '../graph/driver';
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
import { sendError } from './http/errors';
import { graphqlHandler, isGraphqlPath } from './http/graphql-handler';
import { createMetrics, type Metrics } from './metrics';
import { gateOptions } from './limits/gate';
import { gatePlugin } from './limits/plugin';
import { observePlugin } from './plugins/observe';
import { warningsPlugin } from './warnings';
import { healthRouter } from './http/health';
import { createLoaders } from './loaders';
import { ingestRouter } from './http/ingest';
import { createWriteLane, type WriteLane } from '../ingest/write-lane';
import { explorerRouter } from './explorer/router';
import { playgroundRouter } from './playground/router';
import { executableSchema } from './schema/executable';
import { startSubscriptions } from './subscriptions';
import { LiveFeed } from '../live/feed';
import { detectionFeedOf } from '../live/detections';
import { ReplicatedFeed } from '../live/replicated';
import { feedLogWriter } from '../graph/feed-log';

export interface ServerDeps {
  config: Config;
  executor: GraphExecutor;
  logger: Logger;
  /** Created per server when not given. */
  metrics?: Metrics;
  /** From config (AUTH, AUTH_CACHE_MS) when not given. */
  authenticator?: Authenticator;
  /** The live feed ingest publishes to and eventAdded reads; startServer makes one from config when not given. */
  live?: LiveFeed;
}

export interface ListenOptions {
  host: string;
  port: number;
}

export interface RunningServer {
  url: string;
  /** Where GET /metrics is served: on the API's port, or the separate METRICS_PORT listener. */
  metricsUrl: string;
  httpServer: Server;
  apollo: ApolloServer<ApiContext>;
  live: LiveFeed;
  /** LIVE_FEED=neo4j: the poller that reads the shared log into `live`. */
  replicated: ReplicatedFeed | null;
  close(): Promise<void>;
}

export function createApollo(deps: ServerDeps, httpServer?: Server): ApolloServer<ApiContext> {
  const plugins: ApolloServerPlugin<ApiContext>[] = [observePlugin(deps.logger, deps.metrics ?? createMetrics())];
  if (httpServer) plugins.push(ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: deps.config.SHUTDOWN_GRACE_MS }));
  const { config } = deps;
  const schema = executableSchema();
  // Authorisation, depth, aliases, variables, every argument and the cost: one gate, in that order.
  plugins.push(gatePlugin<ApiContext>(gateOptions(schema, config)));
  plugins.push(warningsPlugin());
  // Apollo's own landing page loads from a CDN; the playground (src/api/playground) is ours.
  plugins.push(ApolloServerPluginLandingPageDisabled());
  // No HTTP caching of answers (they depend on the key and on ingest), so Apollo's cache-control
  // bookkeeping, a hook on every resolved field, has nothing to do.
  plugins.push(ApolloServerPluginCacheControlDisabled());
  return new ApolloServer<ApiContext>({
    schema,
    formatError: createErrorFormatter(deps.logger, { suggestions: config.GRAPHQL_INTROSPECTION }),
    includeStacktraceInErrorResponses: false,
    // `atomgraph serve` owns SIGINT/SIGTERM and stops everything in order; Apollo's own handler
    // would stop only itself and then re-raise the signal, killing the process mid-shutdown.
    stopOnTerminationSignals: false,
    introspection: config.GRAPHQL_INTROSPECTION,
    parseOptions: { maxTokens: config.GRAPHQL_MAX_TOKENS },
    plugins,
  });
}

/** The readers hold nothing per request (the org scope is an argument), so each executor has one set. */
type Readers = Pick<ApiContext, 'reader' | 'trees' | 'search' | 'sightings' | 'lateral'>;
const readerSets = new WeakMap<GraphExecutor, Readers>();

function readersOf(executor: GraphExecutor): Readers {
  let set = readerSets.get(executor);
  if (!set) {
    set = { reader: new EventReader(executor), trees: new TreeReader(executor), search: new SearchReader(executor), sightings: new SightingReader(executor), lateral: new LateralReader(executor) };
    readerSets.set(executor, set);
  }
  return set;
}

/** One ingest write lane per executor, as for the readers: POST /ingest and ingestEvents share it. */
const lanes = new WeakMap<GraphExecutor, WriteLane>();

function ingestLaneOf(deps: ServerDeps): WriteLane {
  let lane = lanes.get(deps.executor);
  if (!lane) {
    lane = createWriteLane(deps.config.INGEST_WRITE_SLOTS);
    lanes.set(deps.executor, lane);
  }
  return lane;
}

/** A request's context: readers and loaders scoped to the caller's orgs (every org with auth off). */
export function contextFor(deps: ServerDeps, principal: Principal = LOCAL_PRINCIPAL): ApiContext {
  const readers = readersOf(deps.executor);
  const orgScope = principal.orgs;
  return {
    executor: deps.executor,
    ...readers,
    loaders: createLoaders(readers.reader, readers.trees, readers.search, readers.lateral, orgScope),
    orgScope,
    principal,
    logger: deps.logger,
    serverVersion: SERVER_VERSION,
    ingestBatchSize: deps.config.INGEST_BATCH_SIZE,
    ingestLane: ingestLaneOf(deps),
    servesIngest: deps.config.ROLE !== 'query',
    live: deps.live,
    warnings: [],
    metrics: deps.metrics,
  };
}

/** The most often Node checks connections against the header and request timeouts. */
const CONNECTION_CHECK_MS = 1_000;
/** How long a refused connection may linger after its 503 before it is cut. */
const REFUSED_LINGER_MS = 1_000;

/**
 * At most `max` open connections (keep-alive HTTP and WebSocket alike) from one remote address, so
 * one client cannot hold every socket the process can have; 0 is no cap. One more is answered 503
 * TOO_MANY_CONNECTIONS at once, before any request is read, and closed. Returns the sockets
 * refused, whose requests the handler must ignore.
 */
function capConnectionsPerAddress(server: Server, max: number): WeakSet<Socket> {
  const refused = new WeakSet<Socket>();
  if (max <= 0) return refused;
  const open = new Map<string, number>();
  const body = JSON.stringify({ code: ErrorCode.TOO_MANY_CONNECTIONS, message: `at most ${max} connections from one address at once`, max });
  const status = httpStatusOf(ErrorCode.TOO_MANY_CONNECTIONS);
  const answer = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      refused.add(socket);
      socket.end(answer);
      setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  return refused;
}

/** The refusal for what a replica of this ROLE does not serve: the load balancer sent it to the wrong pool. */
function notServed(what: string, role: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `${what} is not served by this replica (ROLE=${role}); send it to one with ROLE=all or ${role === 'query' ? 'ingest' : 'query'}`);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

/** Who is calling, as a GraphQL error Apollo answers with HTTP 401 when the key is missing or bad. */
async function principalOf(authenticator: Authenticator, authorization: string | undefined): Promise<Principal> {
  try {
    return await authenticator.authenticate(authorization);
  } catch (error) {
    if (error instanceof AppError) throw new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: httpStatusOf(error.code) } } });
    throw error;
  }
}

/**
 * /metrics alone on its own port (METRICS_PORT), without keys: for a scraper on a private network
 * or loopback. Nothing else is served there.
 */
async function listenForMetrics(metrics: Metrics, host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      sendError(res, new AppError(ErrorCode.NOT_FOUND, 'only GET /metrics is served here'));
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      },
      () => sendError(res, new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error')),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's keep-alive connection would hold close() open
      }),
  };
}

export async function startServer(deps: ServerDeps, options: ListenOptions): Promise<RunningServer> {
  if (deps.config.AUTH === 'off' && !LOOPBACK.test(options.host)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `refusing to serve without auth (AUTH=off) on ${options.host}: use 127.0.0.1, or AUTH=keys with API keys`);
  }
  const authenticator = deps.authenticator ?? createAuthenticator(deps.executor, { mode: deps.config.AUTH, cacheMs: deps.config.AUTH_CACHE_MS });
  const app = express();
  app.disable('x-powered-by');
  // Answers to POSTs are never cached: hashing each body for an ETag was wasted work per request.
  app.disable('etag');
  // POST /graphql, the hot path, goes straight to Apollo; everything else through express.
  // (`graphql` is set below, before the server listens.)
  const { config } = deps;
  const httpServer = createServer(
    {
      // Seconds, not Node's minutes: a client trickling its headers or its request is cut (408).
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      // How often Node looks for requests over those timeouts (its default, 30 s, would let them run that much longer).
      connectionsCheckingInterval: Math.min(CONNECTION_CHECK_MS, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    (req, res) => {
      if (refusedSockets.has(req.socket)) return;
      if (role === 'ingest' && isGraphqlPath(req.url)) sendError(res, notServed('GraphQL', role));
      else if (req.method === 'POST' && isGraphqlPath(req.url)) void graphql(req, res);
      else app(req, res);
    },
  );
  const refusedSockets = capConnectionsPerAddress(httpServer, config.HTTP_MAX_CONNECTIONS_PER_ADDRESS);
  const metrics = deps.metrics ?? createMetrics();
  // The executor outlives the server (tests start several on one): stop listening on close.
  const unwatchNeo4j = metrics.watchNeo4j(deps.executor, POOL_SIZE);
  const live =
    deps.live ??
    new LiveFeed({
      bufferEvents: deps.config.LIVE_BUFFER_EVENTS,
      maxSubscriptions: deps.config.LIVE_MAX_SUBSCRIPTIONS,
      maxPerOwner: deps.config.LIVE_MAX_SUBSCRIPTIONS_PER_KEY,
      metrics: metrics.live,
      onError: (err) => deps.logger.error({ err }, 'live feed: publishing failed'),
    });
  const { ROLE: role } = deps.config;
  // Replicas share the feed through Neo4j: ingest records its batches there, and a replica that
  // serves subscriptions polls them, starting from the log's head before anyone can subscribe.
  if (deps.config.LIVE_FEED === 'neo4j') live.log = feedLogWriter;
  const replicated =
    deps.config.LIVE_FEED === 'neo4j' && role !== 'ingest'
      ? new ReplicatedFeed(deps.executor, live, { pollMs: deps.config.LIVE_POLL_MS, retentionMs: deps.config.LIVE_LOG_RETENTION_MS, logger: deps.logger })
      : null;
  await replicated?.start();
  deps = { ...deps, metrics, live };
  const apollo = createApollo(deps, httpServer);
  await apollo.start();
  const graphql = graphqlHandler(apollo, {
    authenticate: (req) => principalOf(authenticator, req.headers.authorization),
    context: (principal) => contextFor(deps, principal),
    maxBytes: deps.config.GRAPHQL_MAX_BYTES,
    bodyIdleMs: deps.config.HTTP_BODY_IDLE_TIMEOUT_MS,
  });

  app.use(healthRouter(deps.executor, deps.logger));
  // Metrics name every tenant's operations and load: for operators, never for tenants' keys.
  if (deps.config.METRICS_PORT === undefined) {
    app.get('/metrics', async (req, res) => {
      try {
        const principal = await authenticator.authenticate(req.header('authorization'));
        if (principal.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, `metrics are for admin keys (this key's role is ${principal.role})`);
      } catch (error) {
        sendError(res, error instanceof AppError ? error : new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
        return;
      }
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  if (role === 'query') app.post('/ingest', (_req, res) => sendError(res, notServed('POST /ingest', role)));
  else app.use(
    ingestRouter({
      executor: deps.executor,
      logger: deps.logger,
      secret: deps.config.INGEST_SECRET,
      maxBytes: deps.config.INGEST_MAX_BYTES,
      maxRecords: deps.config.INGEST_MAX_RECORDS,
      maxRecordBytes: deps.config.INGEST_MAX_RECORD_BYTES,
      maxErrorsListed: deps.config.INGEST_MAX_ERRORS_LISTED,
      bodyIdleMs: deps.config.HTTP_BODY_IDLE_TIMEOUT_MS,
      batchSize: deps.config.INGEST_BATCH_SIZE,
      lane: ingestLaneOf(deps),
      metrics,
      authenticator,
      live,
    }),
  );
  // Before Apollo: a browser's GET /graphql gets GraphiQL, everything else passes through.
  if (deps.config.PLAYGROUND && role !== 'ingest') app.use(playgroundRouter({ auth: deps.config.AUTH, explorer: deps.config.EXPLORER }));
  if (deps.config.EXPLORER && role !== 'ingest') app.use(explorerRouter({ auth: deps.config.AUTH, playground: deps.config.PLAYGROUND }));
  // What reaches here for /graphql: GETs that are not a browser's, and POSTs to /graphql/ or /GraphQL.
  app.use('/graphql', (req, res) => void graphql(req, res));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const metricsListener = deps.config.METRICS_PORT === undefined ? null : await listenForMetrics(metrics, deps.config.METRICS_HOST, deps.config.METRICS_PORT);
  const sockets = role === 'ingest' ? null : startSubscriptions({ httpServer, config: deps.config, logger: deps.logger, authenticator, contextFor: (principal) => contextFor(deps, principal) });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/graphql`;
  return {
    url,
    metricsUrl: metricsListener?.url ?? `${url.slice(0, -'/graphql'.length)}/metrics`,
    httpServer,
    apollo,
    live,
    replicated,
    close: async () => {
      // WebSockets get their 1001 close frame first (synchronously), before the HTTP drain ends
      // request-less sockets; then Apollo's drain stops accepting, lets in-flight requests and
      // ingest batches finish (up to SHUTDOWN_GRACE_MS) and closes.
      const closingSockets = sockets?.close();
      await Promise.all([closingSockets, apollo.stop()]);
      await replicated?.stop();
      live.close();
      detectionFeedOf(live).close();
      unwatchNeo4j();
      await metricsListener?.close();
    },
  };
}
