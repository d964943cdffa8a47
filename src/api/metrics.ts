/**
 * Prometheus metrics (prom-client), served at GET /metrics: GraphQL requests and latency by
 * operation, ingest outcomes, the live feed, Neo4j (statement latency by name, sessions in use
 * against the pool's size, failures by code), and process figures. One registry per server, so
 * tests and several servers in one process never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GraphExecutor } from '../graph/executor';
import type { IngestSummary } from '../ingest/pipeline';
import type { LiveMetrics } from '../live/feed';

export interface Metrics {
  registry: Registry;
  requests: Counter<'operation' | 'outcome'>;
  latency: Histogram<'operation'>;
  ingested: Counter<'outcome'>;
  /** Body values that did not fit the catalogue in stored events (each a warning in the ingest answer). */
  ingestWarnings: Counter;
  /** The live feed (eventAdded): events published, delivered and dropped, and open subscriptions. */
  live: LiveMetrics;
  /** Starts reporting an executor's Neo4j figures (once per server); returns the way to stop. */
  watchNeo4j(executor: GraphExecutor, poolSize: number): () => void;
}

/** One ingest request's outcome on the counters, the same for POST /ingest and ingestEvents. */
export function countIngest(metrics: Metrics | undefined, summary: Readonly<IngestSummary>): void {
  if (!metrics) return;
  metrics.ingested.inc({ outcome: 'accepted' }, summary.stored);
  metrics.ingested.inc({ outcome: 'duplicate' }, summary.duplicates);
  metrics.ingested.inc({ outcome: 'rejected' }, summary.rejected);
  metrics.ingestWarnings.inc(summary.warnings);
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'atomgraph_' });
  const watchNeo4j = (executor: GraphExecutor, poolSize: number): (() => void) => {
    const statements = new Histogram({
      name: 'atomgraph_neo4j_statement_seconds',
      help: 'Neo4j transactions by statement name and access mode, retries included.',
      labelNames: ['statement', 'mode'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    // Observed after the answer that waited on the statement has gone out (the listener runs before it).
    const stop = executor.observe(({ name, mode, ms }) => void setImmediate(() => statements.observe({ statement: name, mode }, ms / 1000)));
    new Gauge({
      name: 'atomgraph_neo4j_sessions_in_use',
      help: 'Neo4j sessions open, each holding or waiting for one pooled connection, by access mode.',
      labelNames: ['mode'],
      registers: [registry],
      collect() {
        this.set({ mode: 'READ' }, executor.stats.inUse.READ);
        this.set({ mode: 'WRITE' }, executor.stats.inUse.WRITE);
      },
    });
    new Gauge({ name: 'atomgraph_neo4j_pool_max_connections', help: 'The driver\'s connection pool size (per Neo4j server).', registers: [registry] }).set(poolSize);
    new Gauge({
      name: 'atomgraph_neo4j_failures',
      help: 'Neo4j transactions that failed since start, by error code.',
      labelNames: ['code'],
      registers: [registry],
      collect() {
        for (const [code, n] of executor.stats.failures) this.set({ code }, n);
      },
    });
    return stop;
  };
  return {
    watchNeo4j,
    registry,
    requests: new Counter({
      name: 'atomgraph_graphql_requests_total',
      help: 'GraphQL operations by name and outcome (ok or error).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'atomgraph_graphql_request_seconds',
      help: 'GraphQL operation duration by name.',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    ingested: new Counter({
      name: 'atomgraph_ingest_events_total',
      help: 'Ingested events by outcome: accepted, duplicate or rejected.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    ingestWarnings: new Counter({
      name: 'atomgraph_ingest_warnings_total',
      help: 'Body values that did not fit the event catalogue, in events that were stored (kept in raw only).',
      registers: [registry],
    }),
    live: {
      published: new Counter({ name: 'atomgraph_live_published_total', help: 'Stored events published to the live feed.', registers: [registry] }),
      delivered: new Counter({ name: 'atomgraph_live_delivered_total', help: 'Live events handed to subscribers (one per subscriber).', registers: [registry] }),
      dropped: new Counter({ name: 'atomgraph_live_dropped_total', help: 'Live events dropped because a subscriber fell behind (its buffer was full).', registers: [registry] }),
      subscriptions: new Gauge({ name: 'atomgraph_live_subscriptions', help: 'Open eventAdded subscriptions.', registers: [registry] }),
    },
  };
}
