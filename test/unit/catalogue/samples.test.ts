/** Real LimaCharlie events (shared samples) and the attack corpus validate against the catalogue. */
import { eventTypeSpec, validateBody, validateEvent, validateRouting } from '../../../src/catalogue';
import { readJsonFile, readJsonLines } from '../../helpers/seeds';
import { undescribedKeys } from './undescribed';

type Rec = Record<string, unknown>;
const asRecord = (v: unknown): Rec => v as Rec;

/** Every event of a record, inner events (THREAD_INJECTION's EVENTS[]) included. */
function eventsOf(record: Rec): Rec[] {
  const inner = asRecord(record['event'])['EVENTS'];
  return [record, ...(Array.isArray(inner) ? inner.map(asRecord).flatMap(eventsOf) : [])];
}

const eventType = (record: Rec) => String(asRecord(record['routing'])['event_type']);

const telemetry = [
  ...readJsonLines('samples', 'secops-doc-edr-samples.jsonl'),
  ...readJsonLines('samples', 'lc-doc-handle-and-thread.jsonl'),
].map(({ line, value }) => [`${eventType(asRecord(value))} (line ${line})`, asRecord(value)] as const);

describe('shared samples', () => {
  it.each(telemetry)('%s validates', (_name, record) => {
    expect(validateEvent(record)).toMatchObject({ ok: true });
  });

  it.each(telemetry)('%s has a catalogue entry and every key described', (_name, record) => {
    for (const event of eventsOf(record)) {
      const spec = eventTypeSpec(eventType(event));
      expect(spec).toBeDefined();
      expect(undescribedKeys(spec?.fields ?? {}, asRecord(event['event']))).toEqual([]);
    }
  });

  it('validates the documented THREAD_INJECTION (a bare body) and each inner event', () => {
    const doc = asRecord(readJsonFile('samples', 'lc-doc-thread-injection.json'));
    expect(validateBody('THREAD_INJECTION', doc['event']).ok).toBe(true);
    const inner = asRecord(doc['event'])['EVENTS'] as unknown[];
    expect(inner).toHaveLength(2);
    for (const event of inner) expect(validateEvent(event)).toMatchObject({ ok: true });
  });

  it('validates the detection record: its routing, and the event it carries', () => {
    const detection = asRecord(readJsonFile('samples', 'secops-doc-detection-sample.json'));
    expect(validateRouting(detection['routing']).ok).toBe(true);
    expect(validateEvent(detection['detect'])).toMatchObject({ ok: true });
  });

  it('keeps routing keys it does not describe', () => {
    const record = { routing: { oid: 'o', event_type: 'RECEIPT', event_time: 1, latency: 276011 }, event: { ERROR: 0 } };
    const result = validateEvent(record);
    expect(result.ok && result.value.routing['latency']).toBe(276011);
  });
});

describe('the OTRF Empire psexec corpus', () => {
  const records = readJsonLines('datasets', 'otrf-empire-psexec.jsonl');

  it('is read whole', () => {
    expect(records).toHaveLength(2915);
  });

  it('validates every event (PROCESS_ID: null included) and knows every type', () => {
    const failures = records.flatMap(({ line, value }) => {
      const result = validateEvent(value);
      return result.ok ? [] : [`line ${line}: ${result.errors.join('; ')}`];
    });
    expect(failures).toEqual([]);
    const unknown = new Set(records.map(({ value }) => eventType(asRecord(value))).filter((t) => !eventTypeSpec(t)));
    expect([...unknown]).toEqual([]);
  });

  it('describes every key it sends', () => {
    const keys = new Set(
      records.flatMap(({ value }) => {
        const record = asRecord(value);
        return undescribedKeys(eventTypeSpec(eventType(record))?.fields ?? {}, asRecord(record['event']), eventType(record));
      }),
    );
    expect([...keys]).toEqual([]);
  });
});
