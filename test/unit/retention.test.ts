import { parseConfig } from '../../src/config/env';
import { parseCutoff } from '../../src/domain/time';
import { rollupLevel, rollupsAnswer } from '../../src/graph/reader/search';
import { rollupUid, rollupsOf } from '../../src/graph/writer/rollups';
import { HOST_LEVEL, ORG_LEVEL, summedRowsOf, summedUid } from '../../src/graph/writer/summed-rollups';
import type { EventRow } from '../../src/graph/writer/rows';

describe('prune --before', () => {
  const now = Date.UTC(2024, 5, 1);
  it('reads an ISO time, epoch milliseconds, or an age before now', () => {
    expect(parseCutoff('2024-04-10T00:00:00Z', now)).toEqual({ ms: BigInt(Date.UTC(2024, 3, 10)) });
    expect(parseCutoff('1712707200000', now)).toEqual({ ms: 1712707200000n });
    expect(parseCutoff('30d', now)).toEqual({ ms: BigInt(now - 30 * 86_400_000) });
    expect(parseCutoff('PT12H', now)).toEqual({ ms: BigInt(now - 12 * 3_600_000) });
  });
  it('refuses what is none of these, with a reason', () => {
    for (const bad of ['yesterday', '2024-13-45T00:00:00Z', '', '30x']) expect(parseCutoff(bad, now)).toHaveProperty('reason');
  });
});

describe('RETENTION', () => {
  it('is off by default and with "off", an age otherwise, and a bad one is a config problem', () => {
    expect(parseConfig({}).RETENTION).toBeUndefined();
    expect(parseConfig({ RETENTION: 'off' }).RETENTION).toBeUndefined();
    expect(parseConfig({ RETENTION: '30d' }).RETENTION).toBe(30 * 86_400_000);
    expect(() => parseConfig({ RETENTION: 'P1M' })).toThrow(/RETENTION/);
    expect(() => parseConfig({ PRUNE_BATCH_SIZE: '0' })).toThrow(/PRUNE_BATCH_SIZE/);
  });
});

describe('rollups', () => {
  const row = (uid: string, time: bigint, type = 'DNS_REQUEST', sid: string | null = 's1'): EventRow => ({
    uid,
    labels: [],
    props: { uid, oid: 'o', type, time, sid, hostname: 'h' },
    parentUid: null,
    parentAtom: null,
    targetUid: null,
    targetAtom: null,
    containerUid: null,
    indicators: [],
    sensor: null,
  });
  it('count new events per org, sensor, hostname, type and hour', () => {
    const hour = 1_717_200_000_000n - (1_717_200_000_000n % 3_600_000n);
    const rollups = rollupsOf([row('a', hour + 1n), row('b', hour + 3_599_999n), row('c', hour + 3_600_000n), row('d', hour, 'NEW_PROCESS'), row('e', hour, 'DNS_REQUEST', null)]);
    expect(new Map(rollups.map((r) => [r.uid, r.count]))).toEqual(
      new Map([
        [rollupUid('o', 's1', 'h', 'DNS_REQUEST', hour), 2],
        [rollupUid('o', 's1', 'h', 'DNS_REQUEST', hour + 3_600_000n), 1],
        [rollupUid('o', 's1', 'h', 'NEW_PROCESS', hour), 1],
        [rollupUid('o', null, 'h', 'DNS_REQUEST', hour), 1],
      ]),
    );
  });
  it('answer counts by keys they hold, filtered by org, sensor, type and whole hours only', () => {
    expect(rollupsAnswer('EVENT_TYPE', null, null)).toBe(true);
    expect(rollupsAnswer('DAY', 'SENSOR', { orgIds: ['o'], sensorIds: ['s'], eventTypes: ['X'], from: 3_600_000n, to: 7_200_000n })).toBe(true);
    expect(rollupsAnswer('MINUTE', null, null)).toBe(false);
    expect(rollupsAnswer('EVENT_TYPE', 'MINUTE', null)).toBe(false);
    expect(rollupsAnswer('EVENT_TYPE', null, { from: 1n })).toBe(false);
    expect(rollupsAnswer('EVENT_TYPE', null, { hostnames: ['h'] })).toBe(false);
    expect(rollupsAnswer('EVENT_TYPE', null, { commandLine: { contains: 'x' } })).toBe(false);
    expect(rollupsAnswer('EVENT_TYPE', null, { hostnames: [] })).toBe(true);
  });
  it('sum per org, type and hour, and per host and hour, in key order', () => {
    const hour = 1_717_200_000_000n - (1_717_200_000_000n % 3_600_000n);
    const rows = [row('a', hour, 'NEW_PROCESS', 's2'), row('b', hour + 5n), row('c', hour + 6n, 'DNS_REQUEST', 's2'), row('d', hour + 7n, 'DNS_REQUEST', null), row('e', hour + 3_600_000n)];
    const rollups = rollupsOf(rows);
    const key = (type: string, h: bigint) => summedUid(ORG_LEVEL, { oid: 'o', type, sid: null, hostname: null, hour: h });
    expect(key('DNS_REQUEST', hour)).toBe(`o/DNS_REQUEST|${hour}`);
    expect(summedRowsOf(ORG_LEVEL, rollups).map((r) => [r.uid, r.count])).toEqual([
      [key('DNS_REQUEST', hour), 3],
      [key('DNS_REQUEST', hour + 3_600_000n), 1],
      [key('NEW_PROCESS', hour), 1],
    ]);
    const host = (sid: string | null, h: bigint) => summedUid(HOST_LEVEL, { oid: 'o', sid, hostname: 'h', type: 'X', hour: h });
    expect(host(null, hour)).toBe(`o/|h|${hour}`);
    expect(summedRowsOf(HOST_LEVEL, rollups).map((r) => [r.uid, r.count, r.sid, r.type])).toEqual([
      [host('s1', hour), 1, 's1', undefined],
      [host('s1', hour + 3_600_000n), 1, 's1', undefined],
      [host('s2', hour), 2, 's2', undefined],
      [host(null, hour), 1, null, undefined],
    ]);
  });
  it('answer from the coarsest level that holds every key the question names', () => {
    expect(rollupLevel('EVENT_TYPE', null, null)).toBe('org');
    expect(rollupLevel('DAY', 'EVENT_TYPE', { orgIds: ['o'], eventTypes: ['X'], from: 0n })).toBe('org');
    expect(rollupLevel('EVENT_TYPE', null, { sensorIds: [] })).toBe('org');
    expect(rollupLevel('HOSTNAME', null, null)).toBe('host');
    expect(rollupLevel('HOUR', 'SENSOR', null)).toBe('host');
    expect(rollupLevel('HOUR', null, { sensorIds: ['s'] })).toBe('host');
    expect(rollupLevel('EVENT_TYPE', null, { sensorIds: ['s'] })).toBe('sensor');
    expect(rollupLevel('SENSOR', null, { eventTypes: ['X'] })).toBe('sensor');
    expect(rollupLevel('HOSTNAME', 'EVENT_TYPE', null)).toBe('sensor');
  });
});
