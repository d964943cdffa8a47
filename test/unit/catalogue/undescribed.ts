/**
 * Keys of a body the catalogue does not describe. They would still be stored (bodies are loose),
 * but the GraphQL type would not show them, so every key of a known sample must be described.
 */
import { type FieldMap, type FieldType, objectTypeSpec } from '../../../src/catalogue';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(type: FieldType, value: unknown, at: string, out: string[]): void {
  if (type.kind === 'object' && isRecord(value)) {
    const spec = objectTypeSpec(type.object);
    if (spec) out.push(...undescribedKeys(spec.fields, value, at));
  } else if (type.kind === 'list' && Array.isArray(value)) {
    value.forEach((item, i) => walk(type.of, item, `${at}[${i}]`, out));
  }
}

export function undescribedKeys(fields: FieldMap, body: Record<string, unknown>, at = 'event'): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const type = fields[key];
    if (type) walk(type, value, `${at}.${key}`, out);
    else out.push(`${at}.${key}`);
  }
  return out;
}
