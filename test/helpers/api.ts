/** Runs GraphQL operations through Apollo's executeOperation (no HTTP), as the server would. */
import { contextFor, createApollo } from '../../src/api/server';
import type { Principal } from '../../src/auth/principal';
import type { GraphExecutor } from '../../src/graph/executor';
import type { Runtime } from '../../src/runtime';

export interface GraphQLResult {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { warnings?: { code: string; message: string; path: (string | number)[] }[] };
}

/**
 * `executor` may be a counting one, to assert how many Cypher round trips a query made; `principal`
 * a key's scope (every org when absent, as with auth off).
 */
export function graphqlRunner(runtime: () => Runtime, executor?: () => GraphExecutor, principal?: Principal) {
  return async (query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> => {
    const deps = { config: runtime().config, executor: executor?.() ?? runtime().executor, logger: runtime().logger };
    const apollo = createApollo(deps);
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query, variables }, { contextValue: contextFor(deps, principal) });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as GraphQLResult;
    } finally {
      await apollo.stop();
    }
  };
}
