import { DropOldestBuffer } from '../../src/live/buffer';
import { LiveFeed, type LiveDelivery, type LiveMetrics } from '../../src/live/feed';
import { compileRowTest } from '../../src/live/match';
import { detectionFeedOf } from '../../src/live/detections';
import type { EventRow } from '../../src/graph/writer/rows';

function row(oid: string, n: number, props: Record<string, unknown> = {}): EventRow {
  return {
    uid: `${oid}/a${n}`,
    labels: [],
    props: { uid: `${oid}/a${n}`, oid, atom: `a${n}`, type: 'NEW_PROCESS', time: BigInt(1000 + n), raw: '{}', ...props },
    parentUid: null,
    parentAtom: null,
    targetUid: null,
    targetAtom: null,
    containerUid: null,
    indicators: [],
    sensor: null,
  };
}

function counters() {
  const c = { published: 0, delivered: 0, dropped: 0, subscriptions: 0 };
  const counter = (k: 'published' | 'delivered' | 'dropped') => ({ inc: (v = 1) => void (c[k] += v) });
  const metrics: LiveMetrics = {
    published: counter('published'),
    delivered: counter('delivered'),
    dropped: counter('dropped'),
    subscriptions: { inc: (v = 1) => void (c.subscriptions += v), dec: (v = 1) => void (c.subscriptions -= v) },
  };
  return { c, metrics };
}

