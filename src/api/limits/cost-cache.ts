/**
 * Remembers query costs. Walking a document with graphql-query-complexity took ~6% of the API's CPU
 * per request (measured on `ancestors`), yet a cost depends only on the document, the operation and
 * the few variables the cost model reads: those passed to a size or depth argument, and those of
 * @skip/@include. Apollo hands the same DocumentNode object for the same query text, so the cache
 * is keyed by that object (dropped with it) and, inside, by those variables' values.
 */
import { Kind, visit, type ArgumentNode, type DirectiveNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { SIZE_ARGUMENTS } from './cost';

/** Variants kept per document: a client cycling through page sizes cannot grow memory without bound. */
export const MAX_VARIANTS = 64;

/** The variables whose values can change the cost of `document`, by name. */
export function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  let within = 0;
  // Inside a size argument or a @skip/@include condition, a variable is one the cost depends on.
  const counts = (node: ArgumentNode | DirectiveNode) =>
    node.kind === Kind.ARGUMENT ? SIZE_ARGUMENTS.has(node.name.value) : node.name.value === 'skip' || node.name.value === 'include';
  const scope = {
    enter: (node: ArgumentNode | DirectiveNode) => void (counts(node) && within++),
    leave: (node: ArgumentNode | DirectiveNode) => void (counts(node) && within--),
  };
  visit(document, {
    Argument: scope,
    Directive: scope,
    Variable: (node) => {
      if (within > 0) names.add(node.name.value);
    },
    // A variable's definition names it too; only its uses count.
    VariableDefinition: () => false,
  });
  return [...names].sort();
}

interface Entry {
  variables: string[];
  costs: Map<string, number>;
}

export class CostMeter {
  private readonly cache = new WeakMap<DocumentNode, Entry>();
  /** How many times a cost was computed rather than remembered (for tests and curiosity). */
  computed = 0;

  constructor(private readonly estimator: ComplexityEstimator) {}

  cost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | null): number {
    let entry = this.cache.get(document);
    if (!entry) {
      entry = { variables: costVariables(document), costs: new Map() };
      this.cache.set(document, entry);
    }
    const key = JSON.stringify([operationName, entry.variables.map((name) => variables[name] ?? null)]);
    const known = entry.costs.get(key);
    if (known !== undefined) return known;
    this.computed++;
    const cost = getComplexity({ schema, query: document, variables, ...(operationName ? { operationName } : {}), estimators: [this.estimator] });
    if (entry.costs.size < MAX_VARIANTS) entry.costs.set(key, cost);
    return cost;
  }
}
