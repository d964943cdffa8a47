/**
 * When a value fits a scalar kind of the catalogue, and the exact conversions of a value sent in
 * another form (a number sent as a string). One rule, read by validation (zod.ts), by ingest's
 * lenient fitting (fit.ts) and by the GraphQL field resolvers, so a value stored as promoted is the
 * value its typed field returns.
 */
import type { ScalarKind } from './fields';

/** Range check without converting every number to bigint (this runs for each integer of each event). */
export function within(min: bigint, max: bigint): (v: unknown) => boolean {
  const [low, high] = [Number(min), Number(max)];
  return (v: unknown) =>
    typeof v === 'number' ? Number.isInteger(v) && v >= low && v <= high : typeof v === 'bigint' && v >= min && v <= max;
}

/**
 * Signed or unsigned 32-bit: LimaCharlie's pids, states and flags are Windows DWORDs, and
 * sensors send 4294967295 ((DWORD)-1) where a pid is unknown. GraphQL Int (signed) cannot hold the
 * upper half: the typed field reads null there (src/api/events/resolvers.ts), `raw` and the
 * promoted property keep the exact value.
 */
export const inInt32 = within(-(2n ** 31n), 2n ** 32n - 1n);
/** Signed or unsigned 64-bit: masks and addresses arrive either way. */
export const inInt64 = within(-(2n ** 63n), 2n ** 64n - 1n);

// Atoms are opaque, but they become node keys: bounded, printable.
// eslint-disable-next-line no-control-regex
export const ATOM = /^[^\u0000-\u001f\u007f]{1,128}$/;

export const FITS: Record<ScalarKind, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  int32: inInt32,
  int64: inInt64,
  float: (v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v)),
  bool01: (v) => v === 0 || v === 1 || typeof v === 'boolean',
  timestamp: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n),
  atom: (v) => typeof v === 'string' && ATOM.test(v),
  json: () => true,
};

const INTEGER_TEXT = /^-?\d{1,20}$/;
const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** An integer written as text, as a number when exact in one, else as bigint. */
function integerOf(text: string): number | bigint {
  const big = BigInt(text);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

const FLAG_TEXT = new Map<string, 0 | 1 | boolean>([['0', 0], ['1', 1], ['true', true], ['false', false]]);

/** What an exact conversion makes of a string for each kind; undefined where there is none. */
const FROM_TEXT: Partial<Record<ScalarKind, (text: string) => unknown>> = {
  int32: (t) => (INTEGER_TEXT.test(t) ? integerOf(t) : undefined),
  int64: (t) => (INTEGER_TEXT.test(t) ? integerOf(t) : undefined),
  timestamp: (t) => (INTEGER_TEXT.test(t) ? integerOf(t) : undefined),
  float: (t) => (NUMBER_TEXT.test(t) ? Number(t) : undefined),
  bool01: (t) => FLAG_TEXT.get(t),
};

/**
 * The value as the kind types it: itself when it fits, the exact conversion of a string that
 * spells one ("123" for an integer, "1" for a flag), or undefined when it does not fit.
 * null and undefined are absence, not a misfit: they give undefined too.
 */
export function fitScalar(value: unknown, kind: ScalarKind): unknown {
  if (value === null || value === undefined) return undefined;
  if (FITS[kind](value)) return value;
  if (typeof value !== 'string') return undefined;
  const converted = FROM_TEXT[kind]?.(value.trim() === value ? value : '');
  return converted !== undefined && FITS[kind](converted) ? converted : undefined;
}
