/** `atomgraph generate` writes the feed (plain or gzip) and the truth; bad options fail with one message. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateCli, generateCommand } from '../../../src/cli/generate';
import { AppError } from '../../../src/errors/codes';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atomgraph-generate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atomgraph generate', () => {
  it('writes the same lines to a file and to a .gz file, and the truth beside them', async () => {
    const base = { hosts: '3', events: '1500', seed: 'cli', quiet: true };
    await generateCommand({ ...base, out: path.join(dir, 'feed.jsonl'), truth: path.join(dir, 'truth.json') });
    await generateCommand({ ...base, out: path.join(dir, 'feed.jsonl.gz') });
    const plain = readFileSync(path.join(dir, 'feed.jsonl'));
    expect(gunzipSync(readFileSync(path.join(dir, 'feed.jsonl.gz'))).equals(plain)).toBe(true);
    const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { format: string; stories: unknown[]; summary: { lines: number }; detections: unknown[] };
    expect(truth.format).toBe('atomgraph-truth/1');
    expect(truth.stories).toHaveLength(1);
    // The feed's lines and, after the lines that raised them, the detections the truth lists.
    const lines = plain.toString('utf8').split('\n').filter(Boolean);
    expect(truth.detections.length).toBeGreaterThan(0);
    expect(lines).toHaveLength(truth.summary.lines + truth.detections.length);
    expect(lines.filter((l) => l.includes('"detect_id"'))).toHaveLength(truth.detections.length);
  });

  it('leaves the detections out with --detections off', async () => {
    const base = { hosts: '3', events: '1500', seed: 'cli', quiet: true };
    await generateCommand({ ...base, detections: 'off', out: path.join(dir, 'plain.jsonl'), truth: path.join(dir, 'plain-truth.json') });
    const truth = JSON.parse(readFileSync(path.join(dir, 'plain-truth.json'), 'utf8')) as { summary: { lines: number }; detections?: unknown };
    const lines = readFileSync(path.join(dir, 'plain.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(truth.detections).toBeUndefined();
    expect(lines).toHaveLength(truth.summary.lines);
    expect(lines.some((l) => l.includes('"detect_id"'))).toBe(false);
    await expect(generateCommand({ ...base, detections: 'maybe' })).rejects.toThrow(/--detections must be on or off/);
  });

  it('rejects bad options with every problem in one message', async () => {
    const failure = generateCommand({ hosts: 'none', events: '0' });
    await expect(failure).rejects.toBeInstanceOf(AppError);
    await expect(failure).rejects.toThrow('--hosts must be a whole number from 1 to 100000, got "none"; --events must be a whole number from 1 to 1000000000, got "0"');
  });

  it('declares its flags with their defaults', () => {
    const command = generateCli();
    const flags = Object.fromEntries(command.options.map((o) => [o.long, o.defaultValue as unknown]));
    expect(flags).toMatchObject({ '--seed': '1', '--orgs': '1', '--shuffle': '0.02', '--duplicates': '0.001', '--orphans': '0.03', '--bad-fraction': '0' });
    expect(Object.keys(flags)).toEqual(expect.arrayContaining(['--hosts', '--events', '--out', '--truth', '--stories', '--start', '--shuffle-window', '--quiet']));
  });
});
