// `atomgraph keys create|list|revoke` as operators run them (child processes), checked against a server.
import { startServer, type RunningServer } from '../../src/api/server';
import { hashSecret, parseKey } from '../../src/auth/api-keys';
import { parseConfig } from '../../src/config/env';
import { createLogger } from '../../src/log/logger';
import type { Runtime } from '../../src/runtime';
import { cli } from '../helpers/cli';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

const keys = (args: string[]) => cli(['keys', ...args]).done;

describe('atomgraph keys', () => {
  let runtime: Runtime;
  let server: RunningServer;
  beforeAll(async () => {
    runtime = await testRuntime();
    server = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: 0 }), executor: runtime.executor, logger: createLogger('silent') },
      { host: '127.0.0.1', port: 0 },
    );
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  const version = async (key: string) =>
    (await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{"query":"{ version { server } }"}' })).status;

  it('creates a key printed once as the last line, lists it without secrets, and revokes it', async () => {
    const org = uniqueOrg('keys');
    const created = await keys(['create', '--org', org, '--org', `${org}-2`, '--role', 'writer']);
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').pop()!;
    const parsed = parseKey(key);
    expect(parsed).not.toBeNull();
    expect(await version(key)).toBe(200);

    const listed = await keys(['list']);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(parsed!.id))!;
    expect(line).toContain('writer');
    expect(line).toContain(`${org},${org}-2`);
    expect(line).toContain('active');
    expect(listed.stdout).not.toContain(parsed!.secret);
    expect(listed.stdout).not.toContain(hashSecret(parsed!.secret));

    const revoked = await keys(['revoke', parsed!.id]);
    expect(revoked.code).toBe(0);
    expect(await version(key)).toBe(401);
    expect((await keys(['list'])).stdout.split('\n').find((l) => l.startsWith(parsed!.id))).toMatch(/revoked \d{4}-/);
  }, 120_000);

  it('refuses a bad role or no org with a clear message', async () => {
    const badRole = await keys(['create', '--org', 'x', '--role', 'root']);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/role/);
    const unknown = await keys(['revoke', '0123456789abcdef']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no key with id/);
  }, 60_000);
});
