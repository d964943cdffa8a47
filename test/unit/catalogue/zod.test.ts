import { bodySchemaFor, routingSchema, validateBody, validateEvent, validateRouting } from '../../../src/catalogue';

const routing = { oid: 'org-1', event_type: 'NEW_PROCESS', event_time: 1_700_000_000_000, this: 'a1', parent: 'a0' };

describe('event bodies', () => {
  it('rejects a wrong-typed field, naming its path', () => {
    const result = validateBody('NEW_PROCESS', { PROCESS_ID: 4, PARENT: { PROCESS_ID: 'abc' } });
    expect(result).toEqual({ ok: false, errors: ['event.PARENT.PROCESS_ID: expected an integer, got string'] });
  });

  it('reports every problem at once, list positions included', () => {
    const result = validateBody('NETWORK_SUMMARY', {
      PROCESS: { COMMAND_LINE: 7, NETWORK_ACTIVITY: [{ SOURCE: { PORT: 80 } }, { DESTINATION: { PORT: 1.5 } }] },
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        'event.PROCESS.COMMAND_LINE: expected a string, got number 7',
        'event.PROCESS.NETWORK_ACTIVITY[1].DESTINATION.PORT: expected an integer, got number 1.5',
      ],
    });
  });

  it('keeps fields the catalogue does not describe, at every level', () => {
    const body = { PROCESS_ID: 1, NEW_FIELD: 'x', PARENT: { PROCESS_ID: 2, ALSO_NEW: [1, 2] } };
    expect(validateBody('NEW_PROCESS', body)).toEqual({ ok: true, value: body });
  });

  it('treats null as absent (the dataset sends PROCESS_ID: null)', () => {
    expect(validateBody('FILE_CREATE', { FILE_PATH: 'C:\\x', PROCESS_ID: null }).ok).toBe(true);
  });

  it('passes an unknown type with its body as it is, but still wants an object', () => {
    const body = { ANYTHING: { nested: [1, 'two'] }, big: 123456789012345678901234567890n };
    expect(validateBody('BRAND_NEW_TYPE', body)).toEqual({ ok: true, value: body });
    expect(validateBody('BRAND_NEW_TYPE', [1, 2])).toEqual({ ok: false, errors: ['event: expected an object, got a list'] });
  });

  it('accepts int64 values as numbers and as bigint beyond 2^53, up to unsigned 64-bit', () => {
    expect(validateBody('MODULE_LOAD', { BASE_ADDRESS: 140715814092800 }).ok).toBe(true);
    expect(validateBody('EXEC_OOB', { STACK_TRACES: [{ STACK_TRACE_FRAMES: [{ STACK_TRACE_FRAME_PC: 4035225266123964416n }] }] }).ok).toBe(true);
    expect(validateBody('MODULE_LOAD', { BASE_ADDRESS: 18446744073709551615n }).ok).toBe(true);
    expect(validateBody('MODULE_LOAD', { BASE_ADDRESS: 18446744073709551616n })).toEqual({
      ok: false,
      errors: ['event.BASE_ADDRESS: expected a 64-bit integer, got integer 18446744073709551616'],
    });
  });

  it('takes int32 fields signed or unsigned (Windows pids are DWORDs; 4294967295 is (DWORD)-1)', () => {
    for (const pid of [-2147483648, 2147483647, 2147483648, 4294967295]) expect(validateBody('TERMINATE_PROCESS', { PROCESS_ID: pid }).ok).toBe(true);
    expect(validateBody('NEW_PROCESS', { PARENT: { PROCESS_ID: 4294967295 }, THREADS: 4294967295 }).ok).toBe(true);
    expect(validateBody('TERMINATE_PROCESS', { PROCESS_ID: 4294967296 })).toEqual({
      ok: false,
      errors: ['event.PROCESS_ID: expected a 32-bit integer, got number 4294967296'],
    });
    expect(validateBody('TERMINATE_PROCESS', { PROCESS_ID: -2147483649 }).ok).toBe(false);
  });

  it('accepts LimaCharlie 0/1 flags and booleans, nothing else', () => {
    expect(validateBody('CONNECTED', { IS_SEGREGATED: 1 }).ok).toBe(true);
    expect(validateBody('CONNECTED', { IS_SEGREGATED: false }).ok).toBe(true);
    expect(validateBody('CONNECTED', { IS_SEGREGATED: 2 })).toEqual({
      ok: false,
      errors: ['event.IS_SEGREGATED: expected 0, 1 or a boolean, got number 2'],
    });
  });

  it('takes timestamps in seconds or milliseconds', () => {
    expect(validateBody('STARTING_UP', { TIMESTAMP: 1455854079 }).ok).toBe(true);
    expect(validateBody('STARTING_UP', { TIMESTAMP: 1468335512047 }).ok).toBe(true);
    expect(validateBody('STARTING_UP', { TIMESTAMP: '2024-01-10' }).ok).toBe(false);
  });

  it('checks atoms inside bodies like routing atoms', () => {
    expect(validateBody('NEW_PROCESS', { PARENT: { THIS_ATOM: 'x'.repeat(129) } })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^event\.PARENT\.THIS_ATOM: expected an atom/)],
    });
  });

  it('builds each schema once', () => {
    expect(bodySchemaFor('NEW_PROCESS')).toBe(bodySchemaFor('NEW_PROCESS'));
  });
});

