/**
 * Keyset cursors: the sort key of the last row seen, not an offset, so a page boundary stays put
 * while ingest adds events. Opaque to clients (base64url JSON); a malformed one is a coded error.
 */
import { AppError, ErrorCode } from '../../errors/codes';

export interface CursorKey {
  /** Depth in a tree walk; 0 where there is none. */
  d: number;
  /** Event time in ms, as a string (exact). */
  t: string;
  uid: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): CursorKey | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorKey>;
    if (typeof value.d === 'number' && typeof value.t === 'string' && /^-?\d+$/.test(value.t) && typeof value.uid === 'string') {
      return { d: value.d, t: value.t, uid: value.uid };
    }
  } catch {
    /* fall through */
  }
  throw new AppError(ErrorCode.BAD_USER_INPUT, 'after is not a cursor this API gave out');
}
