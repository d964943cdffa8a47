/**
 * Keyset cursors, one codec for every connection: the sort key of the last row seen, not an offset,
 * so a page boundary stays put while ingest adds events. Opaque to clients: base64url of
 * `{"v":1,"k":<connection>,...key}`. The version lets the format change without old cursors being
 * misread; the kind keeps a cursor of one connection out of another (their sort keys differ); the
 * key is validated with zod, so a cursor a client edited (a depth of 1.5, a time past 64 bits, a
 * missing uid) is a coded BAD_USER_INPUT before any Cypher sees it, never an internal error.
 */
import { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/codes';

export const CURSOR_VERSION = 1;
/** Longest cursor accepted; the longest this API gives out is a few hundred characters. */
export const MAX_CURSOR_LENGTH = 1024;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Event time in ms as an exact decimal string that Neo4j can compare (a signed 64-bit integer). */
const time = z.string().refine((t) => {
  // One check: zod runs every refinement even after a failed regex, and BigInt('1.5') throws.
  if (!/^-?\d{1,19}$/.test(t)) return false;
  const n = BigInt(t);
  return n >= INT64_MIN && n <= INT64_MAX;
});
const uid = z.string().min(1).max(512);
/** Time then uid: the order of `events`, `children`, `targetedBy`, a sighting's events, and `sightings` (first seen, sensor). */
const timeKey = z.strictObject({ t: time, uid });

const KEYS = {
  events: timeKey,
  children: timeKey,
  targetedBy: timeKey,
  sightingEvents: timeKey,
  sightings: timeKey,
  /** Detections, newest or oldest first: detect time, then uid. */
  detections: timeKey,
  /** Breadth-first: depth (1 for children, capped like maxDepth), then time, then uid. */
  descendants: z.strictObject({ d: z.number().int().min(1).max(1000), t: time, uid }),
  sensors: z.strictObject({ uid }),
  /** lateralMovement's startedThere: reason rank (0 descendant of the accepting process, 1 in the window), then time, then uid. */
  startedThere: z.strictObject({ d: z.number().int().min(0).max(1), t: time, uid }),
} as const;

export type CursorKind = keyof typeof KEYS;
export type CursorKey<K extends CursorKind> = z.infer<(typeof KEYS)[K]>;
export const CURSOR_KINDS = Object.keys(KEYS) as CursorKind[];

const envelope = z.looseObject({ v: z.literal(CURSOR_VERSION), k: z.enum(CURSOR_KINDS as [CursorKind, ...CursorKind[]]) });

export function encodeCursor<K extends CursorKind>(kind: K, key: CursorKey<K>): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, k: kind, ...key })).toString('base64url');
}

function refuse(kind: CursorKind, why: string): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, `after is not a cursor of ${kind} this API gave out (${why}): pass a pageInfo.endCursor or an edge's cursor unchanged`, { argument: 'after' });
}

/** The key of a cursor this API gave out for `kind`, null for no cursor; anything else is BAD_USER_INPUT. */
export function decodeCursor<K extends CursorKind>(kind: K, cursor: string | null | undefined): CursorKey<K> | null {
  if (cursor === null || cursor === undefined) return null;
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse(kind, 'malformed');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse(kind, 'malformed');
  }
  const head = envelope.safeParse(value);
  if (!head.success) throw refuse(kind, 'unknown format or version');
  if (head.data.k !== kind) throw refuse(kind, `it is a cursor of ${head.data.k}`);
  const { v: _v, k: _k, ...rest } = head.data;
  const key = KEYS[kind].safeParse(rest);
  if (!key.success) throw refuse(kind, 'malformed key');
  return key.data as CursorKey<K>;
}
