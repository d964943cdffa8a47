// sightings and prevalence against a real Neo4j, compared with what the file implies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { withOrg } from '../helpers/graph';
import { ingestLines } from '../helpers/ingest';
import { graphqlRunner } from '../helpers/api';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const dataset = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Rec);

describe('sightings and prevalence through GraphQL', () => {
  let runtime: Runtime;
  const orgA = uniqueOrg('sightA');
  const orgB = uniqueOrg('sightB');
  const hosts = new Set(dataset.map((r) => r.routing['sid'] as string));

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    for (const org of [orgA, orgB]) await ingestLines(runtime.executor, withOrg(dataset, org).map((r) => JSON.stringify(r)));
  });
  afterAll(async () => runtime.close());

  const run = graphqlRunner(() => runtime);

  /** Per host: events whose HASH is h (NEW_PROCESS and MODULE_LOAD carry it), first and last time. */
  function expectedFor(hash: string) {
    const per = new Map<string, { count: number; first: number; last: number }>();
    for (const r of dataset) {
      if (typeof r.event['HASH'] !== 'string' || r.event['HASH'].toLowerCase() !== hash.toLowerCase()) continue;
      const sid = r.routing['sid'] as string;
      const t = r.routing['event_time'] as number;
      const cur = per.get(sid) ?? { count: 0, first: t, last: t };
      per.set(sid, { count: cur.count + 1, first: Math.min(cur.first, t), last: Math.max(cur.last, t) });
    }
    return per;
  }

  it('lists the hosts that saw a hash, with counts and first/last seen, in one org', async () => {
    // The hash seen on the most hosts in the file, then by most events.
    const hashes = [...new Set(dataset.map((r) => r.event['HASH']).filter((h): h is string => typeof h === 'string' && h.length > 0))];
    const hash = hashes.sort((a, b) => expectedFor(b).size - expectedFor(a).size || [...expectedFor(b).values()][0]!.count - [...expectedFor(a).values()][0]!.count)[0]!;
    const expected = expectedFor(hash);
    const result = await run(
      `query($v: String!, $o: String) { sightings(kind: HASH, value: $v, orgId: $o) { totalCount nodes { orgId sensorId hostname count firstSeen lastSeen events(first: 3) { totalCount nodes { atom } } } } }`,
      { v: hash.toUpperCase(), o: orgA },
    );
    expect(result.errors).toBeUndefined();
    const c = result.data?.['sightings'] as { totalCount: number; nodes: { orgId: string; sensorId: string; count: number; firstSeen: string; lastSeen: string; events: { totalCount: number } }[] };
    expect(c.totalCount).toBe(expected.size);
    for (const s of c.nodes) {
      const e = expected.get(s.sensorId)!;
      expect(s.orgId).toBe(orgA);
      expect(s).toMatchObject({ count: e.count, firstSeen: new Date(e.first).toISOString(), lastSeen: new Date(e.last).toISOString() });
      expect(s.events.totalCount).toBe(e.count);
    }
  });

  it('pages the hosts earliest first from its cursors, and counts them only when totalCount is asked for', async () => {
    // Five hosts of a fresh org saw one hash; two at the same time (the key breaks the tie).
    const org = uniqueOrg('sightpage');
    const v = 'ab'.repeat(32);
    const lines = [3, 1, 2, 2, 5].map((t, i) =>
      JSON.stringify({ routing: { oid: org, sid: `sensor-${i}`, hostname: `h${i}`, event_type: 'NEW_PROCESS', event_time: 1_700_000_000_000 + t * 1000, this: `${i}`.repeat(32).slice(0, 32) }, event: { FILE_PATH: 'C:\\x.exe', HASH: v } }),
    );
    await ingestLines(runtime.executor, lines);
    const queries: string[] = [];
    const stop = runtime.executor.observe(({ name }) => queries.push(name));
    try {
      const all = await run(`query($v: String!, $o: String) { sightings(kind: HASH, value: $v, orgId: $o, first: 500) { totalCount nodes { sensorId firstSeen } } }`, { v, o: org });
      const c = all.data?.['sightings'] as { totalCount: number; nodes: { sensorId: string; firstSeen: string }[] };
      expect(c.nodes.length).toBe(c.totalCount);
      expect(c.nodes.map((n) => n.sensorId)).toEqual(['sensor-1', 'sensor-2', 'sensor-3', 'sensor-0', 'sensor-4']);
      expect(c.nodes.map((n) => n.firstSeen)).toEqual([...c.nodes.map((n) => n.firstSeen)].sort());
      expect(queries).toContain('sightings total');
      queries.length = 0;
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 50; i++) {
        const page = await run(`query($v: String!, $o: String, $a: String) { sightings(kind: HASH, value: $v, orgId: $o, first: 2, after: $a) { nodes { sensorId } pageInfo { hasNextPage endCursor } } }`, { v, o: org, a: after });
        expect(page.errors).toBeUndefined();
        const p = page.data?.['sightings'] as { nodes: { sensorId: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        seen.push(...p.nodes.map((n) => n.sensorId));
        if (!p.pageInfo.hasNextPage) break;
        after = p.pageInfo.endCursor;
      }
      expect(seen).toEqual(c.nodes.map((n) => n.sensorId));
      expect(queries).toContain('sightings page');
      expect(queries).not.toContain('sightings total');
    } finally {
      stop();
    }
  });

  it('sees both orgs without an org filter, and never mixes their hosts', async () => {
    const dns = dataset.find((r) => r.routing['event_type'] === 'DNS_REQUEST')!;
    const domain = dns.event['DOMAIN_NAME'] as string;
    const hostsWith = new Set(dataset.filter((r) => r.event['DOMAIN_NAME'] === domain).map((r) => r.routing['sid']));
    // Other suites load the same capture into their own orgs in parallel: look at ours only.
    const result = await run(`query($v: String!) { sightings(kind: DOMAIN, value: $v, first: 500) { totalCount nodes { orgId sensorId events { nodes { orgId } } } } }`, { v: `${domain}.` });
    const c = result.data?.['sightings'] as { totalCount: number; nodes: { orgId: string; sensorId: string; events: { nodes: { orgId: string }[] } }[] };
    for (const org of [orgA, orgB]) {
      const mine = c.nodes.filter((n) => n.orgId === org);
      expect(new Set(mine.map((n) => n.sensorId))).toEqual(hostsWith);
      for (const n of mine) for (const e of n.events.nodes) expect(e.orgId).toBe(org);
    }
  });

  it('lists the hashes first seen since a time, newest first, with their host counts', async () => {
    const firstTime = new Map<string, { t: number; hosts: Set<string> }>();
    for (const r of dataset) {
      const h = r.event['HASH'];
      if (typeof h !== 'string' || !h) continue;
      const key = h.toLowerCase();
      const cur = firstTime.get(key) ?? { t: Infinity, hosts: new Set<string>() };
      cur.t = Math.min(cur.t, r.routing['event_time'] as number);
      cur.hosts.add(r.routing['sid'] as string);
      firstTime.set(key, cur);
    }
    const times = [...firstTime.values()].map((v) => v.t).sort((a, b) => a - b);
    const since = times[Math.floor(times.length / 2)]!;
    const expected = [...firstTime].filter(([, v]) => v.t >= since).sort((a, b) => b[1].t - a[1].t || a[0].localeCompare(b[0]));
    const result = await run(`query($s: DateTime!, $o: String) { firstSeen(kind: HASH, since: $s, orgId: $o, limit: 500) { totalCount hasMore nodes { value firstSeen hosts } } }`, { s: new Date(since).toISOString(), o: orgA });
    expect(result.errors).toBeUndefined();
    const all = expected.map(([value, v]) => ({ value, firstSeen: new Date(v.t).toISOString(), hosts: v.hosts.size }));
    expect(result.data?.['firstSeen']).toEqual({ totalCount: all.length, hasMore: false, nodes: all });
    // Cut at its limit, it says so and how many there are.
    const cut = await run(`query($s: DateTime!, $o: String) { firstSeen(kind: HASH, since: $s, orgId: $o, limit: 3) { totalCount hasMore nodes { value } } }`, { s: new Date(since).toISOString(), o: orgA });
    expect(all.length).toBeGreaterThan(3);
    expect(cut.data?.['firstSeen']).toEqual({ totalCount: all.length, hasMore: true, nodes: all.slice(0, 3).map(({ value }) => ({ value })) });
  });

  it('counts hosts as sensors: the same hostnames in two orgs are twice the hosts', async () => {
    // A key of both orgs: every host of the capture is there twice, with the same name and sensor id.
    const both = graphqlRunner(() => runtime, undefined, { keyId: 'k', orgs: [orgA, orgB], role: 'reader' });
    const hash = dataset.find((r) => r.routing['event_type'] === 'NEW_PROCESS' && typeof r.event['HASH'] === 'string')!.event['HASH'] as string;
    const expected = expectedFor(hash);
    const result = await both(`query($v: String!) { prevalence(kind: HASH, value: $v) { hosts totalHosts } firstSeen(kind: HASH, since: "1970-01-01T00:00:00Z", limit: 500) { nodes { value hosts } } }`, { v: hash });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['prevalence']).toEqual({ hosts: 2 * expected.size, totalHosts: 2 * hosts.size });
    // firstSeen is per org: each org's indicator counts its own hosts.
    const mine = (result.data?.['firstSeen'] as { nodes: { value: string; hosts: number }[] }).nodes.filter((n) => n.value === hash.toLowerCase());
    expect(mine).toEqual([{ value: hash.toLowerCase(), hosts: expected.size }, { value: hash.toLowerCase(), hosts: expected.size }]);
  });

  it('says how rare a value is: hosts that saw it out of hosts in scope', async () => {
    const hash = dataset.find((r) => r.routing['event_type'] === 'NEW_PROCESS' && typeof r.event['HASH'] === 'string')!.event['HASH'] as string;
    const expected = expectedFor(hash);
    const result = await run(`query($v: String!, $o: String) { prevalence(kind: HASH, value: $v, orgId: $o) { hosts totalHosts ratio events } }`, { v: hash, o: orgA });
    expect(result.data?.['prevalence']).toEqual({
      hosts: expected.size,
      totalHosts: hosts.size,
      ratio: expected.size / hosts.size,
      events: [...expected.values()].reduce((n, e) => n + e.count, 0),
    });
    const none = await run(`{ prevalence(kind: DOMAIN, value: "never.seen.example") { hosts ratio } }`);
    expect(none.data?.['prevalence']).toEqual({ hosts: 0, ratio: 0 });
  });
});
