/**
 * Logs and measures every GraphQL operation: request id, operation name, duration and outcome,
 * never variables (they may hold keys or sensitive values).
 */
import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../log/logger';
import type { Metrics } from '../metrics';

export function observePlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      const requestId = randomUUID();
      return {
        async willSendResponse(ctx) {
          const operation = ctx.operationName ?? ctx.operation?.operation ?? 'unknown';
          const seconds = (performance.now() - started) / 1000;
          const failed = (ctx.errors?.length ?? 0) > 0 || (ctx.response.body.kind === 'single' && (ctx.response.body.singleResult.errors?.length ?? 0) > 0);
          metrics.requests.inc({ operation, outcome: failed ? 'error' : 'ok' });
          metrics.latency.observe({ operation }, seconds);
          logger.info({ requestId, operation, ms: Math.round(seconds * 1000), outcome: failed ? 'error' : 'ok' }, 'graphql request');
        },
      };
    },
  };
}
