import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeRecord } from '../../src/ingest/normalize';
import { parseJson, type JsonValue } from '../../src/domain/json';
import { normalizeEpochMs } from '../../src/domain/time';
import { indicatorKey, indicatorUid } from '../../src/domain/indicators';
import { isEventProperty } from '../../src/graph/writer/columns';

const samples = join(__dirname, '..', '..', '..', 'shared', 'samples');

function parse(text: string): JsonValue {
  const result = parseJson(text);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

const routing = (extra: Record<string, unknown> = {}) => ({
  this: 'aaaa0001',
  parent: 'pppp0001',
  event_type: 'NEW_PROCESS',
  event_time: 1629204374140,
  event_id: 'e-1',
  oid: 'org-1',
  sid: 'sensor-1',
  hostname: 'host-1',
  int_ip: '10.0.0.5',
  plat: 268435456,
  arch: 2,
  ...extra,
});

describe('normalizeRecord', () => {
  it('keys an event by org and atom, with PARENT and TARGET keys in the same org', () => {
    const result = normalizeRecord(parse(JSON.stringify({ routing: routing({ target: 'tttt0001' }), event: { FILE_PATH: 'C:\\x.exe' } })));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [row] = result.rows;
    expect(row?.uid).toBe('org-1/aaaa0001');
    expect(row?.parentUid).toBe('org-1/pppp0001');
    expect(row?.targetUid).toBe('org-1/tttt0001');
    expect(row?.labels).toEqual(['NEW_PROCESS', 'Process']);
    expect(row?.props).toMatchObject({ oid: 'org-1', type: 'NEW_PROCESS', time: 1629204374140n, hostname: 'host-1', filePath: 'C:\\x.exe' });
    expect(row?.sensor).toMatchObject({ uid: 'org-1/sensor-1', facts: { hostname: 'host-1', intIp: '10.0.0.5', plat: 268435456n } });
    for (const key of Object.keys(row?.props ?? {})) expect(isEventProperty(key)).toBe(true);
  });

  it('reads an empty or null parent and target as none: the event is a root, not a reject', () => {
    for (const none of ['', null]) {
      const result = normalizeRecord(parse(JSON.stringify({ routing: routing({ parent: none, target: none }), event: {} })));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.rows[0]?.parentUid).toBeNull();
      expect(result.rows[0]?.targetUid).toBeNull();
      expect(result.rows[0]?.props).not.toHaveProperty('parentAtom');
      expect(result.rows[0]?.props).not.toHaveProperty('targetAtom');
    }
  });

  it('keys an event without an atom by its event_id', () => {
    const { this: _drop, ...noAtom } = routing({ event_type: 'RECEIPT' });
    const result = normalizeRecord(parse(JSON.stringify({ routing: noAtom, event: {} })));
    expect(result.ok && result.rows[0]?.uid).toBe('org-1/event:e-1');
  });

  it('rejects an event with neither atom nor event_id, saying why', () => {
    const { this: _a, event_id: _b, ...neither } = routing();
    const result = normalizeRecord(parse(JSON.stringify({ routing: neither, event: {} })));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/neither "this".*nor "event_id"/) });
  });

  it('stores an event with a wrongly typed field, warning with its path, and promotes what fits', () => {
    const text = JSON.stringify({ routing: routing(), event: { PROCESS_ID: 'abc', PARENT_PROCESS_ID: '12', FILE_PATH: 'C:\\x.exe', PARENT: [1] } });
    const result = normalizeRecord(parse(text), text);
    expect(result).toMatchObject({
      ok: true,
      warnings: [
        { path: 'event.PROCESS_ID', reason: 'expected an integer, got string; kept in raw only' },
        { path: 'event.PARENT_PROCESS_ID', reason: 'expected an integer, got string; read as 12' },
        { path: 'event.PARENT', reason: 'expected an object, got a list; kept in raw only' },
      ],
    });
    if (!result.ok) return;
    expect(result.rows[0]?.props).toMatchObject({ raw: text, parentProcessId: 12n, filePath: 'C:\\x.exe' });
    expect(result.rows[0]?.props).not.toHaveProperty('processId');
    expect(result.rows[0]?.parentUid).toBe('org-1/pppp0001');
  });

  it('stores a carrier without the inner event it cannot key, saying so', () => {
    const inner = (atom: string | undefined, body: Record<string, unknown>) => ({ routing: { ...routing({ event_type: 'REMOTE_PROCESS_HANDLE', event_id: undefined }), this: atom }, event: body });
    const carrier = { routing: routing({ event_type: 'THREAD_INJECTION', this: 'carrier' }), event: { EVENTS: [inner('in-1', { ACCESS_FLAGS: 'all' }), inner(undefined, {}), 'junk'] } };
    const result = normalizeRecord(parse(JSON.stringify(carrier)));
    expect(result).toMatchObject({ ok: true, warnings: [{ path: 'event.EVENTS[0].event.ACCESS_FLAGS' }] });
    if (!result.ok) return;
    expect(result.rows.map((r) => r.props['atom'])).toEqual(['carrier', 'in-1']);
    expect(result.skipped).toMatch(/^event\.EVENTS\[1\]: routing has neither.*; event\.EVENTS\[2\]: expected an object, got string: this inner event is not stored$/);
  });

  it('unwraps a body wrapped in a key equal to its type, as the classic catalogue shows it', () => {
    const result = normalizeRecord(parse(JSON.stringify({ routing: routing({ event_type: 'STARTING_UP' }), event: { STARTING_UP: { TIMESTAMP: 1455854079 } } })));
    expect(result.ok && result.rows[0]?.props['bodyTime']).toBe(1455854079000n);
  });

  it('keeps 64-bit integers exactly in the stored original', () => {
    const text = `{"routing":${JSON.stringify(routing({ event_type: 'EXEC_OOB' }))},"event":{"STACK_TRACES":[{"STACK_TRACE_FRAMES":[{"STACK_TRACE_FRAME_PC":4035225266123964416}],"THREAD_ID":1}]}}`;
    const result = normalizeRecord(parse(text));
    expect(result.ok && result.rows[0]?.props['raw']).toContain('4035225266123964416');
  });

  it('makes the inner events of THREAD_INJECTION events of their own, contained by the carrier', () => {
    const text = readFileSync(join(samples, 'lc-doc-thread-injection.json'), 'utf8');
    const value = parse(text) as Record<string, JsonValue>;
    const carrier = { routing: routing({ event_type: 'THREAD_INJECTION', this: 'carrier', oid: 'bc76d608-9d83-4c6c-bdd5-f86bbd385a94' }), event: value['event'] };
    const result = normalizeRecord(parse(JSON.stringify(carrier)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const inner = (value['event'] as { EVENTS: unknown[] }).EVENTS;
    expect(result.rows).toHaveLength(1 + inner.length);
    for (const row of result.rows.slice(1)) expect(row.containerUid).toBe(result.rows[0]?.uid);
  });

  it('stores the inner events of a carrier that is no valid event itself, and says the carrier was skipped', () => {
    // As LimaCharlie's documentation shows it: a bare THREAD_INJECTION body, no routing.
    const text = readFileSync(join(samples, 'lc-doc-thread-injection.json'), 'utf8');
    const result = normalizeRecord(parse(text), text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const inner = ((parse(text) as Record<string, JsonValue>)['event'] as { EVENTS: { routing: { this: string } }[] }).EVENTS;
    expect(result.rows.map((r) => r.props['atom'])).toEqual(inner.map((e) => e.routing.this));
    for (const row of result.rows) expect(row.containerUid).toBeNull();
    expect(result.skipped).toMatch(/^routing: expected an object, got nothing: the carrier is not stored; its 2 inner events/);
  });

  it('refuses a carrier without routing whose inner events are of two orgs', () => {
    const text = readFileSync(join(samples, 'lc-doc-thread-injection.json'), 'utf8');
    const value = parse(text) as { event: { EVENTS: { routing: Record<string, JsonValue> }[] } };
    value.event.EVENTS[1]!.routing['oid'] = 'another-org';
    expect(normalizeRecord(value as unknown as JsonValue)).toEqual({ ok: false, reason: expect.stringMatching(/inner events of another org/) });
  });

  it('refuses inner events of another org: nothing links across orgs', () => {
    const text = readFileSync(join(samples, 'lc-doc-thread-injection.json'), 'utf8');
    const value = parse(text) as Record<string, JsonValue>;
    const carrier = { routing: routing({ event_type: 'THREAD_INJECTION', this: 'carrier', oid: 'some-other-org' }), event: value['event'] };
    const result = normalizeRecord(parse(JSON.stringify(carrier)));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/never link across orgs/) });
  });

  it('derives indicators, leaving out the host’s own address', () => {
    const body = { SOURCE: { IP_ADDRESS: '10.0.0.5', PORT: 5000 }, DESTINATION: { IP_ADDRESS: '10.0.0.9', PORT: 445 }, PROCESS_ID: 4 };
    const result = normalizeRecord(parse(JSON.stringify({ routing: routing({ event_type: 'NEW_TCP4_CONNECTION' }), event: body })));
    expect(result.ok && result.rows[0]?.indicators).toEqual([{ uid: indicatorUid('org-1', 'IP', '10.0.0.9'), key: indicatorKey('IP', '10.0.0.9'), kind: 'IP', value: '10.0.0.9', field: 'dstIp' }]);
  });

  it('accepts every real sample line', () => {
    const lines = readFileSync(join(samples, 'secops-doc-edr-samples.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
    for (const line of lines) expect(normalizeRecord(parse(line))).toMatchObject({ ok: true });
  });
});

describe('normalizeEpochMs', () => {
  it.each([
    [1456285660, 1456285660000n],
    [1468335512047, 1468335512047n],
    [1468335512047123, 1468335512047n],
    [1468335512047123456n, 1468335512047n],
    ['x', null],
    [-5, null],
  ])('%p -> %p', (input, expected) => {
    expect(normalizeEpochMs(input)).toBe(expected);
  });
});
