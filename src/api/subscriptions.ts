/**
 * Wires the live feed's WebSocket endpoint into the API: the shared schema, the same error
 * formatter and query limits as HTTP (depth, aliases, cost: a subscription's selection runs once
 * per event, so an expensive one is refused up front), and contexts scoped to the caller's orgs.
 */
import type { Server } from 'node:http';
import { getComplexity } from 'graphql-query-complexity';
import type { Authenticator, Principal } from '../auth/principal';
import type { Config } from '../config/env';
import { AppError, ErrorCode } from '../errors/codes';
import type { Logger } from '../log/logger';
import { startLiveSocket, type LiveSocketServer } from '../live/ws-server';
import type { ApiContext } from './context';
import { createErrorFormatter } from './errors';
import { traversalEstimator } from './limits/cost';
import { limitRules } from './limits/rules';
import { executableSchema } from './schema/executable';

/** Longest a client may take to answer the close handshake when the server stops. */
const MAX_CLOSE_WAIT_MS = 5_000;
/** The most often open connections' keys are read again (AUTH_CACHE_MS 0 would otherwise mean a busy loop). */
const MIN_RECHECK_MS = 250;

export interface SubscriptionDeps {
  httpServer: Server;
  config: Config;
  logger: Logger;
  authenticator: Authenticator;
  contextFor(principal: Principal): ApiContext;
}

export function startSubscriptions(deps: SubscriptionDeps): LiveSocketServer {
  const { config } = deps;
  const schema = executableSchema();
  const estimator = traversalEstimator({ maxPage: config.API_MAX_PAGE, maxDepth: config.API_MAX_DEPTH });
  return startLiveSocket({
    httpServer: deps.httpServer,
    path: '/graphql',
    schema,
    authenticator: deps.authenticator,
    contextFor: deps.contextFor,
    formatError: createErrorFormatter(deps.logger),
    rules: limitRules({ maxDepth: config.GRAPHQL_MAX_DEPTH, maxAliases: config.GRAPHQL_MAX_ALIASES }),
    check: (args) => {
      const cost = getComplexity({
        schema,
        query: args.document,
        variables: (args.variableValues as Record<string, unknown> | null) ?? {},
        ...(args.operationName ? { operationName: args.operationName } : {}),
        estimators: [estimator],
      });
      const maxCost = config.GRAPHQL_MAX_COST;
      if (cost > maxCost) throw new AppError(ErrorCode.QUERY_TOO_COMPLEX, `query cost ${cost} is over the limit of ${maxCost}: select less per event`, { cost, maxCost });
    },
    maxPayloadBytes: config.GRAPHQL_MAX_BYTES,
    maxTokens: config.GRAPHQL_MAX_TOKENS,
    closeTimeoutMs: Math.min(config.SHUTDOWN_GRACE_MS, MAX_CLOSE_WAIT_MS),
    logger: deps.logger,
    maxSubscriptionsPerConnection: config.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    // Half the cache's lifetime: a revoked key's subscriptions end well within AUTH_CACHE_MS.
    recheckKeysEveryMs: Math.max(MIN_RECHECK_MS, Math.floor(config.AUTH_CACHE_MS / 2)),
  });
}
