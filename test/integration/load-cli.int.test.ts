// The `atomgraph load` command as users run it (a child process), against the test Neo4j.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '../../src/runtime';
import { expectedGraph, graphCounts } from '../helpers/graph';
import { cli } from '../helpers/cli';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

const root = join(__dirname, '..', '..');
const dataset = readFileSync(join(root, '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
const inOrg = (lines: string[], org: string) => lines.map((l) => l.replace(/"oid":"[^"]*"/, `"oid":"${org}"`));

const load = (args: string[]) => cli(['load', ...args]);

describe('atomgraph load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-load-'));
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the good lines, writes the bad ones with line and reason to --rejects, and exits 0', async () => {
    const org = uniqueOrg('cli');
    const lines = inOrg(dataset.slice(0, 100), org);
    // A body value that does not fit: the event is stored, the value reported as a warning.
    const odd = JSON.parse(lines[9]!) as { event: Record<string, unknown> };
    odd.event['PROCESS_ID'] = { unexpected: true };
    lines[9] = JSON.stringify(odd);
    lines.splice(3, 0, '{"routing": ');
    lines.splice(40, 0, '[1, 2]');
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const rejects = join(dir, 'rejects.jsonl');
    const { code, stdout } = await load([file, '--rejects', rejects, '--batch-size', '30']).done;
    expect(code).toBe(0);
    expect(stdout).toMatch(/102 records read, 100 events loaded, 0 already present, 2 rejected, 1 warnings/);
    const written = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; line: number; field?: string; reason: string; text: string });
    expect(written.map((r) => [r.level, r.line])).toEqual([['error', 4], ['warning', 11], ['error', 41]]);
    expect(written[0]).toMatchObject({ text: '{"routing": ', reason: expect.stringMatching(/not valid JSON/) });
    expect(written[1]).toMatchObject({ field: 'event.PROCESS_ID', reason: 'expected an integer, got object; kept in raw only', text: lines[10] });
    expect(written[2]?.reason).toMatch(/expected an event object/);
    expect((await graphCounts(runtime.driver, org)).events).toBe(100);
  });

  it('stops after the batch in flight on Ctrl-C, and a rerun completes the rest', async () => {
    const orgs = Array.from({ length: 6 }, (_, i) => uniqueOrg(`sigint${i}`));
    const lines = orgs.flatMap((org) => inOrg(dataset, org));
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = load([file, '--batch-size', '200']);
    for (let i = 0; i < 600; i++) {
      if ((await graphCounts(runtime.driver, orgs[0]!)).events > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    run.child.kill('SIGINT');
    const first = await run.done;
    expect(first.code).toBe(130);
    expect(first.stdout).toMatch(/^interrupted: /);
    const stored = Number(/(\d+) events loaded/.exec(first.stdout)?.[1]);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(lines.length);

    const second = await load([file, '--batch-size', '200']).done;
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`${lines.length - stored} events loaded, ${stored} already present`));
    for (const org of orgs) {
      const expected = expectedGraph(inOrg(dataset, org).map((l) => JSON.parse(l) as object));
      const counts = await graphCounts(runtime.driver, org);
      expect([counts.events, counts.parentEdges, counts.targetEdges]).toEqual([expected.events.size, expected.parentEdges, expected.targetEdges]);
    }
  }, 180_000);
});
