/**
 * GraphQL subscriptions over graphql-ws on the API's own HTTP server and path. The API key comes
 * in connection_init's payload (`{ authorization: "Bearer <key>" }`) or the upgrade request's
 * Authorization header; a bad one closes the socket with 4401. Only subscriptions run here:
 * queries and mutations go to POST /graphql, where the request limits, logs and metrics live.
 */
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule, getOperationAST, parse, specifiedRules, validate } from 'graphql';
import type { Context } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import { type ServerOptions, WebSocketServer } from 'ws';
import type { Authenticator, Principal } from '../auth/principal';
import type { Logger } from '../log/logger';
import { AppError, ErrorCode } from '../errors/codes';

/** graphql-ws's close code for "not authenticated" (the protocol's own Unauthorized). */
export const CLOSE_UNAUTHENTICATED = 4401;
/** RFC 6455 "going away": the server is shutting down. */
export const CLOSE_GOING_AWAY = 1001;

export interface LiveSocketOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  authenticator: Authenticator;
  /** The resolvers' context for one subscription of this caller. */
  contextFor(principal: Principal): unknown;
  /** Shapes every error a client sees (the same formatter as HTTP). */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Validation rules beyond GraphQL's own (depth and alias limits). */
  rules?: readonly ValidationRule[];
  /** Further checks before a subscription starts (the API's gate: limits, cost); throws an AppError to refuse. */
  check?(args: ExecutionArgs, principal: Principal): void;
  /** Largest WebSocket message (a subscribe carries the query and variables); a bigger one closes the socket with 1009. */
  maxPayloadBytes: number;
  /** Most tokens in a subscription document; parsing stops there. */
  maxTokens: number;
  /** How long a client may take to answer the close handshake on shutdown before it is cut. */
  closeTimeoutMs: number;
  /** Each subscription's start and end, with its operation name and key id (never the key or variables). */
  logger: Logger;
  /** Open subscriptions one connection may hold; one more is refused with LIMIT_EXCEEDED. */
  maxSubscriptionsPerConnection: number;
  /**
   * How often every open connection's key is read again from the store (not the cache): a revoked
   * key's connections are closed with 4401 within this, ending their subscriptions.
   */
  recheckKeysEveryMs: number;
}

export interface LiveSocketServer {
  /** Closes every socket with 1001 and stops accepting; resolves when all are closed. */
  close(): Promise<void>;
}

const asGraphQLError = (error: AppError) => new GraphQLError(error.message, { originalError: error });

