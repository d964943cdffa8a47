/**
 * `atomgraph keys create|list|revoke`: API keys for the server. A key is printed once, as the last
 * line of `create`'s output (so `... | tail -1` captures it); only its hash is stored.
 */
import { Command, Option } from 'commander';
import { generateKey } from '../auth/api-keys';
import { ROLES, type Role } from '../domain/roles';
import { AppError, ErrorCode } from '../errors/codes';
import { ApiKeyStore } from '../graph/api-keys';
import { migrate } from '../graph/schema/migrate';
import { createRuntime } from '../runtime';

async function withStore<T>(work: (store: ApiKeyStore) => Promise<T>): Promise<T> {
  const runtime = await createRuntime({ startLocalNeo4jIfUnset: true, overrides: { LOG_LEVEL: 'warn' } });
  try {
    await migrate(runtime.executor);
    return await work(new ApiKeyStore(runtime.executor));
  } finally {
    await runtime.close();
  }
}

export async function createKeyCommand(options: { org: string[]; role: Role }): Promise<void> {
  const orgs = [...new Set(options.org.map((o) => o.trim()))];
  if (orgs.length === 0 || orgs.some((o) => o.length === 0)) throw new AppError(ErrorCode.BAD_USER_INPUT, 'give at least one --org <oid>');
  const key = generateKey();
  await withStore((store) => store.create({ id: key.id, hash: key.hash, orgs, role: options.role }));
  process.stdout.write(`created key ${key.id} (${options.role}) for ${orgs.join(', ')}; it is shown only now:\n${key.key}\n`);
}

export async function listKeysCommand(): Promise<void> {
  const keys = await withStore((store) => store.list());
  if (keys.length === 0) {
    process.stdout.write('no keys\n');
    return;
  }
  for (const k of keys) {
    const revoked = k.revokedAt === null ? 'active' : `revoked ${new Date(Number(k.revokedAt)).toISOString()}`;
    process.stdout.write(`${k.id}\t${k.role}\t${k.orgs.join(',')}\tcreated ${new Date(Number(k.created)).toISOString()}\t${revoked}\n`);
  }
}

export async function revokeKeyCommand(id: string): Promise<void> {
  const found = await withStore((store) => store.revoke(id));
  if (!found) throw new AppError(ErrorCode.NOT_FOUND, `no key with id ${id}`);
  process.stdout.write(`revoked key ${id}\n`);
}

export function keysCli(): Command {
  const keys = new Command('keys').description('manage API keys (Authorization: Bearer <key>)');
  keys
    .command('create')
    .description('create a key for one or more orgs; prints it once, as the last line')
    .requiredOption('--org <oid>', 'an org the key may read (and write, for writer/admin); repeat for several', (v: string, all: string[] = []) => [...all, v])
    .addOption(new Option('--role <role>', 'reader: queries; writer: queries and ingest of its orgs; admin: the same, for operators').choices(ROLES).default('reader'))
    .action(createKeyCommand);
  keys.command('list').description('list keys: id, role, orgs, created, revoked (never the key)').action(listKeysCommand);
  keys.command('revoke').description('revoke a key by its id (servers stop accepting it within AUTH_CACHE_MS)').argument('<id>').action(revokeKeyCommand);
  return keys;
}
