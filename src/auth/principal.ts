/** Who is calling: the API key's orgs and role, or everyone when auth is switched off locally. */
import type { Role } from '../domain/roles';

/** orgs === null means every org (auth switched off for local use). */
export interface Principal {
  keyId: string | null;
  orgs: readonly string[] | null;
  role: Role;
}

export interface Authenticator {
  /**
   * Resolves the Authorization header value (or undefined). Throws AppError UNAUTHENTICATED on a
   * missing, bad or revoked key. `fresh` reads the key from the store even when a cached entry is
   * still valid (and refreshes the cache): the live feed's periodic re-check, so an open
   * subscription learns of a revocation within AUTH_CACHE_MS.
   */
  authenticate(authorization: string | undefined, options?: { fresh?: boolean }): Promise<Principal>;
}

/** Auth off (local use on loopback only): every org, every right. */
export const LOCAL_PRINCIPAL: Principal = { keyId: null, orgs: null, role: 'admin' };

export function canWrite(principal: Principal): boolean {
  return principal.role === 'writer' || principal.role === 'admin';
}
