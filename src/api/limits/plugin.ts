/**
 * The gate (./gate.ts) as an Apollo plugin, and the HTTP status of an answer that carries errors.
 *
 * Status rule (README, "Errors"): a refusal by the gate is a request error: no `data`, and the
 * status of its code (httpStatusOf), as GraphQL-over-HTTP has for requests that cannot execute.
 * An error raised while executing, when no data at all came of it (`data: null`), gets the status
 * of its code as well, so the same mistake gets the same status wherever it is caught. As soon as
 * any data was produced the answer is 200, errors and all: the client has something to read.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Principal } from '../../auth/principal';
import { AppError, httpStatusOf, httpStatusOfAll } from '../../errors/codes';
import { type GateOptions, OperationGate } from './gate';

export function gatePlugin<T extends BaseContext & { principal: Principal }>(options: GateOptions): ApolloServerPlugin<T> {
  const gate = new OperationGate(options);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, operationName, contextValue }) {
          try {
            gate.check({ document, operationName, variables: request.variables, principal: contextValue.principal });
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            throw new GraphQLError(error.message, { originalError: error, extensions: { http: { status: httpStatusOf(error.code) } } });
          }
        },
        async willSendResponse({ response }) {
          if (response.http.status !== undefined || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!errors?.length || (data !== null && data !== undefined)) return;
          response.http.status = httpStatusOfAll(errors.map((e) => String(e.extensions?.['code'] ?? '')));
        },
      };
    },
  };
}
