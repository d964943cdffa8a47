/**
 * Turns an Authorization header into a Principal. Keys are looked up by id and their secret checked
 * against the stored hash; a short cache spares Neo4j a lookup per request, so a revoked key stops
 * working within AUTH_CACHE_MS (default 5 s) on every server.
 */
import { AppError, ErrorCode } from '../errors/codes';
import { ApiKeyStore } from '../graph/api-keys';
import type { GraphExecutor } from '../graph/executor';
import { bearerToken, parseKey, secretMatches } from './api-keys';
import { type Authenticator, LOCAL_PRINCIPAL, type Principal } from './principal';

export interface AuthenticatorOptions {
  mode: 'keys' | 'off';
  cacheMs: number;
}

const UNAUTHENTICATED = 'a valid API key is required: Authorization: Bearer <key>';
/** Bounded so a flood of random key ids cannot grow memory. */
const MAX_CACHED = 10_000;

export function createAuthenticator(executor: GraphExecutor, options: AuthenticatorOptions): Authenticator {
  if (options.mode === 'off') return { authenticate: async () => LOCAL_PRINCIPAL };
  const store = new ApiKeyStore(executor);
  const cache = new Map<string, { at: number; hash: string; principal: Principal | null }>();

  return {
    async authenticate(authorization, how) {
      const token = bearerToken(authorization);
      const parsed = token ? parseKey(token) : null;
      if (!parsed) throw new AppError(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
      const now = Date.now();
      let entry = cache.get(parsed.id);
      if (!entry || how?.fresh === true || now - entry.at > options.cacheMs) {
        const stored = await store.find(parsed.id);
        entry = {
          at: now,
          hash: stored?.hash ?? '',
          principal: stored && stored.revokedAt === null ? { keyId: stored.id, orgs: stored.orgs, role: stored.role } : null,
        };
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(parsed.id, entry);
      }
      if (!entry.principal || !secretMatches(parsed.secret, entry.hash)) throw new AppError(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED);
      return entry.principal;
    },
  };
}
