/**
 * `JSON`: any JSON value. Integers beyond 2^53 arrive as bigint from our lossless request parser
 * and leave as exact decimal strings, since a JSON number in a response would be rounded by
 * every JavaScript client.
 */
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function toOutput(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toOutput);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toOutput(v)]));
  }
  return value;
}

function fromLiteral(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT: {
      const n = Number(node.value);
      return Number.isSafeInteger(n) ? n : BigInt(node.value);
    }
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => fromLiteral(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, fromLiteral(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.ENUM:
      return node.value;
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value. Integers beyond 2^53 are returned as exact decimal strings.',
  serialize: toOutput,
  parseValue: (value) => value,
  parseLiteral: fromLiteral,
});
