/**
 * JSON text -> value, without losing integers beyond 2^53 (EXEC_OOB stack frames, addresses).
 * JSON.parse is exact whenever no number literal has 16 or more digits, which is almost always, so
 * only text that contains such a run pays for the lossless parser. Unsafe integers come back as
 * bigint; everything else as ordinary JS values.
 */
import { isSafeNumber, parse as parseLossless } from 'lossless-json';

/** 16+ consecutive digits anywhere (possibly inside a string: that only costs the slow path). */
const LONG_DIGIT_RUN = /\d{16}/;

function parseNumber(text: string): number | bigint {
  if (isSafeNumber(text)) return Number(text);
  // Integers keep every digit; non-integers with long mantissas are floats by nature.
  return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
}

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

export type ParseResult = { ok: true; value: JsonValue } | { ok: false; reason: string };

export function parseJson(text: string): ParseResult {
  try {
    const value = LONG_DIGIT_RUN.test(text)
      ? (parseLossless(text, undefined, parseNumber) as JsonValue)
      : (JSON.parse(text) as JsonValue);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
}

/** JSON text of a value that may hold bigints; they are written as plain integer literals. */
export function stringifyJson(value: unknown): string {
  const placeholders: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') {
      placeholders.push(v.toString());
      return `\u0000bigint${placeholders.length - 1}\u0000`;
    }
    return v;
  });
  if (placeholders.length === 0) return text;
  return text.replace(/"\\u0000bigint(\d+)\\u0000"/g, (_m, i: string) => placeholders[Number(i)] ?? '0');
}
