/**
 * Wires the live feed's WebSocket endpoint into the API: the shared schema, the same error
 * formatter and query limits as HTTP (depth, aliases, cost: a subscription's selection runs once
 * per event, so an expensive one is refused up front), and contexts scoped to the caller's orgs.
 */
import type { Server } from 'node:http';
import type { Authenticator, Principal } from '../auth/principal';
import type { Config } from '../config/env';
import type { Logger } from '../log/logger';
import { startLiveSocket, type LiveSocketServer } from '../live/ws-server';
import type { ApiContext } from './context';
import { createErrorFormatter } from './errors';
import { gateOptions, OperationGate } from './limits/gate';
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
  const gate = new OperationGate(gateOptions(schema, config));
  return startLiveSocket({
    httpServer: deps.httpServer,
    path: '/graphql',
    schema,
    authenticator: deps.authenticator,
    contextFor: deps.contextFor,
    formatError: createErrorFormatter(deps.logger, { suggestions: config.GRAPHQL_INTROSPECTION }),
    // The same gate as POST /graphql: the role, depth, aliases, variables, arguments and cost (a
    // subscription's selection runs once per event, so an expensive one is refused up front).
    check: (args, principal) =>
      void gate.check({ document: args.document, operationName: args.operationName, variables: args.variableValues as Record<string, unknown> | null, principal }),
    maxPayloadBytes: config.GRAPHQL_MAX_BYTES,
    maxTokens: config.GRAPHQL_MAX_TOKENS,
    closeTimeoutMs: Math.min(config.SHUTDOWN_GRACE_MS, MAX_CLOSE_WAIT_MS),
    logger: deps.logger,
    maxSubscriptionsPerConnection: config.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    // Half the cache's lifetime: a revoked key's subscriptions end well within AUTH_CACHE_MS.
    recheckKeysEveryMs: Math.max(MIN_RECHECK_MS, Math.floor(config.AUTH_CACHE_MS / 2)),
  });
}
