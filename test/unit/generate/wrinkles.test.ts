/**
 * Real-feed wrinkles, each on its own against the clean run of the same options: they draw from
 * their own random stream, so the well-formed events are exactly the clean run's.
 */
import { allEventTypes } from '../../../src/catalogue';
import { normalizeRecord } from '../../../src/ingest/normalize';
import { parseJson } from '../../../src/domain/json';
import { cleanRun, isProcess, parseLine, run, type Run } from './helpers';

const base = { hosts: 6, events: 5_000, orgs: 1, seed: 'wrinkles' };
const off = { shuffle: 0, duplicates: 0, orphans: 0, badFraction: 0 };

function accepted(line: string): boolean {
  const parsed = parseJson(line);
  return parsed.ok && normalizeRecord(parsed.value).ok;
}

function counts(lines: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

let clean: Run;
beforeAll(async () => {
  clean = await cleanRun(base);
});

describe('generate: wrinkles', () => {
  it('--bad-fraction: the malformed lines are exactly the lines ingest rejects, and the truth counts them', async () => {
    const { lines, truth } = await run({ ...base, ...off, badFraction: 0.05 });
    const good = new Set(clean.lines);
    const notClean = lines.filter((l) => !good.has(l));
    const rejected = lines.filter((l) => !good.has(l) && !accepted(l));
    expect(notClean.length).toBeGreaterThan(100);
    expect(rejected).toEqual(notClean);
    expect(truth.summary.badLines).toBe(notClean.length);
    // The rest is the clean feed, in order; the first line is never malformed.
    expect(lines.filter((l) => good.has(l))).toEqual(clean.lines);
    expect(good.has(lines[0] ?? '')).toBe(true);
    expect(Math.abs(notClean.length / lines.length - 0.05)).toBeLessThan(0.015);
  });

  it('--duplicates: some lines come twice, byte for byte', async () => {
    const { lines, truth } = await run({ ...base, ...off, duplicates: 0.01 });
    const repeated = [...counts(lines)].filter(([, n]) => n === 2);
    expect(repeated.length).toBeGreaterThan(10);
    expect(repeated.length).toBe(truth.summary.duplicateLines);
    expect([...new Set(lines)]).toEqual(clean.lines);
  });

  it('--shuffle: lines arrive late, but at most a window of lines late', async () => {
    const window = 200;
    const { lines, truth } = await run({ ...base, ...off, shuffle: 0.05, shuffleWindow: window });
    expect([...lines].sort()).toEqual([...clean.lines].sort());
    expect(lines).not.toEqual(clean.lines);
    const position = new Map(clean.lines.map((l, i) => [l, i]));
    const moved = lines.map((l, i) => i - (position.get(l) ?? i));
    expect(Math.max(...moved)).toBeLessThanOrEqual(2 * window);
    expect(moved.filter((d) => d > 0).length).toBeGreaterThan(truth.summary.shuffledLines / 2);
  });

  it('--orphans: processes already running at capture start are never sent; their children still name them', async () => {
    const { lines, truth } = await run({ ...base, ...off, orphans: 0.2 });
    const all = new Set(clean.lines);
    expect(lines.every((l) => all.has(l))).toBe(true);
    expect(clean.lines.length - lines.length).toBe(truth.summary.withheldEvents);
    const events = lines.map(parseLine);
    const sent = new Set(events.map((e) => e.atom));
    const missingParents = new Set(events.filter((e) => isProcess(e) && e.parent !== undefined && !sent.has(e.parent)).map((e) => e.parent));
    expect(missingParents.size).toBeGreaterThan(0);
    expect(truth.summary.withheldProcesses).toBeGreaterThanOrEqual(missingParents.size);
    // In the clean run every parent is there.
    const cleanEvents = clean.lines.map(parseLine);
    const cleanAtoms = new Set(cleanEvents.map((e) => e.atom));
    expect(cleanEvents.filter((e) => e.parent !== undefined && !cleanAtoms.has(e.parent))).toEqual([]);
  });

  it('has sensible defaults: a little shuffling, rare duplicates, some orphans, no malformed lines', async () => {
    const { lines, truth } = await run({ hosts: 10, events: 20_000, orgs: 2, seed: 'defaults' });
    const s = truth.summary;
    expect(s.badLines).toBe(0);
    expect(s.shuffledLines).toBeGreaterThan(0);
    expect(s.duplicateLines).toBeGreaterThan(0);
    expect(s.withheldProcesses).toBeGreaterThan(0);
    const seen = new Set(lines.map((l) => parseLine(l).type));
    expect(allEventTypes().filter((t) => t.basis === 'seed' && !seen.has(t.name))).toEqual([]);
  });
});
