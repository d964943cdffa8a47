import { bearerToken, generateKey, hashSecret, parseKey, secretMatches } from '../../src/auth/api-keys';

describe('API key format', () => {
  it('generates distinct keys whose id and secret parse back, and stores only a hash', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a.key).not.toBe(b.key);
    const parsed = parseKey(a.key);
    expect(parsed?.id).toBe(a.id);
    expect(a.hash).toBe(hashSecret(parsed!.secret));
    expect(a.hash).not.toContain(parsed!.secret);
    expect(secretMatches(parsed!.secret, a.hash)).toBe(true);
    expect(secretMatches(parseKey(b.key)!.secret, a.hash)).toBe(false);
  });

  it('rejects anything that is not a key', () => {
    for (const bad of ['', 'ag_', 'ag_xyz_abc', `ag_${'0'.repeat(16)}_short`, `${generateKey().key}x`, ' ag_0']) expect(parseKey(bad)).toBeNull();
  });

  it('reads the bearer token from an Authorization header', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
