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
  /** event(atom) and the like without orgId, where the atom exists in several of the caller's orgs (extensions: orgIds). */
  AMBIGUOUS_ATOM: 'AMBIGUOUS_ATOM',
  /** A filter names an event type neither the catalogue nor the graph knows (extensions: unknown, suggestions). */
  UNKNOWN_EVENT_TYPE: 'UNKNOWN_EVENT_TYPE',
  /** A filter names a host no sensor in scope has (extensions: unknown, suggestions). */
  UNKNOWN_HOST: 'UNKNOWN_HOST',
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

/**
 * The one map from code to HTTP status, used by POST /graphql, POST /ingest and /metrics alike.
 * Client mistakes and limits are 400 (the request as sent will never succeed), except a body over
 * its byte limit (413); no or a bad key is 401, a key without the right is 403; Neo4j down or too
 * slow is 503 (worth retrying later); anything else is 500.
 */
const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  LIMIT_EXCEEDED: 400,
  QUERY_TOO_COMPLEX: 400,
  QUERY_TOO_DEEP: 400,
  TOO_MANY_ALIASES: 400,
  TOO_MANY_TOKENS: 400,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  TOO_MANY_CONNECTIONS: 503,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  AMBIGUOUS_ATOM: 400,
  UNKNOWN_EVENT_TYPE: 400,
  UNKNOWN_HOST: 400,
  DATABASE_UNAVAILABLE: 503,
  DATABASE_TIMEOUT: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** The HTTP status of a code; a code not listed (another library's) is a 500. */
export function httpStatusOf(code: string): number {
  return (HTTP_STATUS as Record<string, number | undefined>)[code] ?? 500;
}

/**
 * The status of an answer made only of errors: the single status they share, else the highest
 * (a server fault outranks a client's, 413 outranks 400), so a retrying client sees the worst.
 */
export function httpStatusOfAll(codes: readonly string[]): number {
  return codes.reduce((status, code) => Math.max(status, httpStatusOf(code)), 0) || 500;
}

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
