// The local Neo4j tool's own error paths, run as users run it (`node tools/neo4j/neo4j.mjs ...`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tool = join(__dirname, '..', '..', 'tools', 'neo4j', 'neo4j.mjs');

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [tool, ...args], { encoding: 'utf8', env });
}

describe('tools/neo4j/neo4j.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-tool-'));
  let holder: Server;
  let port = 0;

  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a taken port with one clear line and starts nothing', () => {
    const result = run(['start', '--port', String(port), '--data-dir', join(dir, 'data'), '--password', 'a-long-password']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`neo4j: port ${port} on 127.0.0.1 is already in use`]);
    expect(run(['status', '--data-dir', join(dir, 'data')]).status).toBe(3);
  });

  it('says so when asked to stop a server that is not running', () => {
    const result = run(['stop', '--data-dir', join(dir, 'nothing-here')]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('Neo4j is not running');
  });

  it('names the missing tool in one line when java is not on PATH', () => {
    const result = run(['start', '--data-dir', join(dir, 'data2'), '--port', '0'], { ...process.env, PATH: '/nonexistent' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^neo4j: java not found on PATH/);
  });
});
