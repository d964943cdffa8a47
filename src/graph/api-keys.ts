/** API keys as stored: `(:ApiKey {id, hash, orgs, role, created, revokedAt})`, outside the event graph. */
import type { Role } from '../domain/roles';
import type { GraphExecutor, NamedQuery } from './executor';
import { toBigInt } from './reader/values';

export interface StoredKey {
  id: string;
  hash: string;
  orgs: string[];
  role: Role;
  created: bigint;
  revokedAt: bigint | null;
}

export const CREATE_KEY: NamedQuery = {
  name: 'apiKey.create',
  cypher: 'CREATE (:ApiKey {id: $id, hash: $hash, orgs: $orgs, role: $role, created: $created})',
};

export const FIND_KEY: NamedQuery = {
  name: 'apiKey.find',
  cypher: 'MATCH (k:ApiKey {id: $id}) RETURN k {.id, .hash, .orgs, .role, .created, .revokedAt} AS k',
};

export const LIST_KEYS: NamedQuery = {
  name: 'apiKey.list',
  cypher: 'MATCH (k:ApiKey) RETURN k {.id, .hash, .orgs, .role, .created, .revokedAt} AS k ORDER BY k.created, k.id',
};

export const REVOKE_KEY: NamedQuery = {
  name: 'apiKey.revoke',
  cypher: 'MATCH (k:ApiKey {id: $id}) SET k.revokedAt = coalesce(k.revokedAt, $now) RETURN k.id AS id',
};

function toStoredKey(value: Record<string, unknown>): StoredKey {
  return {
    id: String(value['id']),
    hash: String(value['hash']),
    orgs: (value['orgs'] as string[] | null) ?? [],
    role: value['role'] as Role,
    created: toBigInt(value['created']) ?? 0n,
    revokedAt: toBigInt(value['revokedAt']),
  };
}

export class ApiKeyStore {
  constructor(private readonly executor: GraphExecutor) {}

  async create(key: { id: string; hash: string; orgs: readonly string[]; role: Role }): Promise<void> {
    await this.executor.write(CREATE_KEY, { ...key, orgs: [...key.orgs], created: BigInt(Date.now()) });
  }

  async find(id: string): Promise<StoredKey | null> {
    const result = await this.executor.read(FIND_KEY, { id });
    const record = result.records[0];
    return record ? toStoredKey(record.get('k') as Record<string, unknown>) : null;
  }

  async list(): Promise<StoredKey[]> {
    const result = await this.executor.read(LIST_KEYS);
    return result.records.map((r) => toStoredKey(r.get('k') as Record<string, unknown>));
  }

  /** True when the key exists (revoking twice keeps the first time). */
  async revoke(id: string): Promise<boolean> {
    const result = await this.executor.write(REVOKE_KEY, { id, now: BigInt(Date.now()) });
    return result.records.length > 0;
  }
}
