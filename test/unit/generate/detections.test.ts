// The generator's detections: computed back from the feed's own lines (plain JSON), every
// detection names an event line of the feed of the type its rule reads, the planted attack raises
// the four attack rules on the story's atoms, benign noise only low-priority ones, the truth lists
// each with its atom, the ingest recognises every record, and the same options give the same bytes.
import { withDefaults } from '../../../src/generate';
import { generateTextWithDetections } from '../../../src/generate/stories/detections';
import { normalizeDetection, recogniseRecord } from '../../../src/ingest/detection';
import { parseJson } from '../../../src/domain/json';

type Json = Record<string, unknown>;
const options = withDefaults({ hosts: 8, events: 6000, seed: 'detections', orgs: 1 });

describe('generated detections', () => {
  let text: string;
  let truth: Awaited<ReturnType<typeof generateTextWithDetections>>['truth'];
  beforeAll(async () => {
    ({ text, truth } = await generateTextWithDetections(options));
  }, 120_000);

  const records = () =>
    text
      .split('\n')
      .filter((l) => l.length > 0)
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Json];
        } catch {
          return [];
        }
      });

  it('writes each detection after an event line of the feed that it names, of the type its rule reads', () => {
    const all = records();
    const detections = all.filter((r) => !('event' in r) && 'detect' in r);
    const events = new Map(all.filter((r) => 'event' in r).map((r) => [String((r['routing'] as Json)['this']), r]));
    expect(detections.length).toBe(truth.detections.length);
    expect(detections.length).toBeGreaterThan(4);
    for (const d of detections) {
      const atom = String(((d['detect'] as Json)['routing'] as Json)['this']);
      const event = events.get(atom);
      expect(event).toBeDefined();
      expect((d['detect'] as Json)['event']).toEqual(event!['event']);
      expect((d['routing'] as Json)['event_type']).toBe((event!['routing'] as Json)['event_type']);
    }
    // The truth lists the same detections, by id and atom, in feed order.
    expect(truth.detections.map((t) => [t.id, t.atom])).toEqual(detections.map((d) => [d['detect_id'], ((d['detect'] as Json)['routing'] as Json)['this']]));
  });

  it('raises the four attack rules on the planted story, and only low-priority noise elsewhere', () => {
    const story = truth.stories[0]!;
    const ofStory = truth.detections.filter((d) => d.story === story.id);
    const rules = new Set(ofStory.map((d) => d.rule));
    expect(rules).toEqual(new Set(['general.encoded-powershell', 'general.office-spawns-shell', 'general.lsass-access', ...(story.lateral ? ['general.new-service-rare-binary'] : [])]));
    const byRule = (rule: string) => ofStory.filter((d) => d.rule === rule).map((d) => d.atom);
    expect(byRule('general.encoded-powershell')).toEqual([story.processes.powershell.atom]);
    expect(byRule('general.office-spawns-shell')).toEqual([story.processes.powershell.atom]);
    expect(byRule('general.lsass-access')).toEqual([story.injection.sensitiveAccessAtom]);
    if (story.lateral) expect(story.lateral.service.changeAtoms).toContain(byRule('general.new-service-rare-binary')[0]);
    const noise = truth.detections.filter((d) => d.story === null);
    expect(noise.length).toBeGreaterThan(0);
    expect(Math.max(...noise.map((d) => d.priority))).toBeLessThanOrEqual(2);
  });

  it('writes records the ingest recognises as detections and accepts whole', () => {
    for (const r of records().filter((x) => !('event' in x))) {
      const value = parseJson(JSON.stringify(r));
      if (!value.ok) throw new Error(value.reason);
      expect(recogniseRecord(value.value)).toEqual({ kind: 'detection' });
      const d = normalizeDetection(value.value);
      expect(d.ok && d.skipped === undefined && d.eventRows.length >= 1).toBe(true);
    }
  });

  it('gives the same bytes for the same options', async () => {
    expect((await generateTextWithDetections(options)).text).toBe(text);
  }, 120_000);
});
