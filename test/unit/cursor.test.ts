// The one cursor codec: what it gives out comes back as it went in; anything else a client could
// send (edited, foreign, old, truncated, oversized) is BAD_USER_INPUT, never an exception of another kind.
import { CURSOR_KINDS, decodeCursor, encodeCursor, MAX_CURSOR_LENGTH } from '../../src/graph/reader/cursor';
import { AppError } from '../../src/errors/codes';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return 'accepted';
}

describe('cursor codec', () => {
  it('round-trips the key of every kind', () => {
    expect(decodeCursor('descendants', encodeCursor('descendants', { d: 3, t: '-12', uid: 'o/a' }))).toEqual({ d: 3, t: '-12', uid: 'o/a' });
    expect(decodeCursor('sensors', encodeCursor('sensors', { uid: 'o/s' }))).toEqual({ uid: 'o/s' });
    expect(decodeCursor('startedThere', encodeCursor('startedThere', { d: 1, t: '5', uid: 'o/p' }))).toEqual({ d: 1, t: '5', uid: 'o/p' });
    for (const kind of ['events', 'children', 'targetedBy', 'sightingEvents', 'sightings', 'detections'] as const) {
      expect(decodeCursor(kind, encodeCursor(kind, { t: '9223372036854775807', uid: 'u' }))).toEqual({ t: '9223372036854775807', uid: 'u' });
    }
    expect(decodeCursor('events', null)).toBeNull();
    expect(decodeCursor('events', undefined)).toBeNull();
  });

  it('is versioned and typed: the version and kind travel in the cursor', () => {
    expect(JSON.parse(Buffer.from(encodeCursor('sensors', { uid: 'x' }), 'base64url').toString())).toEqual({ v: 1, k: 'sensors', uid: 'x' });
  });

  const forged: [string, string][] = [
    ['empty', ''],
    ['not base64url', 'a b+c/='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['JSON but not an object', b64([1, 2])],
    ['the old unversioned format', b64({ d: 0, t: '1', uid: 'x' })],
    ['a future version', b64({ v: 2, k: 'events', t: '1', uid: 'x' })],
    ['an unknown kind', b64({ v: 1, k: 'lateral', t: '1', uid: 'x' })],
    ['another connection\'s cursor', encodeCursor('children', { t: '1', uid: 'x' })],
    ['a time that is a number', b64({ v: 1, k: 'events', t: 1, uid: 'x' })],
    ['a time past 64 bits', b64({ v: 1, k: 'events', t: '9223372036854775808', uid: 'x' })],
    ['a time with a fraction', b64({ v: 1, k: 'events', t: '1.5', uid: 'x' })],
    ['an empty uid', b64({ v: 1, k: 'events', t: '1', uid: '' })],
    ['a missing uid', b64({ v: 1, k: 'events', t: '1' })],
    ['an extra field', b64({ v: 1, k: 'events', t: '1', uid: 'x', d: 1 })],
    ['oversized', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
  ];
  it.each(forged)('refuses %s with BAD_USER_INPUT', (_name, cursor) => {
    expect(codeOf(() => decodeCursor('events', cursor))).toBe('BAD_USER_INPUT');
  });

  it.each([1.5, 0, -1, 1001, '2', null])('refuses a descendants depth of %p', (d) => {
    expect(codeOf(() => decodeCursor('descendants', b64({ v: 1, k: 'descendants', d, t: '1', uid: 'x' })))).toBe('BAD_USER_INPUT');
  });

  it('has a key schema for every kind', () => {
    expect(CURSOR_KINDS.sort()).toEqual(['children', 'descendants', 'detections', 'events', 'sensors', 'sightingEvents', 'sightings', 'startedThere', 'targetedBy']);
  });
});