describe('routing', () => {
  it('accepts a minimal routing and keeps keys it does not know', () => {
    expect(validateRouting({ ...routing, latency: 12 })).toEqual({ ok: true, value: { ...routing, latency: 12 } });
  });

  it('requires event_type, event_time and oid', () => {
    expect(validateRouting({})).toEqual({
      ok: false,
      errors: ['routing.event_type: is required', 'routing.event_time: is required', 'routing.oid: is required'],
    });
  });

  it('wants event_time as integer milliseconds, number or bigint', () => {
    expect(validateRouting({ ...routing, event_time: 1_700_000_000_000n }).ok).toBe(true);
    expect(validateRouting({ ...routing, event_time: 1.5 })).toEqual({
      ok: false,
      errors: ['routing.event_time: expected an integer epoch time in milliseconds, got number 1.5'],
    });
  });

  it('rejects atoms that are empty, too long or hold control characters', () => {
    for (const atom of ['', 'a'.repeat(129), 'ab\ncd']) {
      expect(validateRouting({ ...routing, this: atom })).toMatchObject({ ok: false, errors: [expect.stringMatching(/^routing\.this: /)] });
    }
    expect(validateRouting({ ...routing, target: 'a'.repeat(128) }).ok).toBe(true);
  });

  it('takes "" for parent and target as no reference, but never for this', () => {
    expect(validateRouting({ ...routing, parent: '', target: '' }).ok).toBe(true);
    expect(validateRouting({ ...routing, parent: 'ab\ncd' })).toMatchObject({ ok: false, errors: [expect.stringMatching(/^routing\.parent: expected an atom/)] });
  });

  it('types the descriptive fields', () => {
    expect(validateRouting({ ...routing, tags: ['a', 1], plat: '268435456', did: '' })).toEqual({
      ok: false,
      errors: ['routing.plat: expected an integer, got string', 'routing.tags[1]: expected a string, got number 1'],
    });
  });

  it('is the exported schema itself', () => {
    expect(routingSchema.safeParse(routing).success).toBe(true);
  });
});

describe('whole events', () => {
  const inner = (overrides: Record<string, unknown>) => ({
    routing: { ...routing, event_type: 'REMOTE_PROCESS_HANDLE', this: 'h1' },
    event: { ACCESS_FLAGS: 2097151, ...overrides },
  });

  it('checks routing and body together', () => {
    const result = validateEvent({ routing: { ...routing, oid: '' }, event: { PROCESS_ID: 'x' } });
    expect(result).toEqual({
      ok: false,
      errors: ['routing.oid: expected a non-empty string, got string', 'event.PROCESS_ID: expected an integer, got string'],
    });
  });

  it('validates inner events as events, with their path', () => {
    const record = {
      routing: { ...routing, event_type: 'THREAD_INJECTION' },
      event: { EVENTS: [inner({}), inner({ ACCESS_FLAGS: 'all' })] },
    };
    expect(validateEvent(record)).toEqual({
      ok: false,
      errors: ['event.EVENTS[1].event.ACCESS_FLAGS: expected an integer, got string'],
    });
    expect(validateEvent({ ...record, event: { EVENTS: [inner({})] } }).ok).toBe(true);
  });

  it('gives an event without a body an empty one, and refuses a record that is not an object', () => {
    expect(validateEvent({ routing: { ...routing, event_type: 'RECEIPT' } })).toMatchObject({ ok: true, value: { event: {} } });
    expect(validateEvent('nope')).toEqual({ ok: false, errors: ['record: expected an object, got string'] });
  });
});
