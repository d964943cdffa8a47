/**
 * Every client-visible error carries one of these codes in `extensions.code` (GraphQL) or `code`
 * (plain HTTP). Anything not listed becomes INTERNAL_SERVER_ERROR without internals.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** The operation's computed cost is over GRAPHQL_MAX_COST (extensions: cost, maxCost). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Selections nested deeper than GRAPHQL_MAX_DEPTH. */
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  /** More aliases than GRAPHQL_MAX_ALIASES. */
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  /** A document longer than GRAPHQL_MAX_TOKENS tokens. */
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  DATABASE_TIMEOUT: 'DATABASE_TIMEOUT',
  NOT_FOUND: 'NOT_FOUND',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A request body that stalled longer than HTTP_BODY_IDLE_TIMEOUT_MS (HTTP 408). */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** More concurrent connections from one address than HTTP_MAX_CONNECTIONS_PER_ADDRESS (HTTP 503, connection closed). */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Authenticated, but the key's role or orgs do not allow it. */
  FORBIDDEN: 'FORBIDDEN',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error meant for the client: the message is safe to show and the code is stable. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

/** For exhaustive switches: the compiler proves this is never reached. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`unreachable case: ${JSON.stringify(value)}`);
  }
}
