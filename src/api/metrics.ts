/**
 * Prometheus metrics (prom-client), served at GET /metrics: GraphQL requests and latency by
 * operation, ingest outcomes, and process figures. One registry per server, so tests and several
 * servers in one process never share counters.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'operation' | 'outcome'>;
  latency: Histogram<'operation'>;
  ingested: Counter<'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'atomgraph_' });
  return {
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
  };
}
