/**
 * The only module that reads `process.env`. Every setting is validated with zod and every problem
 * is reported at once, so an operator fixes a bad deployment in one pass instead of one per restart.
 * Explicit input (CLI flags, test overrides) is merged over the environment by the callers via
 * `loadConfig(overrides)`; nothing else in the tree may touch `process.env` (lint enforces it).
 */
import { z } from 'zod';
import { parseRelativeRange } from '../domain/time';
import { DEFAULT_BATCH_SIZE } from '../ingest/defaults';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  /** Unset means "use the local embedded Neo4j" (`npm start` starts it). */
  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/, 'must be a bolt://, neo4j://, bolt+s:// or neo4j+s:// URI')
    .optional(),
  NEO4J_USERNAME: z.string().min(1).default('neo4j'),
  NEO4J_PASSWORD: z.string().min(1).default('atomgraph-dev'),
  NEO4J_DATABASE: z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{0,62}$/, 'must be a Neo4j database name').default('neo4j'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  /**
   * Unset: GET /metrics on PORT, for admin keys only (operation names and load are every tenant's).
   * Set: /metrics only on this separate port, without keys: the network keeps it private.
   */
  METRICS_PORT: port.optional(),
  /** The address the separate metrics listener binds (METRICS_PORT). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** How long a Cypher transaction may run before Neo4j aborts it. */
  NEO4J_TX_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** How long to wait for a pooled connection; bounds every request when Neo4j is down. */
  NEO4J_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Upper bound for the driver's retries of transient errors in managed transactions. */
  NEO4J_MAX_RETRY_MS: z.coerce.number().int().nonnegative().default(15_000),
  /** When set, POST /ingest requires `lc-signature`: the hex HMAC-SHA256 of the body with this secret. */
  INGEST_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Largest accepted POST /ingest body (bytes, before and after gunzip). */
  INGEST_MAX_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  /**
   * Most records (lines, or array elements) in one POST /ingest body; a body with more is refused
   * whole with 413 LIMIT_EXCEEDED before anything is stored, so a client splits and resends it.
   */
  INGEST_MAX_RECORDS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Longest single record in a POST /ingest body; a longer one is rejected alone, unparsed. */
  INGEST_MAX_RECORD_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** Rejected records listed (line and reason) in one POST /ingest reply; `rejected` counts them all. */
  INGEST_MAX_ERRORS_LISTED: z.coerce.number().int().min(0).max(100_000).default(100),
  /** Events per write transaction for HTTP and GraphQL ingest. */
  INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(DEFAULT_BATCH_SIZE),
  /** Write transactions in flight at once for all API ingest requests together, first come first served. */
  INGEST_WRITE_SLOTS: z.coerce.number().int().min(1).max(64).default(2),
  /** Largest maxDepth a client may ask for in ancestry and tree queries. */
  API_MAX_DEPTH: z.coerce.number().int().min(1).max(1000).default(256),
  /** Largest page (`first`) a client may ask for. */
  API_MAX_PAGE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Largest maxDepth for descendants (trees fan out; ancestry is a chain and uses API_MAX_DEPTH). */
  API_MAX_TREE_DEPTH: z.coerce.number().int().min(1).max(100).default(32),
  /**
   * `keys`: every request needs an API key (`atomgraph keys create`). `off`: no auth, every org;
   * for local use only, so the server refuses it on an address other than loopback.
   */
  AUTH: z.enum(['keys', 'off']).default('keys'),
  /** How long a looked-up API key is trusted before it is read again (a revoke takes effect within this). */
  AUTH_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  /** Deepest selection nesting a query may have. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).max(100).default(15),
  /** Most aliases in one operation (each alias is another query). */
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(20),
  /** Most tokens in a document; parsing stops there. */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(5_000),
  /** Highest query cost (fields times first x maxDepth through nesting; see src/api/limits/cost.ts). */
  GRAPHQL_MAX_COST: z.coerce.number().int().min(1).default(100_000),
  /** Whether the schema can be introspected (the playground needs it). */
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** GraphiQL at GET /graphql for browsers, from our own origin (no CDN); the queries it sends need a key as any other. */
  PLAYGROUND: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** How long a client may take to send a request's headers (Node's server.headersTimeout). */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** How long a client may take to send a whole request, headers and body (Node's server.requestTimeout); answered 408. */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Longest pause between two pieces of a request body before it is refused with 408 and the connection closed. */
  HTTP_BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /**
   * Concurrent connections (HTTP keep-alive and WebSocket) from one remote address; more are
   * answered 503 TOO_MANY_CONNECTIONS and closed. 0 turns the cap off (behind a proxy every client
   * shares its address: cap there instead).
   */
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).max(1_000_000).default(256),
  /** The explorer at GET /explorer (process trees drawn from the API; the bundle npm run build makes). */
  EXPLORER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Largest accepted GraphQL request body (bytes). */
  GRAPHQL_MAX_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  /** Events buffered per live subscriber (eventAdded); beyond this the oldest are dropped and counted. */
  LIVE_BUFFER_EVENTS: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Open eventAdded subscriptions the server holds at once, over all connections; each costs ingest a match per event of its org. */
  LIVE_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Open eventAdded subscriptions one API key holds at once, over all its connections: a tenant can exhaust only its own share of the global cap. */
  LIVE_MAX_SUBSCRIPTIONS_PER_KEY: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Open eventAdded subscriptions on one WebSocket connection. */
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(100_000).default(20),
  /**
   * What this process serves, so ingest can be scaled apart from queries behind a load balancer:
   * `all`; `ingest` (POST /ingest, probes and metrics: no GraphQL, no live feed); `query` (GraphQL
   * queries and subscriptions, the playground and explorer: no POST /ingest, no ingestEvents).
   * Split roles need LIVE_FEED=neo4j, or subscribers would never hear what the ingest replicas store.
   */
  ROLE: z.enum(['all', 'ingest', 'query']).default('all'),
  /**
   * Where the live feed crosses processes. `memory`: one process; subscribers hear what this
   * process ingests. `neo4j`: several replicas on one database; each committed batch is recorded
   * in Neo4j and every replica polls for it, so every subscriber hears every batch.
   */
  LIVE_FEED: z.enum(['memory', 'neo4j']).default('memory'),
  /** LIVE_FEED=neo4j: how often a replica polls the shared log (delivery takes up to this plus a read). */
  LIVE_POLL_MS: z.coerce.number().int().min(50).max(5_000).default(250),
  /** LIVE_FEED=neo4j: how long recorded batches are kept; a replica cut off from Neo4j longer than this misses what was trimmed. */
  LIVE_LOG_RETENTION_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(600_000),
  /**
   * Retention: events and detections older than this (`30d`, `12h`, `P4W`...) are pruned on a
   * schedule inside `serve` (docs/graph-model.md, Retention). Unset or `off`: the graph keeps everything.
   */
  RETENTION: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim().toLowerCase() === 'off') return undefined;
      const parsed = parseRelativeRange(v);
      if ('reason' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.reason });
        return z.NEVER;
      }
      return parsed.ms;
    }),
  /** How often `serve` runs the RETENTION prune; the first run starts as soon as the server listens. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1000).max(7 * 86_400_000).default(3_600_000),
  /** Events (or detections) deleted per prune transaction: bounds each transaction's locks and memory. */
  PRUNE_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(1000),
  /** On SIGTERM/SIGINT: how long in-flight requests and ingest batches may take before connections are cut. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
});

export type Config = z.infer<typeof configSchema>;

/** Rules across settings, checked after each setting is valid on its own. */
function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  if (config.ROLE !== 'all' && config.LIVE_FEED !== 'neo4j') {
    problems.push(`ROLE: ${config.ROLE} serves only part of the API; set LIVE_FEED=neo4j so that subscribers on query replicas hear what ingest replicas store`);
  }
  return problems;
}
export type ConfigInput = Partial<Record<keyof Config, string | number | undefined>>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses a set of raw settings; throws one ConfigError listing every problem. */
export function parseConfig(raw: ConfigInput): Config {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const problems = crossChecks(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/** The environment's settings with explicit overrides on top. */
export function loadConfig(overrides: ConfigInput = {}): Config {
  const fromEnv: ConfigInput = {};
  for (const key of Object.keys(configSchema.shape) as (keyof Config)[]) {
    fromEnv[key] = process.env[key];
  }
  // An override left undefined (a CLI flag not given) must not hide the environment's value.
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return parseConfig({ ...fromEnv, ...given });
}

/** Settings that are safe to print: secrets are masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return { ...config, NEO4J_PASSWORD: '***', INGEST_SECRET: config.INGEST_SECRET ? '***' : undefined };
}