export function startLiveSocket(options: LiveSocketOptions): LiveSocketServer {
  // closeTimeout (ws >= 8.18) bounds each socket's closing handshake; @types/ws does not list it yet.
  const serverOptions: ServerOptions & { closeTimeout: number } = {
    server: options.httpServer,
    path: options.path,
    maxPayload: options.maxPayloadBytes,
    closeTimeout: options.closeTimeoutMs,
  };
  const wss = new WebSocketServer(serverOptions);
  type SocketContext = Context<Record<string, unknown> | undefined, Extra>;
  /** The accepted connections and the Authorization each came with (re-checked periodically). */
  const authorizations = new Map<SocketContext, string | undefined>();
  /** Open subscriptions per connection (ids are the client's, unique per connection only), for their end log line. */
  const subscriptions = new WeakMap<SocketContext, Map<string, { at: number; operation: string | null; keyId: string | null }>>();
  const running = (ctx: SocketContext) => {
    let map = subscriptions.get(ctx);
    if (!map) {
      map = new Map();
      subscriptions.set(ctx, map);
    }
    return map;
  };
  const ended = (ctx: SocketContext, id: string, how: string) => {
    const info = subscriptions.get(ctx)?.get(id);
    if (!info) return;
    subscriptions.get(ctx)?.delete(id);
    options.logger.info({ operation: info.operation, keyId: info.keyId, subscription: id, ms: Date.now() - info.at, outcome: how }, 'subscription ended');
  };
  /** The caller, or null after closing the socket with 4401 (graphql-ws would say 4403: fix your rights, not your key). */
  const principalOf = async (ctx: SocketContext, authorization: string | undefined): Promise<Principal | null> => {
    try {
      return await options.authenticator.authenticate(authorization);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, `${ErrorCode.UNAUTHENTICATED}: a valid API key is required`);
      return null;
    }
  };
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => options.formatError(e.toJSON(), e));

  const cleanup = useServer(
    {
      onConnect: async (ctx) => {
        const fromParams = ctx.connectionParams?.['authorization'];
        const authorization = typeof fromParams === 'string' ? fromParams : ctx.extra.request.headers.authorization;
        if (!(await principalOf(ctx, authorization))) return false;
        authorizations.set(ctx, authorization);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // Checked again per subscription (cheap: the authenticator caches), so a revoked key opens nothing new.
        const principal = await principalOf(ctx, authorizations.get(ctx));
        if (!principal) return [asGraphQLError(new AppError(ErrorCode.UNAUTHENTICATED, 'a valid API key is required'))];
        const perConnection = options.maxSubscriptionsPerConnection;
        if (running(ctx).size >= perConnection) {
          return [asGraphQLError(new AppError(ErrorCode.LIMIT_EXCEEDED, `a connection may hold at most ${perConnection} live subscriptions at once; end one first`, { max: perConnection, per: 'connection' }))];
        }
        let document;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return [new GraphQLError(message, { extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED } })];
        }
        const invalid = validate(options.schema, document, [...specifiedRules, ...(options.rules ?? [])]);
        if (invalid.length > 0) {
          // Limit rules carry their own code as an AppError; the rest are plain validation failures.
          return invalid.map((e) => (e.originalError ? e : new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED } })));
        }
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== 'subscription') {
          return [asGraphQLError(new AppError(ErrorCode.BAD_USER_INPUT, 'only subscriptions run over WebSocket; send queries and mutations to POST /graphql'))];
        }
        const args: ExecutionArgs = {
          schema: options.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: options.contextFor(principal),
        };
        try {
          options.check?.(args, principal);
        } catch (error) {
          if (error instanceof AppError) return [asGraphQLError(error)];
          throw error;
        }
        const name = operation.name?.value ?? null;
        running(ctx).set(id, { at: Date.now(), operation: name, keyId: principal.keyId });
        options.logger.info({ operation: name, keyId: principal.keyId, subscription: id }, 'subscription started');
        return args;
      },
      onOperation: (_ctx, _id, _payload, _args, result) => {
        // Before the stream starts, errors without a cause are the request's own (bad variables).
        if (!isResult(result) || !result.errors) return undefined;
        return {
          ...result,
          errors: result.errors.map((e) => (e.originalError ? e : new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: ErrorCode.BAD_USER_INPUT } }))),
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
      onError: (ctx, id, _payload, errors) => {
        ended(ctx, id, 'error');
        return format(errors);
      },
      onComplete: (ctx, id) => ended(ctx, id, 'complete'),
      onClose: (ctx, code) => {
        authorizations.delete(ctx);
        for (const id of [...(subscriptions.get(ctx)?.keys() ?? [])]) ended(ctx, id, `closed ${code}`);
      },
    },
    wss,
  );

  /**
   * Revocation reaches open subscriptions, not only new requests: each distinct key of an open
   * connection is read from the store again (one lookup per key, however many connections share
   * it), and the connections of a key that no longer authenticates are closed with 4401. A store
   * that cannot be reached closes nothing: the next round tries again.
   */
  let rechecking = false;
  const recheck = async () => {
    if (rechecking) return;
    rechecking = true;
    try {
      const byKey = new Map<string | undefined, SocketContext[]>();
      for (const [ctx, authorization] of authorizations) byKey.set(authorization, [...(byKey.get(authorization) ?? []), ctx]);
      for (const [authorization, contexts] of byKey) {
        try {
          await options.authenticator.authenticate(authorization, { fresh: true });
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== ErrorCode.UNAUTHENTICATED) {
            options.logger.warn({ err: error }, 'live feed: re-checking a key failed; its connections stay open until the next check');
            continue;
          }
          for (const ctx of contexts) {
            authorizations.delete(ctx);
            ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, `${ErrorCode.UNAUTHENTICATED}: the API key is no longer valid`);
          }
        }
      }
    } finally {
      rechecking = false;
    }
  };
  const recheckTimer = setInterval(() => void recheck(), options.recheckKeysEveryMs);
  recheckTimer.unref();

  return {
    close: async () => {
      clearInterval(recheckTimer);
      await cleanup.dispose();
    },
  };
}

function isResult(value: unknown): value is ExecutionResult {
  return typeof value === 'object' && value !== null && !(Symbol.asyncIterator in value);
}
