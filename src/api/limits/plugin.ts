/**
 * Refuses a too-costly operation before it executes (so before any Cypher runs), with
 * QUERY_TOO_COMPLEX and the computed cost and the limit in `extensions`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode } from '../../errors/codes';
import { type Caps, traversalEstimator } from './cost';
import { CostMeter } from './cost-cache';

export function costLimitPlugin<T extends object>(maxCost: number, caps: Caps): ApolloServerPlugin<T> {
  const meter = new CostMeter(traversalEstimator(caps));
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const cost = meter.cost(schema, document, request.variables ?? {}, operationName ?? null);
          if (cost > maxCost) {
            const error = new AppError(ErrorCode.QUERY_TOO_COMPLEX, `query cost ${cost} is over the limit of ${maxCost}: ask for smaller pages (first) or shallower walks (maxDepth)`, { cost, maxCost });
            throw new GraphQLError(error.message, { originalError: error, extensions: { http: { status: 400 } } });
          }
        },
      };
    },
  };
}
