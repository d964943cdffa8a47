/**
 * Helpers for bodies written as JSON text (an object per event plus JSON.stringify costs several
 * times more at millions of events). Numbers written into bodies are integers below 2^53, so their
 * text is exact.
 */

/** A JSON string literal (escapes backslashes, quotes and control characters). */
export const q = (s: string): string => JSON.stringify(s);

/**
 * A flat copy of a string built by concatenation. V8 keeps concatenations as trees of their pieces
 * and copies every piece again each time the tree is embedded in a line and written out; text
 * reused for many events (a host's routing, a process's fields) is flattened once instead.
 */
export function flat(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
