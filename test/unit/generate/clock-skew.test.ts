/**
 * --clock-skew: each host's clock is off by a fixed amount, and so is every time it reports; the
 * story's second host is behind its victim, so the service it starts is reported before the
 * connection that started it. Compared line by line with the same run on right clocks.
 */
import { generateText, parseGenerateOptions, withDefaults } from '../../../src/generate';
import { asRecord, type Event, parseLine, run } from './helpers';

// Three stories in two orgs: one host is the victim of one story and the second host of another.
const BASE = { hosts: 8, orgs: 2, stories: 3, events: 8_000, seed: 'clocks', shuffle: 0, duplicates: 0, badFraction: 0 };
const SKEW = 3;

/** Every 13-digit TIMESTAMP in a body (milliseconds), nested ones included, in order. */
function msTimestamps(value: unknown, out: number[] = []): number[] {
  if (Array.isArray(value)) value.forEach((v) => msTimestamps(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'TIMESTAMP' && typeof v === 'number' && v > 1e12) out.push(v);
      else if (k !== 'EVENTS') msTimestamps(v, out);
    }
  }
  return out;
}

describe('generate: --clock-skew', () => {
  let right: Event[];
  let skewed: Event[];
  let skewedText: string;
  beforeAll(async () => {
    right = (await run({ ...BASE, clockSkew: 0 })).lines.map(parseLine);
    const s = await run({ ...BASE, clockSkew: SKEW });
    skewedText = s.text;
    skewed = s.lines.map(parseLine);
  });

  it('is checked like every option: seconds from 0 to an hour, 0 by default', () => {
    expect(parseGenerateOptions({ hosts: '2', events: '10' })).toMatchObject({ ok: true, value: { clockSkew: 0 } });
    expect(parseGenerateOptions({ hosts: '2', events: '10', clockSkew: '2.5' })).toMatchObject({ ok: true, value: { clockSkew: 2.5 } });
    for (const bad of ['-1', 'soon', '4000', '']) {
      expect(parseGenerateOptions({ hosts: '2', events: '10', clockSkew: bad })).toEqual({
        ok: false,
        errors: [`--clock-skew must be a number of seconds from 0 to 3600, got ${JSON.stringify(bad)}`],
      });
    }
  });

  it('gives the same bytes for the same options', async () => {
    const again = await generateText(withDefaults({ ...BASE, clockSkew: SKEW }));
    expect(again.text === skewedText).toBe(true);
  });

  it('changes nothing but the times: each host is off by one fixed amount within the bound, in routing and bodies', () => {
    expect(skewed.length).toBe(right.length);
    const offsets = new Map<string, number>();
    for (let i = 0; i < right.length; i++) {
      const a = right[i]!;
      const b = skewed[i]!;
      expect(b.atom).toBe(a.atom);
      expect(b.type).toBe(a.type);
      const offset = b.time - a.time;
      if (!offsets.has(a.sid)) offsets.set(a.sid, offset);
      expect(offset).toBe(offsets.get(a.sid));
      // Millisecond TIMESTAMPs (snapshots and inner events' bodies too) move with the host's clock.
      const before = msTimestamps(a.event);
      expect(msTimestamps(b.event)).toEqual(before.map((t) => t + offset));
      // A body TIMESTAMP in seconds is the second of the skewed event time.
      const ts = b.event['TIMESTAMP'];
      if (typeof ts === 'number' && ts < 1e11 && Math.floor(a.time / 1000) === right[i]!.event['TIMESTAMP']) expect(ts).toBe(Math.floor(b.time / 1000));
    }
    const values = [...offsets.values()];
    expect(values.every((v) => Math.abs(v) <= SKEW * 1000)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(values.length / 2); // each host its own clock
    expect(values.some((v) => v !== 0)).toBe(true);
  });

  it('puts the second host of a story behind its victim: the service is reported before the connection that started it', async () => {
    const { truth } = await run({ ...BASE, clockSkew: SKEW });
    const stories = truth.stories.filter((s) => s.lateral);
    expect(stories.length).toBeGreaterThan(0);
    const atoms = new Map(skewed.filter((e) => e.atom).map((e) => [e.atom as string, e]));
    for (const story of stories) {
      const lateral = story.lateral!;
      expect(truth.generator.wrinkles.clockSkew).toBe(SKEW);
      expect(lateral.clockSkewMs.source - lateral.clockSkewMs.destination).toBeGreaterThanOrEqual(SKEW * 1000 * 0.85);
      const source = atoms.get(story.processes.powershell.atom)!;
      expect(source.time - right.find((e) => e.atom === source.atom)!.time).toBe(lateral.clockSkewMs.source);
      for (const started of lateral.startedProcesses) {
        // The connection accepted by the process that started it, and the source's report of it.
        const inbound = lateral.inbound.find((c) => c.processAtom === started.parentAtom)!;
        const outbound = lateral.connections[lateral.inbound.indexOf(inbound)]!;
        expect(atoms.get(started.atom)!.time).toBeLessThan(atoms.get(outbound.atom)!.time);
        expect(atoms.get(started.atom)!.time).toBeGreaterThan(atoms.get(inbound.atom)!.time);
      }
    }
  });

  it('describes the accepting services.exe only by its children\'s snapshots, and says so in the truth', async () => {
    const { truth } = await run({ ...BASE, clockSkew: SKEW });
    const processes = new Map(skewed.filter((e) => e.type === 'NEW_PROCESS' || e.type === 'EXISTING_PROCESS').map((e) => [e.atom as string, e]));
    for (const story of truth.stories.filter((s) => s.lateral)) {
      const lateral = story.lateral!;
      for (const c of [...lateral.inbound, ...lateral.connections]) expect(c.processSent).toBe(processes.has(c.processAtom));
      for (const started of lateral.startedProcesses) {
        expect(started.parentSent).toBe(false);
        expect(processes.has(started.parentAtom!)).toBe(false);
        const parent = asRecord(processes.get(started.atom)!.event['PARENT']);
        expect(parent).toMatchObject({ THIS_ATOM: started.parentAtom, FILE_PATH: expect.stringMatching(/\\services\.exe$/i) });
        for (const key of ['COMMAND_LINE', 'PROCESS_ID', 'USER_NAME', 'HASH', 'PARENT_ATOM']) expect(parent[key]).toBeDefined();
        expect(lateral.inbound.some((c) => c.processAtom === started.parentAtom && !c.processSent)).toBe(true);
      }
    }
  });
});
