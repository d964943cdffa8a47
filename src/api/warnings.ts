/**
 * Warnings: an answer that is right but not whole (a list cut at its limit) says so in the
 * response's `extensions.warnings`, each with a code, a message and the path of the field, where
 * the answer's shape has no place for it.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import type { ApiContext } from './context';

export interface Warning {
  code: string;
  message: string;
  path: (string | number)[];
  [detail: string]: unknown;
}

export function warn(ctx: Pick<ApiContext, 'warnings'>, info: GraphQLResolveInfo, code: string, message: string, details: Record<string, unknown> = {}): void {
  ctx.warnings.push({ code, message, path: responsePathAsArray(info.path), ...details });
}

export function warningsPlugin(): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (contextValue.warnings.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...(result.extensions ?? {}), warnings: contextValue.warnings };
        },
      };
    },
  };
}

/**
 * An ancestry chain cut at maxDepth, where the last one listed still has a parent: say so, since
 * the list alone looks like a whole chain.
 */
export function warnIfChainCut(ctx: Pick<ApiContext, 'warnings'>, info: GraphQLResolveInfo, chain: readonly { parentAtom: string | null }[], maxDepth: number): void {
  const last = chain[chain.length - 1];
  if (chain.length >= maxDepth && last?.parentAtom) {
    warn(ctx, info, 'TRUNCATED', `the chain goes on above the ${maxDepth} ancestors listed: raise maxDepth, or ask ancestors of ${last.parentAtom}`, { maxDepth });
  }
}
