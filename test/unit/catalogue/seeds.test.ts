/**
 * The catalogue against the seeds: every event type the classic catalogue lists exists, every sample
 * body validates and is fully described, and the routing schema matches seed 002's.
 */
import { eventTypeSpec, routingSchema, validateBody, validateEvent, validateRouting } from '../../../src/catalogue';
import { readEnvelopeSpec, readmeEventTypes, readSeedCatalogue } from '../../helpers/seeds';
import { undescribedKeys } from './undescribed';

const seed = readSeedCatalogue();
const withBody = seed.sections.filter((s) => s.body !== undefined);

describe('the classic catalogue (seed 000)', () => {
  it('is read completely: 51 event types, most with a sample body', () => {
    expect(seed.sections).toHaveLength(51);
    expect(withBody.length).toBeGreaterThanOrEqual(30);
  });

  it('has only the one known irregular sample (OS_PACKAGES_REP is not an object)', () => {
    expect(seed.problems).toEqual([
      'OS_PACKAGES_REP: the sample is a bare member, not an object; read it wrapped in braces',
    ]);
  });

  it.each(seed.sections.map((s) => s.eventType))('%s has a catalogue entry', (eventType) => {
    expect(eventTypeSpec(eventType)).toBeDefined();
  });

  it.each(withBody.map((s) => [s.eventType, s.body] as const))('the %s sample validates', (eventType, body) => {
    expect(validateBody(eventType, body)).toEqual({ ok: true, value: body });
  });

  it.each(withBody.map((s) => [s.eventType, s.body] as const))('every key of the %s sample is described', (eventType, body) => {
    expect(undescribedKeys(eventTypeSpec(eventType)?.fields ?? {}, body ?? {})).toEqual([]);
  });

  it('reads wrapped samples unwrapped, placeholders stripped, big integers exact', () => {
    const byType = new Map(seed.sections.map((s) => [s.eventType, s.body]));
    expect(byType.get('STARTING_UP')).toEqual({ TIMESTAMP: 1455854079 });
    expect(byType.get('OS_SERVICES_REP')?.['SVCS']).toHaveLength(2);
    const frames = JSON.stringify(byType.get('EXEC_OOB'), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    expect(frames).toContain('"4035225266123964416n"');
  });

  it('keeps each section description for the types it documents', () => {
    const connected = seed.sections.find((s) => s.eventType === 'CONNECTED');
    expect(connected?.description).toMatch(/IS_SEGREGATED/);
  });
});

describe('the envelope (seed 002)', () => {
  const envelope = readEnvelopeSpec();

  it.each(Object.entries(envelope.routingTypes))('routing.%s is a routing schema field', (key) => {
    expect(Object.keys(routingSchema.shape)).toContain(key);
  });

  it.each(Object.entries(envelope.routingTypes))('routing.%s accepts null exactly when the seed allows it (%j)', (key, types) => {
    const base = { oid: 'o', event_type: 'X', event_time: 1 };
    expect(validateRouting({ ...base, [key]: null }).ok).toBe(types.includes('null'));
  });

  it('validates the seed sample event, whose oid and ext_ip are not even well-formed', () => {
    const result = validateEvent(envelope.sample);
    expect(result.ok).toBe(true);
  });
});

describe('the samples README', () => {
  const extra = readmeEventTypes();

  it('lists the types it names, shorthands expanded', () => {
    expect(extra).toEqual(
      expect.arrayContaining(['TERMINATE_TCP4_CONNECTION', 'TERMINATE_TCP6_CONNECTION', 'NEW_UDP6_CONNECTION', 'OPEN_NAMED_PIPE', 'enrollment']),
    );
    expect(extra.length).toBeGreaterThanOrEqual(20);
  });

  it.each(extra)('%s has a catalogue entry', (eventType) => {
    expect(eventTypeSpec(eventType)).toBeDefined();
  });
});
