/**
 * Shapes every error a client sees: AppErrors keep their code and message; GraphQL's own errors
 * keep theirs; anything else becomes INTERNAL_SERVER_ERROR with no internals, and is logged.
 * With introspection off, graphql-js's suggestions ("Did you mean commandLine?") are cut from every
 * message: they would hand out the schema field by field that introspection no longer does.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, ErrorCode } from '../errors/codes';
import type { Logger } from '../log/logger';

const PASS_THROUGH = new Set<string>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** graphql-js appends its suggestions at the end of a message: " Did you mean "x", or "y"?". */
const SUGGESTION = /\s*Did you mean [\s\S]*$/;

export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

export interface ErrorFormatOptions {
  /** Keep graphql-js's "Did you mean ...?" hints; off whenever introspection is off. */
  suggestions: boolean;
}

export function createErrorFormatter(logger: Logger, options: ErrorFormatOptions = { suggestions: true }) {
  const shape = createShaper(logger);
  if (options.suggestions) return shape;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const shaped = shape(formatted, error);
    return { ...shaped, message: withoutSuggestions(shaped.message) };
  };
}

function createShaper(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    if (original instanceof AppError) {
      return {
        message: original.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: original.code, ...(original.details ?? {}) },
      };
    }
    const code = formatted.extensions?.['code'];
    // graphql-js stops parsing at GRAPHQL_MAX_TOKENS with a syntax error; say which limit it was.
    if (code === ErrorCode.GRAPHQL_PARSE_FAILED && /tokens\. Parsing aborted/.test(formatted.message)) {
      return { message: formatted.message, extensions: { code: ErrorCode.TOO_MANY_TOKENS } };
    }
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL request');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
