/** `Long`: 64-bit integers as exact decimal strings; `DateTime`: epoch milliseconds as ISO-8601. */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function toLongString(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
  if (typeof value === 'object' && value !== null && 'toString' in value && 'toBigInt' in value) return String(value);
  throw new GraphQLError(`Long cannot represent ${typeof value}`);
}

export const LongScalar = new GraphQLScalarType({
  name: 'Long',
  description: 'A 64-bit integer as an exact decimal string.',
  serialize: toLongString,
  parseValue: (value) => BigInt(toLongString(value)),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || (ast.kind === Kind.STRING && /^-?\d+$/.test(ast.value))) return BigInt(ast.value);
    throw new GraphQLError('Long takes an integer or a string of digits');
  },
});

export function msToIso(ms: bigint | number): string | null {
  const n = Number(ms);
  const date = new Date(n);
  return Number.isFinite(n) && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, as an ISO-8601 string in UTC.',
  serialize: (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'bigint' || typeof value === 'number') return msToIso(value);
    if (value instanceof Date) return value.toISOString();
    throw new GraphQLError('DateTime cannot represent this value');
  },
  parseValue: (value) => {
    const t = Date.parse(String(value));
    if (Number.isNaN(t)) throw new GraphQLError(`not an ISO-8601 date-time: ${String(value)}`);
    return BigInt(t);
  },
  parseLiteral: (ast) => {
    const t = ast.kind === Kind.STRING ? Date.parse(ast.value) : NaN;
    if (Number.isNaN(t)) throw new GraphQLError('DateTime takes an ISO-8601 string');
    return BigInt(t);
  },
});
