/** Neo4j property values -> plain values: INTEGERs come back as driver Integer objects. */
export function toBigInt(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'object' && 'toBigInt' in value) return (value as { toBigInt(): bigint }).toBigInt();
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return null;
}

export const toStr = (value: unknown): string | null => (typeof value === 'string' ? value : null);
