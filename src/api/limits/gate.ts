/**
 * The one gate every operation passes after it is parsed and validated (GraphQL's own rules) and
 * before any resolver runs, on HTTP and over WebSocket alike, always in this order:
 *
 *   1. authorise: only a writer's (or admin's) key may run a mutation;
 *   2. the document's shape: selection depth and aliases (graphql-armor's rules);
 *   3. the variables, coerced exactly as graphql-js will when it executes (getVariableValues), so
 *      a missing or ill-typed variable is the client's BAD_USER_INPUT, never an internal error;
 *   4. every argument of every field the operation selects (src/api/limits/arguments.ts);
 *   5. the cost (src/api/limits/cost.ts), from the coerced variables.
 *
 * Authentication comes before all of it (the key is checked when the request's context is made),
 * so a client learns about limits only for what it may do at all. Every refusal is an AppError
 * with its code; the transports turn it into their answer (HTTP status from httpStatusOf).
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isInterfaceType,
  isObjectType,
  validate,
} from 'graphql';
import { canWrite, type Principal } from '../../auth/principal';
import type { Config } from '../../config/env';
import { AppError, ErrorCode } from '../../errors/codes';
import { type ArgumentCaps, checkArguments } from './arguments';
import { traversalEstimator } from './cost';
import { CostMeter } from './cost-cache';
import { limitRules } from './rules';

export interface GateOptions {
  schema: GraphQLSchema;
  /** GRAPHQL_MAX_DEPTH: deepest selection. */
  maxSelectionDepth: number;
  /** GRAPHQL_MAX_ALIASES. */
  maxAliases: number;
  /** GRAPHQL_MAX_COST. */
  maxCost: number;
  caps: ArgumentCaps;
}

/** The gate's settings from the configuration, the same for HTTP and WebSocket. */
export function gateOptions(schema: GraphQLSchema, config: Config): GateOptions {
  return {
    schema,
    maxSelectionDepth: config.GRAPHQL_MAX_DEPTH,
    maxAliases: config.GRAPHQL_MAX_ALIASES,
    maxCost: config.GRAPHQL_MAX_COST,
    caps: { maxPage: config.API_MAX_PAGE, maxDepth: config.API_MAX_DEPTH, maxTreeDepth: config.API_MAX_TREE_DEPTH },
  };
}

export interface GateRequest {
  document: DocumentNode;
  operationName: string | null | undefined;
  /** The variables as the client sent them. */
  variables: Record<string, unknown> | null | undefined;
  principal: Principal;
}

export class OperationGate {
  private readonly meter: CostMeter;
  private readonly rules;
  /** The shape limits depend on the document only; Apollo hands the same object for the same text. */
  private readonly shapes = new WeakMap<DocumentNode, AppError | null>();

  constructor(private readonly options: GateOptions) {
    this.meter = new CostMeter(traversalEstimator({ maxPage: options.caps.maxPage, maxDepth: Math.max(options.caps.maxDepth, options.caps.maxTreeDepth) }));
    this.rules = limitRules({ maxDepth: options.maxSelectionDepth, maxAliases: options.maxAliases });
  }

  /** Throws the first refusal as an AppError; returns the coerced variables. */
  check(request: GateRequest): Record<string, unknown> {
    const { schema } = this.options;
    const operation = getOperationAST(request.document, request.operationName ?? undefined);
    // No operation of that name (or several without a name): nothing will execute, and Apollo and
    // graphql-ws answer that themselves (OPERATION_RESOLUTION_FAILURE, 400).
    if (!operation) return {};

    if (operation.operation === 'mutation' && !canWrite(request.principal)) {
      throw new AppError(ErrorCode.FORBIDDEN, `this key may read but not write (role ${request.principal.role})`);
    }

    const shape = this.shapeOf(request.document);
    if (shape) throw shape;

    const variables = coerceVariables(schema, operation, request.variables ?? {});
    this.checkFields(request.document, operation, variables);

    let cost: number;
    try {
      cost = this.meter.cost(schema, request.document, request.variables ?? {}, request.operationName ?? null);
    } catch (error) {
      // graphql-query-complexity stops counting at 10,000 selections (fragments spread many times).
      if (error instanceof GraphQLError) throw new AppError(ErrorCode.QUERY_TOO_COMPLEX, `the query is too large to price: ${error.message}`, { maxCost: this.options.maxCost });
      throw error;
    }
    if (cost > this.options.maxCost) {
      throw new AppError(ErrorCode.QUERY_TOO_COMPLEX, `query cost ${cost} is over the limit of ${this.options.maxCost}: ask for smaller pages (first) or shallower walks (maxDepth)`, { cost, maxCost: this.options.maxCost });
    }
    return variables;
  }

  private shapeOf(document: DocumentNode): AppError | null {
    let known = this.shapes.get(document);
    if (known === undefined) {
      const errors = validate(this.options.schema, document, this.rules);
      const first = errors[0]?.originalError;
      known = first instanceof AppError ? first : errors[0] ? new AppError(ErrorCode.GRAPHQL_VALIDATION_FAILED, errors[0].message) : null;
      this.shapes.set(document, known);
    }
    return known;
  }

  /** Every field of the operation, through fragments (each fragment once: its arguments do not depend on where it is spread). */
  private checkFields(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): void {
    const { schema, caps } = this.options;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode, type: GraphQLNamedType | undefined | null): void => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const field = fieldOf(type, selection);
          if (!field || !type) continue;
          checkArguments({ parent: type.name, field }, argumentsOf(field, selection, variables), caps);
          if (selection.selectionSet) walk(selection.selectionSet, getNamedType(field.type));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          walk(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          seen.add(name);
          walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
        }
      }
    };
    walk(operation.selectionSet, schema.getRootType(operation.operation));
  }
}

function fieldOf(type: GraphQLNamedType | undefined | null, node: FieldNode): GraphQLField<unknown, unknown> | undefined {
  // Introspection fields (__typename, __type...) are graphql's own and take no client-sized arguments.
  if (!type || node.name.value.startsWith('__')) return undefined;
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[node.name.value] : undefined;
}

function argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch (error) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, error instanceof Error ? error.message : String(error));
  }
}

/** The variables as execution will see them; the first problem is the client's, as BAD_USER_INPUT. */
export function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, raw: Record<string, unknown>): Record<string, unknown> {
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new AppError(ErrorCode.BAD_USER_INPUT, 'variables must be an object');
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], raw, { maxErrors: 1 });
  if (result.errors) throw new AppError(ErrorCode.BAD_USER_INPUT, result.errors[0]?.message ?? 'invalid variables');
  return result.coerced;
}

