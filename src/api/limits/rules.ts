/**
 * Depth and alias limits (graphql-armor's validation rules), each reporting its own error code
 * instead of the generic GRAPHQL_VALIDATION_FAILED, so a client can tell which limit it hit.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { GraphQLError, type ValidationRule } from 'graphql';
import { AppError, type ErrorCode, ErrorCode as Codes } from '../../errors/codes';

/** Reports the rejection as a validation error carrying `code` (Apollo keeps originalError through validation). */
function reportAs(code: ErrorCode, details: Record<string, unknown>): GraphQLArmorRejectCallback {
  return (context, error) => {
    const message = error.message.replace(/^Syntax Error: /, '');
    context?.reportError(new GraphQLError(message, { originalError: new AppError(code, message, details) }));
  };
}

export function limitRules(limits: { maxDepth: number; maxAliases: number }): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, propagateOnRejection: false, onReject: [reportAs(Codes.QUERY_TOO_DEEP, { maxDepth: limits.maxDepth })] }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: false, onReject: [reportAs(Codes.TOO_MANY_ALIASES, { maxAliases: limits.maxAliases })] }) as unknown as ValidationRule,
  ];
}