async function drain(it: AsyncIterator<LiveDelivery>, n: number): Promise<LiveDelivery[]> {
  const out: LiveDelivery[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('DropOldestBuffer', () => {
  it('drops the oldest when full and charges the loss to the next entry in line', () => {
    const b = new DropOldestBuffer<number>(3);
    const dropped = [1, 2, 3, 4, 5].map((n) => b.push(n));
    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect([b.shift(), b.shift(), b.shift(), b.shift()]).toEqual([{ item: 3, droppedBefore: 2 }, { item: 4, droppedBefore: 0 }, { item: 5, droppedBefore: 0 }, undefined]);
  });

  it('with capacity 1 the newest entry carries every loss', () => {
    const b = new DropOldestBuffer<number>(1);
    [1, 2, 3].forEach((n) => b.push(n));
    expect(b.shift()).toEqual({ item: 3, droppedBefore: 2 });
  });

  it('refuses a capacity below 1 with a message', () => {
    expect(() => new DropOldestBuffer<number>(0)).toThrow(/at least 1/);
  });
});

describe('compileRowTest', () => {
  it('applies the org scope before the filter, so orgIds cannot widen it', () => {
    const test = compileRowTest({ orgIds: ['a', 'b'] }, ['a']);
    expect([test(row('a', 1)), test(row('b', 1))]).toEqual([true, false]);
  });

  it('matches types, time range (from inclusive, to exclusive), hostnames case-insensitively', () => {
    const test = compileRowTest({ eventTypes: ['NEW_PROCESS'], from: 1001n, to: 1003n, hostnames: ['WS-1'] }, null);
    const at = (n: number, props: Record<string, unknown> = {}) => test(row('a', n, { hostname: 'ws-1', ...props }));
    expect([at(0), at(1), at(2), at(3), at(1, { type: 'DNS_REQUEST' }), at(1, { hostname: 'ws-2' })]).toEqual([false, true, true, false, false, false]);
  });

  it('matches hunting fields with every op given, case-insensitive unless asked, over any of their properties', () => {
    const test = compileRowTest({ commandLine: { contains: '-ENC', startsWith: 'powershell' } }, null);
    expect(test(row('a', 1, { commandLine: 'PowerShell.exe -enc AAA' }))).toBe(true);
    expect(test(row('a', 1, { commandLine: 'cmd.exe -enc AAA' }))).toBe(false);
    expect(test(row('a', 1))).toBe(false);
    const sensitive = compileRowTest({ filePath: { endsWith: 'LSASS.EXE', caseSensitive: true } }, null);
    expect(sensitive(row('a', 1, { filePath: 'C:\\lsass.exe' }))).toBe(false);
    const ip = compileRowTest({ ip: { equals: '10.0.0.9' } }, null);
    expect([ip(row('a', 1, { dstIp: '10.0.0.9' })), ip(row('a', 1, { ip: ['1.1.1.1', '10.0.0.9'] })), ip(row('a', 1, { srcIp: '10.0.0.8' }))]).toEqual([true, true, false]);
    const hash = compileRowTest({ hash: { equals: 'ABC' } }, null);
    expect(hash(row('a', 1, { hashMd5: 'abc' }))).toBe(true);
  });
});

describe('compileRowTest: hosts by short name and the "any of" forms', () => {
  it('matches a host by its hostname in any case or by its short name, as the queries do', () => {
    const test = compileRowTest({ hostnames: ['WORKSTATION6'] }, null);
    const at = (hostname: string) => test(row('a', 1, { hostname }));
    expect([at('workstation6.theshire.local'), at('WORKSTATION6'), at('workstation66.theshire.local'), at('mordor.workstation6.local')]).toEqual([true, true, false, false]);
  });

  it('matches a list form when its operator holds for any value, beside the other operators', () => {
    const shells = compileRowTest({ filePath: { endsWithAny: ['\\cmd.exe', '\\POWERSHELL.EXE'] }, parentFilePath: { in: ['c:\\office\\winword.exe'] } }, null);
    const at = (filePath: string, parentFilePath: string) => shells(row('a', 1, { filePath, parentFilePath }));
    expect([
      at('C:\\Windows\\System32\\cmd.exe', 'C:\\Office\\WINWORD.EXE'),
      at('C:\\x\\powershell.exe', 'C:\\Office\\WINWORD.EXE'),
      at('C:\\x\\notepad.exe', 'C:\\Office\\WINWORD.EXE'),
      at('C:\\x\\cmd.exe', 'C:\\Office\\WINWORD.EXE.bak'),
    ]).toEqual([true, true, false, false]);
    const both = compileRowTest({ commandLine: { containsAny: ['-enc', 'iex'], startsWith: 'powershell' } }, null);
    expect([both(row('a', 1, { commandLine: 'powershell IEX(x)' })), both(row('a', 1, { commandLine: 'cmd /c iex' }))]).toEqual([true, false]);
    const sensitive = compileRowTest({ user: { in: ['SYSTEM'], caseSensitive: true } }, null);
    expect([sensitive(row('a', 1, { userName: 'SYSTEM' })), sensitive(row('a', 1, { userName: 'system' }))]).toEqual([true, false]);
  });
});

describe('LiveFeed', () => {
  it('delivers to each subscriber what its scope and filter admit, in order', async () => {
    const { c, metrics } = counters();
    const feed = new LiveFeed({ bufferEvents: 10, maxSubscriptions: 10, metrics });
    const a = feed.subscribe(null, ['a']);
    const all = feed.subscribe({ eventTypes: ['NEW_PROCESS'] }, null);
    feed.publish([row('a', 1), row('b', 2), row('a', 3, { type: 'DNS_REQUEST' })]);
    expect((await drain(a, 2)).map((d) => d.row.uid)).toEqual(['a/a1', 'a/a3']);
    expect((await drain(all, 2)).map((d) => d.row.uid)).toEqual(['a/a1', 'b/a2']);
    expect(c).toEqual({ published: 3, delivered: 4, dropped: 0, subscriptions: 2 });
  });

  it('keeps arrival order across the orgs and types a subscriber is indexed under, and never delivers twice', async () => {
    const feed = new LiveFeed({ bufferEvents: 10, maxSubscriptions: 10 });
    const sub = feed.subscribe({ orgIds: ['a', 'b', 'a'], eventTypes: ['NEW_PROCESS', 'DNS_REQUEST', 'NEW_PROCESS'] }, null);
    const any = feed.subscribe({ eventTypes: ['DNS_REQUEST'] }, null);
    const dns = { type: 'DNS_REQUEST' };
    feed.publish([row('b', 1, dns), row('a', 2), row('c', 3, dns), row('a', 4, dns), row('b', 5, { type: 'CODE_IDENTITY' }), row('b', 6)]);
    expect((await drain(sub, 4)).map((d) => d.row.uid)).toEqual(['b/a1', 'a/a2', 'a/a4', 'b/a6']);
    expect((await drain(any, 3)).map((d) => d.row.uid)).toEqual(['b/a1', 'c/a3', 'a/a4']);
    feed.close();
    expect(await sub.next()).toEqual({ value: undefined, done: true });
  });

  it('hands an event to a waiting reader at once', async () => {
    const feed = new LiveFeed({ bufferEvents: 10, maxSubscriptions: 10 });
    const sub = feed.subscribe(null, null);
    const pending = sub.next();
    feed.publish([row('a', 1)]);
    expect((await pending).value).toEqual({ row: expect.objectContaining({ uid: 'a/a1' }), droppedBefore: 0 });
  });

  it('never blocks the publisher: a subscriber that does not read loses its oldest events and learns how many', async () => {
    const { c, metrics } = counters();
    const feed = new LiveFeed({ bufferEvents: 5, maxSubscriptions: 10, metrics });
    const slow = feed.subscribe(null, null);
    for (let n = 0; n < 1000; n++) feed.publish([row('a', n)]);
    const got = await drain(slow, 5);
    expect(got.map((d) => d.row.uid)).toEqual(['a/a995', 'a/a996', 'a/a997', 'a/a998', 'a/a999']);
    expect(got[0]?.droppedBefore).toBe(995);
    expect(c.dropped).toBe(995);
  });

  it('caps subscriptions with LIMIT_EXCEEDED and frees a slot when one ends', async () => {
    const { c, metrics } = counters();
    const feed = new LiveFeed({ bufferEvents: 5, maxSubscriptions: 2, metrics });
    const first = feed.subscribe(null, null);
    feed.subscribe(null, ['a']);
    expect(() => feed.subscribe(null, null)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
    const pending = first.next();
    await first.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(c.subscriptions).toBe(1);
    expect(() => feed.subscribe(null, null)).not.toThrow();
    feed.close();
    expect(feed.subscriptions).toBe(0);
    expect(c.subscriptions).toBe(0);
  });

  it('counts eventAdded and detectionAdded against one per-key share, and frees it when either ends', async () => {
    const feed = new LiveFeed({ bufferEvents: 5, maxSubscriptions: 10, maxPerOwner: 2 });
    const detections = detectionFeedOf(feed);
    const events = feed.subscribe(null, null, 'key-1');
    const detected = detections.subscribe(null, null, 'key-1');
    expect(() => detections.subscribe(null, null, 'key-1')).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED', details: { max: 2, per: 'key' } }));
    expect(() => feed.subscribe(null, null, 'key-1')).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
    // Another key has its own share; auth off (no owner) is not counted.
    expect(() => detections.subscribe(null, null, 'key-2')).not.toThrow();
    expect(() => feed.subscribe(null, null, null)).not.toThrow();
    await detected.return?.();
    expect(() => feed.subscribe(null, null, 'key-1')).not.toThrow();
    await events.return?.();
    expect(() => detections.subscribe(null, null, 'key-1')).not.toThrow();
    feed.close();
    detections.close();
  });
});
