// lateralMovement and path against a real Neo4j, compared with what the attack capture implies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { withOrg } from '../helpers/graph';
import { ingestLines } from '../helpers/ingest';
import { graphqlRunner } from '../helpers/api';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { crossHostDistance, flowPairs } from '../helpers/routing-graph';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const dataset = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Rec);
const CONNECTIONS = ['NEW_TCP4_CONNECTION', 'NEW_TCP6_CONNECTION', 'NEW_UDP4_CONNECTION', 'NEW_UDP6_CONNECTION'];

describe('lateral movement and paths through GraphQL', () => {
  let runtime: Runtime;
  const org = uniqueOrg('lateral');
  const records = withOrg(dataset, org);

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)));
  });
  afterAll(async () => runtime.close());

  const run = graphqlRunner(() => runtime);

  it('finds the connections from one monitored host to another, and what started there right after', async () => {
    const hostIp = new Map<string, string>();
    for (const r of records) hostIp.set(r.routing['sid'] as string, r.routing['int_ip'] as string);
    const sidByIp = new Map([...hostIp].map(([sid, ip]) => [ip, sid]));
    const expected = records
      .filter((r) => CONNECTIONS.includes(r.routing['event_type'] as string))
      .map((r) => ({ r, dst: sidByIp.get((r.event['DESTINATION'] as { IP_ADDRESS?: string } | undefined)?.IP_ADDRESS ?? '') }))
      .filter((x) => x.dst && x.dst !== x.r.routing['sid'])
      .map(({ r, dst }) => {
        const t = r.routing['event_time'] as number;
        const started = records
          .filter((p) => ['NEW_PROCESS', 'EXISTING_PROCESS'].includes(p.routing['event_type'] as string) && p.routing['sid'] === dst)
          .filter((p) => (p.routing['event_time'] as number) >= t && (p.routing['event_time'] as number) <= t + 300_000)
          .map((p) => p.routing['this'] as string);
        return { atom: r.routing['this'] as string, dst, started: started.slice(0, 20).sort() };
      });
    expect(expected.length).toBeGreaterThan(0); // the capture is psexec from WORKSTATION5 to WORKSTATION6

    const result = await run(
      `query($o: [String!]) { lateralMovement(filter: { orgIds: $o }, windowSeconds: 300, first: 500) {
         sourceHost { hostname } destinationHost { sensorId hostname } connection { atom } sourceProcess { atom } processesStarted { atom } } }`,
      { o: [org] },
    );
    expect(result.errors).toBeUndefined();
    const got = (result.data?.['lateralMovement'] as { destinationHost: { sensorId: string }; connection: { atom: string }; processesStarted: { atom: string }[] }[]).map((m) => ({
      atom: m.connection.atom,
      dst: m.destinationHost.sensorId,
      started: m.processesStarted.map((p) => p.atom).sort(),
    }));
    const key = (x: { atom: string }) => x.atom;
    expect(got.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('finds the shortest chain between two events, as long as a search over the file finds', async () => {
    // Undirected adjacency over parent and target references, placeholders included.
    const adjacency = new Map<string, Set<string>>();
    const link = (a: string, b: string) => {
      adjacency.set(a, (adjacency.get(a) ?? new Set()).add(b));
      adjacency.set(b, (adjacency.get(b) ?? new Set()).add(a));
    };
    for (const r of records) {
      const me = r.routing['this'] as string;
      if (r.routing['parent']) link(me, r.routing['parent'] as string);
      if (r.routing['target']) link(me, r.routing['target'] as string);
    }
    const distances = (from: string) => {
      const seen = new Map([[from, 0]]);
      let frontier = [from];
      while (frontier.length > 0) {
        const next: string[] = [];
        for (const a of frontier) {
          for (const b of adjacency.get(a) ?? []) {
            if (seen.has(b)) continue;
            seen.set(b, seen.get(a)! + 1);
            next.push(b);
          }
        }
        frontier = next;
      }
      return seen;
    };
    const distance = (from: string, to: string) => distances(from).get(to);
    // A pair of stored events as far apart as possible within 12 hops, so the search has real work to do.
    const stored = new Set(records.map((r) => r.routing['this'] as string));
    let from = '';
    let to = '';
    let best = 0;
    for (const a of [...stored].slice(0, 400)) {
      for (const [b, d] of distances(a)) if (stored.has(b) && d <= 12 && d > best) [from, to, best] = [a, b, d];
    }
    const expected = distance(from, to);
    expect(expected).toBeGreaterThanOrEqual(3);
    const result = await run(`query($a: ID!, $b: ID!, $o: String) { path(from: $a, to: $b, orgId: $o, maxHops: 12) { length events { atom } steps { relationship fromAtom toAtom } } }`, { a: from, b: to, o: org });
    expect(result.errors).toBeUndefined();
    const p = result.data?.['path'] as { length: number; events: { atom: string }[]; steps: unknown[] } | null;
    expect(p?.length).toBe(expected);
    expect(p?.events[0]?.atom).toBe(from);
    expect(p?.events[p.events.length - 1]?.atom).toBe(to);
    expect(p?.steps).toHaveLength(expected!);
    const none = await run(`query($a: ID!, $b: ID!, $o: String) { path(from: $a, to: $b, orgId: $o, maxHops: ${expected! - 1}) { length } }`, { a: from, b: to, o: org });
    expect(none.data?.['path']).toBeNull();
  });

  it('crosses from one host to the other over a flow both sensors reported, as a search over the file finds', async () => {
    const pairs = flowPairs(records);
    expect(pairs.length).toBeGreaterThan(0); // WORKSTATION5 -> WORKSTATION6 (SMB, RPC), seen from both ends
    // The processes behind a flow on each side where both were sent (placeholders have no host),
    // so the chain needs hops on both hosts; else the two connection events themselves.
    const stored = new Set(records.map((r) => r.routing['this'] as string));
    const sent = (r: Rec) => stored.has(r.routing['parent'] as string);
    const { from: out, to: inbound } = pairs.find((x) => sent(x.from) && sent(x.to)) ?? pairs[0]!;
    const from = (sent(out) ? out.routing['parent'] : out.routing['this']) as string;
    const to = (sent(inbound) ? inbound.routing['parent'] : inbound.routing['this']) as string;
    const expected = crossHostDistance(records, from, to, 12);
    expect(expected).toBeDefined();
    const result = await run(
      `query($a: ID!, $b: ID!, $o: String) { path(from: $a, to: $b, orgId: $o, maxHops: 12) { length events { atom } steps { relationship fromAtom toAtom } } }`,
      { a: from, b: to, o: org },
    );
    expect(result.errors).toBeUndefined();
    const p = result.data?.['path'] as { length: number; events: { atom: string }[]; steps: { relationship: string; fromAtom: string; toAtom: string }[] };
    expect(p.length).toBe(expected);
    expect(p.events[0]?.atom).toBe(from);
    expect(p.events[p.events.length - 1]?.atom).toBe(to);
    expect(p.steps.filter((x) => x.relationship === 'FLOW')).toHaveLength(1);
  });

  it('refuses an unbounded search', async () => {
    const result = await run(`{ path(from: "a", to: "b", maxHops: 1000) { length } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
  });
});
