/**
 * A clean run (no wrinkles) checked event by event: every line is accepted by ingest; every
 * catalogue type appears; bodies use only the fields the catalogue describes; routing looks like
 * LimaCharlie's; parents and targets point at processes of the same host.
 */
import { allEventTypes, eventTypeSpec } from '../../../src/catalogue';
import { normalizeRecord } from '../../../src/ingest/normalize';
import { parseJson } from '../../../src/domain/json';
import { undescribedKeys } from '../catalogue/undescribed';
import { asRecord, byAtom, cleanRun, type Event, isProcess, parseLine, type Run } from './helpers';

let clean: Run;
let events: Event[];
let atoms: Map<string, Event>;

beforeAll(async () => {
  clean = await cleanRun({ hosts: 8, orgs: 2, events: 8_000, seed: 'catalogue' });
  events = clean.lines.map(parseLine);
  atoms = byAtom(events);
});

describe('generate: a clean run', () => {
  it('has about the number of events asked for, every line one event', () => {
    expect(clean.truth.summary.events).toBeGreaterThanOrEqual(8_000);
    expect(clean.truth.summary.events).toBeLessThan(8_500);
    expect(clean.lines).toHaveLength(clean.truth.summary.lines);
    expect(clean.truth.summary.eventsSent).toBe(clean.lines.length);
  });

  it('passes ingest: every line parses and normalises', () => {
    const rejected: string[] = [];
    for (const line of clean.lines) {
      const parsed = parseJson(line);
      const result = parsed.ok ? normalizeRecord(parsed.value) : { ok: false as const, reason: parsed.reason };
      if (!result.ok && rejected.length < 5) rejected.push(`${result.reason}: ${line.slice(0, 300)}`);
    }
    expect(rejected).toEqual([]);
  });

  it('contains every event type of the catalogue, those from the seeds included', () => {
    const seen = new Set(events.map((e) => e.type));
    const missing = allEventTypes()
      .map((t) => t.name)
      .filter((name) => !seen.has(name));
    expect(missing).toEqual([]);
    expect(allEventTypes().filter((t) => t.basis === 'seed').length).toBeGreaterThan(30);
  });

  it('uses only the body fields the catalogue describes (for the types it describes)', () => {
    const problems = new Set<string>();
    for (const e of events) {
      const spec = eventTypeSpec(e.type);
      if (!spec || spec.basis === 'none') continue;
      for (const key of undescribedKeys(spec.fields, e.event, e.type)) problems.add(key.replace(/\[\d+\]/g, '[]'));
    }
    expect([...problems]).toEqual([]);
  });

  it('writes routing as LimaCharlie does: atoms, event ids, times, platform codes, addresses', () => {
    const plats = new Set<unknown>();
    const problems = new Set<string>();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const e of events) {
      const r = e.routing;
      if (e.atom === undefined ? !['RECEIPT', 'CLOUD_NOTIFICATION'].includes(e.type) : !/^[0-9a-f]{32}$/.test(e.atom)) problems.add(`${e.type}: atom ${String(e.atom)}`);
      if (!uuid.test(String(r['event_id']))) problems.add(`${e.type}: event_id ${String(r['event_id'])}`);
      if (!Number.isSafeInteger(r['event_time'])) problems.add(`${e.type}: event_time ${String(r['event_time'])}`);
      if (![1, 2, 3, 4].includes(r['arch'] as number)) problems.add(`arch ${String(r['arch'])}`);
      plats.add(r['plat']);
    }
    expect([...problems]).toEqual([]);
    expect([...plats].sort()).toEqual([0x10000000, 0x20000000, 0x30000000]);
  });

  it('gives each sensor its own sid, hostname and private address within its org', () => {
    const hosts = new Map<string, { oid: string; hostname: string; ip: string }>();
    for (const e of events) hosts.set(e.sid, { oid: String(e.routing['oid']), hostname: String(e.routing['hostname']), ip: String(e.routing['int_ip']) });
    expect(hosts.size).toBe(8);
    const perOrg = (field: 'hostname' | 'ip') => new Set([...hosts.values()].map((h) => `${h.oid}/${h[field]}`)).size;
    expect(perOrg('hostname')).toBe(8);
    expect(perOrg('ip')).toBe(8);
    for (const h of hosts.values()) expect(h.ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(new Set([...hosts.values()].map((h) => h.oid)).size).toBe(2);
  });

  it('has a body TIMESTAMP on most events, in seconds for the classic types and milliseconds for the rest', () => {
    const units = new Set<string>();
    let withTimestamp = 0;
    for (const e of events) {
      const ts = e.event['TIMESTAMP'];
      if (typeof ts !== 'number') continue;
      withTimestamp += 1;
      units.add(ts < 1e11 ? 'seconds' : 'milliseconds');
      if (ts < 1e11) expect(Math.abs(ts * 1000 - e.time)).toBeLessThan(1000);
    }
    expect(units).toEqual(new Set(['seconds', 'milliseconds']));
    expect(withTimestamp / events.length).toBeGreaterThan(0.95);
  });

  it('gives every top-level event its own atom', () => {
    const withAtom = events.filter((e) => e.atom !== undefined);
    expect(atoms.size).toBe(withAtom.length);
  });

  it("sets NEW_PROCESS's PARENT.THIS_ATOM to routing.parent and PARENT.PARENT_ATOM to the grandparent", () => {
    let checked = 0;
    for (const e of events) {
      if (!isProcess(e) || e.parent === undefined) continue;
      const parent = asRecord(e.event['PARENT']);
      expect(parent['THIS_ATOM']).toBe(e.parent);
      const parentEvent = atoms.get(e.parent);
      expect(isProcess(parentEvent)).toBe(true);
      expect(parent['PARENT_ATOM']).toBe(parentEvent?.parent);
      expect(parent['PROCESS_ID']).toBe(e.event['PARENT_PROCESS_ID']);
      expect(parent['PROCESS_ID']).toBe(parentEvent?.event['PROCESS_ID']);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('hangs every other event with a parent off a process of the same host (and the PIDs agree)', () => {
    const wrong: string[] = [];
    for (const e of events) {
      if (isProcess(e) || e.parent === undefined) continue;
      const parent = atoms.get(e.parent);
      if (!isProcess(parent) || parent?.sid !== e.sid) wrong.push(`${e.type} -> ${parent?.type ?? 'nothing'}`);
      const pid = e.type === 'NEW_REMOTE_THREAD' || e.type === 'REMOTE_PROCESS_HANDLE' ? e.event['PARENT_PROCESS_ID'] : e.event['PROCESS_ID'];
      if (typeof pid === 'number' && pid !== parent?.event['PROCESS_ID']) wrong.push(`${e.type}: PID ${pid} under process ${String(parent?.event['PROCESS_ID'])}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('points routing.target at a process of the same host', () => {
    const targeted = events.filter((e) => e.target !== undefined);
    expect(new Set(targeted.map((e) => e.type))).toEqual(new Set(['NEW_REMOTE_THREAD', 'REMOTE_PROCESS_HANDLE', 'THREAD_INJECTION', 'SENSITIVE_PROCESS_ACCESS']));
    for (const e of targeted) {
      const target = atoms.get(e.target as string);
      expect(isProcess(target) && target?.sid === e.sid).toBe(true);
    }
  });

  it('gives system binaries one hash on every host of a platform, and rare tools few hosts', () => {
    const hashHosts = new Map<string, Set<string>>();
    const pathHashes = new Map<string, Set<string>>();
    for (const e of events) {
      if (e.type !== 'CODE_IDENTITY') continue;
      const hash = String(e.event['HASH']);
      const path = String(e.event['FILE_PATH']);
      if (!hashHosts.has(hash)) hashHosts.set(hash, new Set());
      hashHosts.get(hash)?.add(e.sid);
      if (!pathHashes.has(path)) pathHashes.set(path, new Set());
      pathHashes.get(path)?.add(hash);
    }
    const windowsHosts = new Set(events.filter((e) => e.routing['plat'] === 0x10000000).map((e) => e.sid));
    const lsass = pathHashes.get('C:\\Windows\\System32\\lsass.exe');
    expect(lsass?.size).toBe(1);
    expect(hashHosts.get([...(lsass ?? [])][0] ?? '')).toEqual(windowsHosts);
    const counts = [...hashHosts.values()].map((s) => s.size);
    expect(counts.filter((n) => n === 1).length).toBeGreaterThan(0);
    expect(counts.filter((n) => n >= windowsHosts.size).length).toBeGreaterThan(20);
  });
});
