// `atomgraph load` (a child process) on one file that mixes events, a detection and a record that
// is neither: the detection is stored and joined to its event, the odd record rejected with its
// line and a reason, the rest stored; a second run changes nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '../../src/runtime';
import { cli } from '../helpers/cli';
import { detectionWithOrg, type Json, namedAtom } from '../helpers/detections';
import { graphCounts } from '../helpers/graph';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

const shared = join(__dirname, '..', '..', '..', 'shared');
const dataset = readFileSync(join(shared, 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
const sample = JSON.parse(readFileSync(join(shared, 'samples', 'secops-doc-detection-sample.json'), 'utf8')) as Json;

describe('atomgraph load with detections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-load-det-'));
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores events and detections from one file, rejects what is neither, and replays as nothing new', async () => {
    const org = uniqueOrg('cli-det');
    const events = dataset.slice(0, 50).map((l) => l.replace(/"oid":"[^"]*"/, `"oid":"${org}"`));
    const detection = detectionWithOrg(sample, org);
    const lines = [...events.slice(0, 20), JSON.stringify(detection), JSON.stringify({ note: 'not telemetry' }), ...events.slice(20)];
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const rejects = join(dir, 'rejects.jsonl');
    const first = await cli(['load', file, '--rejects', rejects, '--batch-size', '16']).done;
    expect(first.code).toBe(0);
    // 50 events and the copy of the detected event; one detection.
    expect(first.stdout).toMatch(/52 records read, 51 events loaded, 0 already present, 1 rejected, 0 warnings .*; 1 detections loaded, 0 already present/);
    const written = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; reason: string });
    expect(written).toEqual([expect.objectContaining({ line: 22, reason: expect.stringMatching(/^neither an event nor a detection: .*"note"/) })]);
    const session = runtime.driver.session();
    try {
      const rows = await session.run('MATCH (d:Detection {oid: $oid})-[:DETECTED]->(e:Event) RETURN e.atom AS atom, e.placeholder AS placeholder', { oid: org });
      expect(rows.records.map((r) => [r.get('atom'), r.get('placeholder')])).toEqual([[namedAtom(detection), false]]);
    } finally {
      await session.close();
    }
    const counts = await graphCounts(runtime.driver, org);
    const second = await cli(['load', file, '--batch-size', '16']).done;
    expect(second.stdout).toMatch(/0 events loaded, 51 already present, 1 rejected, 0 warnings .*; 0 detections loaded, 1 already present/);
    expect(await graphCounts(runtime.driver, org)).toEqual(counts);
  }, 180_000);
});
