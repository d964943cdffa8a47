/**
 * The executable schema (SDL + resolvers), built once per process and shared by Apollo (HTTP) and
 * graphql-ws (subscriptions), so both run exactly the same types and resolvers.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers';
import { loadTypeDefs } from './load';

let built: GraphQLSchema | null = null;

export function executableSchema(): GraphQLSchema {
  built ??= makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  return built;
}
