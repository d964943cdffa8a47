/**
 * Logs and measures every GraphQL operation: request id, operation name, duration and outcome,
 * never variables (they may hold keys or sensitive values).
 */
import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../log/logger';
import type { Metrics } from '../metrics';

/** Distinct operation names kept as metric labels; later ones are counted as `other`. */
export const MAX_OPERATION_LABELS = 200;
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Operation names are chosen by clients, and every distinct label is a time series kept in memory
 * for the life of the process: only well-formed names, and only the first MAX_OPERATION_LABELS of
 * them, become labels.
 */
export function operationLabels(max = MAX_OPERATION_LABELS): (name: string) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!NAME.test(name)) return 'invalid';
    if (seen.has(name)) return name;
    if (seen.size >= max) return 'other';
    seen.add(name);
    return name;
  };
}

export function observePlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin {
  const label = operationLabels();
  return {
    async requestDidStart() {
      const started = performance.now();
      const requestId = randomUUID();
      return {
        async willSendResponse(ctx) {
          const operation = label(ctx.operationName ?? ctx.operation?.operation ?? 'unknown');
          const seconds = (performance.now() - started) / 1000;
          const failed = (ctx.errors?.length ?? 0) > 0 || (ctx.response.body.kind === 'single' && (ctx.response.body.singleResult.errors?.length ?? 0) > 0);
          // Apollo writes the answer only after this hook: the bookkeeping waits until it is sent.
          setImmediate(() => {
            metrics.requests.inc({ operation, outcome: failed ? 'error' : 'ok' });
            metrics.latency.observe({ operation }, seconds);
            logger.info({ requestId, operation, ms: Math.round(seconds * 1000), outcome: failed ? 'error' : 'ok' }, 'graphql request');
          });
        },
      };
    },
  };
}
