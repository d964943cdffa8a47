// Recognising and normalising a detection record (src/ingest/detection.ts), against the real sample.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, contentKey, normalizeDetection, normalizeTag, recogniseRecord, techniquesOf } from '../../src/ingest/detection';
import { type JsonValue, parseJson } from '../../src/domain/json';

const text = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'samples', 'secops-doc-detection-sample.json'), 'utf8');
const sample = JSON.parse(text) as Record<string, unknown>;
const parsed = (v: unknown): JsonValue => {
  const r = parseJson(JSON.stringify(v));
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('detection records', () => {
  it('tells events, detections and neither apart by shape', () => {
    expect(recogniseRecord(parsed(sample))).toEqual({ kind: 'detection' });
    expect(recogniseRecord(parsed({ routing: {}, event: {} }))).toEqual({ kind: 'event' });
    expect(recogniseRecord(parsed({ detect_id: 'x' }))).toEqual({ kind: 'detection' });
    expect(recogniseRecord(parsed({ routing: { oid: 'o' } }))).toEqual({ kind: 'event' });
    const neither = recogniseRecord(parsed({ foo: 1, bar: 2 }));
    expect(neither).toEqual({ kind: 'neither', reason: expect.stringMatching(/^neither an event nor a detection: an event needs "routing" and "event", a detection needs "cat".*it has "foo", "bar"$/) });
  });

  it('keeps the whole record, keys it by org and detect_id, and carries a copy of its event', () => {
    const d = normalizeDetection(parsed(sample), text);
    if (!d.ok) throw new Error(d.reason);
    const routing = sample['routing'] as Record<string, unknown>;
    expect(d.detection.uid).toBe(`${String(routing['oid'])}/${String(sample['detect_id'])}`);
    expect(d.detection.props['raw']).toBe(text);
    expect(d.detection.eventUid).toBe(`${String(routing['oid'])}/${String(routing['this'])}`);
    expect(d.eventRows).toHaveLength(1);
    // The copy: the event's key, carried (the event sent on its own replaces it), routing completed from the detection's.
    expect(d.eventRows[0]).toMatchObject({ uid: d.detection.eventUid, props: { carried: true, hostname: routing['hostname'], type: 'NEW_PROCESS' } });
  });

  it('names what a detection lacks', () => {
    const { cat: _c, ...noCat } = sample;
    expect(normalizeDetection(parsed(noCat))).toEqual({ ok: false, reason: expect.stringMatching(/"cat"/) });
    const { routing: _r, detect: _d, ...noRouting } = sample;
    expect(normalizeDetection(parsed(noRouting))).toEqual({ ok: false, reason: expect.stringMatching(/"routing"/) });
  });

  it('keys a detection without detect_id by its content, the delivery time (ts) aside', () => {
    const { detect_id: _id, ...rest } = sample;
    const a = normalizeDetection(parsed({ ...rest, ts: 1 }));
    const b = normalizeDetection(parsed({ ...rest, ts: 2 }));
    const c = normalizeDetection(parsed({ ...rest, cat: 'other' }));
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected detections');
    expect(a.detection.uid).toBe(b.detection.uid);
    expect(a.detection.uid).not.toBe(c.detection.uid);
    expect(a.detection.props['detectId']).toBe(`sha256:${contentKey({ ...rest })}`);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('reads ATT&CK techniques from tags, and a bare technique as its tag', () => {
    expect(techniquesOf(['attack.discovery', 'attack.t1033', 'attack.t1059.001', 'car.2016-03-001'])).toEqual(['T1033', 'T1059.001']);
    expect(normalizeTag('T1033')).toBe('attack.t1033');
    expect(normalizeTag('Attack.Discovery')).toBe('attack.discovery');
  });
});
