// lateralMovement and path against a real Neo4j, compared with what the attack capture implies.
import { randomUUID } from 'node:crypto';
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

describe('lateral movement and paths through GraphQL', () => {
  let runtime: Runtime;
  const org = uniqueOrg('lateral');
  const records = withOrg(dataset, org);

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)));
  }, 180_000);
  afterAll(async () => runtime.close());

  const run = graphqlRunner(() => runtime);

  type Endpoint = { IP_ADDRESS?: string; PORT?: number };
  const ends = (r: Rec) => ({ s: (r.event['SOURCE'] ?? {}) as Endpoint, d: (r.event['DESTINATION'] ?? {}) as Endpoint });
  const time = (r: Rec) => r.routing['event_time'] as number;
  const atom = (r: Rec) => r.routing['this'] as string;
  /** The other sensor's report of r's flow, as the file shows it: same endpoints in either direction, nearest in time. */
  const reportOf = (all: readonly Rec[], r: Rec): Rec | undefined => {
    const { s, d } = ends(r);
    const same = (x: Rec) => {
      const e = ends(x);
      const forward = e.s.IP_ADDRESS === s.IP_ADDRESS && e.s.PORT === s.PORT && e.d.IP_ADDRESS === d.IP_ADDRESS && e.d.PORT === d.PORT;
      const back = e.s.IP_ADDRESS === d.IP_ADDRESS && e.s.PORT === d.PORT && e.d.IP_ADDRESS === s.IP_ADDRESS && e.d.PORT === s.PORT;
      return forward || back;
    };
    return all
      .filter((x) => x.routing['event_type'] === r.routing['event_type'] && x.routing['sid'] !== r.routing['sid'] && same(x) && Math.abs(time(x) - time(r)) <= 300_000)
      .sort((a, b) => Math.abs(time(a) - time(r)) - Math.abs(time(b) - time(r)))[0];
  };

  const LATERAL = `query($o: [String!], $p: [NetworkProtocol!]) { lateralMovement(filter: { orgIds: $o }, protocols: $p, first: 20) {
     sourceHost { hostname } destinationHost { sensorId hostname } connection { atom eventTime } sourceProcess { atom }
     destinationConnection { atom eventTime } acceptingProcess { __typename atom } destinationTime clockOffsetMs
     startedThere(first: 100) { totalCount pageInfo { hasNextPage } edges { reason offsetMs node { atom eventTime } } }
     processesStarted { atom } } }`;
  type Row = {
    destinationHost: { sensorId: string };
    connection: { atom: string; eventTime: string };
    destinationConnection: { atom: string } | null;
    acceptingProcess: { __typename: string; atom: string } | null;
    destinationTime: string;
    clockOffsetMs: string | null;
    startedThere: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { reason: string; offsetMs: number; node: { atom: string } }[] };
    processesStarted: { atom: string }[];
  };

  it('names the destination report of each connection, its accepting process and what started there, on the destination clock', async () => {
    const sidByIp = new Map(records.map((r) => [r.routing['int_ip'] as string, r.routing['sid'] as string]));
    const tcp = records.filter((r) => ['NEW_TCP4_CONNECTION', 'NEW_TCP6_CONNECTION'].includes(r.routing['event_type'] as string));
    const sources = tcp.filter((r) => {
      const dst = sidByIp.get(ends(r).d.IP_ADDRESS ?? '');
      return dst !== undefined && dst !== r.routing['sid'];
    });
    expect(sources.length).toBeGreaterThan(0); // psexec from WORKSTATION5 to WORKSTATION6: RPC 135, then svcctl on a dynamic port
    const processes = records.filter((r) => ['NEW_PROCESS', 'EXISTING_PROCESS'].includes(r.routing['event_type'] as string));
    const parentOf = new Map(records.map((r) => [atom(r), r.routing['parent'] as string | undefined]));
    const descends = (p: string, ancestor: string) => {
      let cur = parentOf.get(p);
      for (let i = 0; i < 8 && cur; i++, cur = parentOf.get(cur)) if (cur === ancestor) return true;
      return false;
    };
    const expected = sources.map((r) => {
      const dst = sidByIp.get(ends(r).d.IP_ADDRESS ?? '') as string;
      const report = reportOf(tcp, r);
      const anchor = report ? time(report) : time(r);
      const accepting = report?.routing['parent'] as string | undefined;
      const started = processes
        .filter((p) => p.routing['sid'] === dst && time(p) >= anchor - 60_000 && time(p) <= anchor + 300_000)
        .map((p) => ({ atom: atom(p), reason: accepting && descends(atom(p), accepting) ? 'DESCENDANT_OF_ACCEPTING_PROCESS' : 'STARTED_IN_WINDOW', offsetMs: time(p) - anchor, t: time(p) }))
        .sort((a, b) => (a.reason === b.reason ? a.t - b.t || a.atom.localeCompare(b.atom) : a.reason === 'DESCENDANT_OF_ACCEPTING_PROCESS' ? -1 : 1))
        .map(({ t: _t, ...x }) => x);
      return { atom: atom(r), dst, report: report ? atom(report) : null, accepting: accepting ?? null, started };
    });
    expect(expected.every((x) => x.report !== null)).toBe(true); // WORKSTATION6 reported both flows

    const result = await run(LATERAL, { o: [org] });
    expect(result.errors).toBeUndefined();
    const rows = result.data?.['lateralMovement'] as Row[];
    const got = rows.map((m) => ({
      atom: m.connection.atom,
      dst: m.destinationHost.sensorId,
      report: m.destinationConnection?.atom ?? null,
      accepting: m.acceptingProcess?.atom ?? null,
      started: m.startedThere.edges.map((e) => ({ atom: e.node.atom, reason: e.reason, offsetMs: e.offsetMs })),
    }));
    const byAtom = (a: { atom: string }, b: { atom: string }) => a.atom.localeCompare(b.atom);
    expect(got.sort(byAtom)).toEqual(expected.sort(byAtom));
    for (const m of rows) {
      expect(m.startedThere.totalCount).toBe(m.startedThere.edges.length);
      expect(m.startedThere.pageInfo.hasNextPage).toBe(false);
      expect(Number(m.clockOffsetMs)).toBe(Date.parse(m.destinationTime) - Date.parse(m.connection.eventTime));
    }
  });

  it('finds the psexec service process on the destination, though the destination clock puts it before the source connection', async () => {
    // From the file alone: the service the psexec connection made WORKSTATION6's services.exe start.
    const ws6 = records.find((r) => (r.routing['hostname'] as string).startsWith('workstation6'))!.routing['sid'] as string;
    const ws5 = records.find((r) => (r.routing['hostname'] as string).startsWith('workstation5'))!.routing['sid'] as string;
    const ws6Ip = records.find((r) => r.routing['sid'] === ws6)!.routing['int_ip'] as string;
    const service = records.find(
      (r) => r.routing['event_type'] === 'NEW_PROCESS' && r.routing['sid'] === ws6 && /\\services\.exe$/i.test(((r.event['PARENT'] ?? {}) as { FILE_PATH?: string }).FILE_PATH ?? ''),
    )!;
    expect(service).toBeDefined();
    const servicesAtom = service.routing['parent'] as string;
    // The destination's inbound connection owned by services.exe, and the source's report of that flow.
    const inbound = records.find((r) => r.routing['sid'] === ws6 && r.routing['event_type'] === 'NEW_TCP4_CONNECTION' && r.routing['parent'] === servicesAtom)!;
    expect(inbound).toBeDefined();
    const source = reportOf(records, inbound)!;
    expect(source.routing['sid']).toBe(ws5);
    expect(ends(source).d.IP_ADDRESS).toBe(ws6Ip);
    // Why a window after the source's clock misses it: the destination's clock is behind.
    expect(time(service)).toBeLessThan(time(source));

    const result = await run(LATERAL, { o: [org] });
    expect(result.errors).toBeUndefined();
    const row = (result.data?.['lateralMovement'] as Row[]).find((m) => m.connection.atom === atom(source))!;
    expect(row).toBeDefined();
    expect(row.destinationHost.sensorId).toBe(ws6);
    expect(row.destinationConnection?.atom).toBe(atom(inbound));
    expect(row.acceptingProcess).toEqual({ __typename: 'MissingEvent', atom: servicesAtom }); // services.exe predates the capture
    expect(row.startedThere.edges[0]).toEqual({ reason: 'DESCENDANT_OF_ACCEPTING_PROCESS', offsetMs: time(service) - time(inbound), node: { atom: atom(service), eventTime: new Date(time(service)).toISOString() } });
    expect(row.processesStarted.map((p) => p.atom)).toContain(atom(service));
  });

  it('finds wsmprovhost.exe on the destination of PowerShell remoting, started before the source\'s clock says it connected', async () => {
    const remoting = withOrg(
      readFileSync(join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psremoting.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Rec),
      uniqueOrg('psremoting'),
    );
    await ingestLines(runtime.executor, remoting.map((r) => JSON.stringify(r)));
    const oid = remoting[0]!.routing['oid'] as string;
    // From the file: the WinRM host process on the destination, and the first WinRM flow before it as each side reported it.
    const wsmprovhost = remoting.find((r) => r.routing['event_type'] === 'NEW_PROCESS' && /\\wsmprovhost\.exe$/i.test(r.event['FILE_PATH'] as string))!;
    const dst = wsmprovhost.routing['sid'] as string;
    const inbound = remoting
      .filter((r) => r.routing['sid'] === dst && r.routing['event_type'] === 'NEW_TCP4_CONNECTION' && ends(r).d.PORT === 5985 && time(r) <= time(wsmprovhost))
      .sort((a, b) => time(b) - time(a))[0]!;
    const source = reportOf(remoting, inbound)!;
    expect(source.routing['sid']).not.toBe(dst);
    expect(time(wsmprovhost)).toBeLessThan(time(source));
    const result = await run(
      `query($o: [String!]) { lateralMovement(filter: { orgIds: $o, destinationPorts: [5985] }, first: 20) {
         connection { atom } destinationConnection { atom } acceptingProcess { __typename atom }
         startedThere(first: 20) { edges { reason offsetMs node { atom } } } } }`,
      { o: [oid] },
    );
    expect(result.errors).toBeUndefined();
    const row = (result.data?.['lateralMovement'] as Row[]).find((m) => m.connection.atom === atom(source))!;
    expect(row.destinationConnection?.atom).toBe(atom(inbound));
    expect(row.acceptingProcess?.atom).toBe(inbound.routing['parent']);
    expect(row.startedThere.edges).toContainEqual({ reason: 'STARTED_IN_WINDOW', offsetMs: time(wsmprovhost) - time(inbound), node: { atom: atom(wsmprovhost) } });
  });

  it('gives each connection the other host\'s report of its flow as peer, and none to flows only one host reported', async () => {
    const tcp = records.filter((r) => ['NEW_TCP4_CONNECTION', 'NEW_UDP4_CONNECTION'].includes(r.routing['event_type'] as string));
    const expected = new Map(tcp.map((r) => [atom(r), reportOf(tcp, r) ? atom(reportOf(tcp, r)!) : null]));
    expect([...expected.values()].filter((x) => x !== null).length).toBeGreaterThanOrEqual(2);
    expect([...expected.values()].filter((x) => x === null).length).toBeGreaterThanOrEqual(1);
    const result = await run(
      `query($o: [String!]) { events(filter: { orgIds: $o, eventTypes: ["NEW_TCP4_CONNECTION", "NEW_UDP4_CONNECTION"] }, first: 100) {
         nodes { atom ... on NewTcp4Connection { peer { atom } } ... on NewUdp4Connection { peer { atom } } } } }`,
      { o: [org] },
    );
    expect(result.errors).toBeUndefined();
    const nodes = (result.data?.['events'] as { nodes: { atom: string; peer: { atom: string } | null }[] }).nodes;
    expect(new Map(nodes.map((n) => [n.atom, n.peer?.atom ?? null]))).toEqual(expected);
  });

  describe('on a small hand-made network: a domain controller and two workstations', () => {
    const net = uniqueOrg('lateral-net');
    const T = Date.UTC(2024, 3, 1, 9);
    const host = (name: string, ip: string) => ({ sid: randomUUID(), hostname: `${name}.corp.example`, ip });
    const dc = host('DC01', '10.9.0.1');
    const ws1 = host('WS01', '10.9.0.11');
    const ws2 = host('WS02', '10.9.0.12');
    let n = 0;
    const ev = (h: typeof dc, type: string, t: number, event: Record<string, unknown>, parent?: string) => {
      n += 1;
      const a = `${n.toString(16).padStart(8, '0')}${'ab'.repeat(12)}`;
      return { routing: { oid: net, sid: h.sid, hostname: h.hostname, int_ip: h.ip, event_type: type, event_time: t, event_id: randomUUID(), this: a, ...(parent ? { parent } : {}) }, event };
    };
    const conn = (h: typeof dc, type: string, t: number, s: [string, number], d: [string, number], parent?: string) =>
      ev(h, type, t, { SOURCE: { IP_ADDRESS: s[0], PORT: s[1] }, DESTINATION: { IP_ADDRESS: d[0], PORT: d[1] }, TIMESTAMP: t }, parent);
    // WS01 asks the DC for a name (UDP 53) and gets the answer, reported by both; the DC's sensor
    // reports its answer as a flow of its own from port 53.
    const dnsQuery = conn(ws1, 'NEW_UDP4_CONNECTION', T, [ws1.ip, 51000], [dc.ip, 53]);
    const dnsReply = conn(dc, 'NEW_UDP4_CONNECTION', T + 20, [dc.ip, 53], [ws1.ip, 51000]);
    // Kerberos reply over TCP, reported by the DC from its service port: not an initiation either.
    const kerberosReply = conn(dc, 'NEW_TCP4_CONNECTION', T + 40, [dc.ip, 88], [ws1.ip, 51001]);
    // WS01 -> WS02 over WinRM; WS02's clock is 2.5 s behind and its sensor reports the flow swapped
    // (local side first), owned by a listener whose child starts "before" the source's connection.
    const listener = ev(ws2, 'NEW_PROCESS', T - 3_600_000, { FILE_PATH: 'C:\\Windows\\System32\\svchost.exe', COMMAND_LINE: 'svchost.exe -k WinRM' });
    const winrm = conn(ws1, 'NEW_TCP4_CONNECTION', T + 10_000, [ws1.ip, 51002], [ws2.ip, 5985]);
    const winrmThere = conn(ws2, 'NEW_TCP4_CONNECTION', T + 7_500, [ws2.ip, 5985], [ws1.ip, 51002], listener.routing.this);
    const child = ev(ws2, 'NEW_PROCESS', T + 8_000, { FILE_PATH: 'C:\\Windows\\System32\\wsmprovhost.exe' }, listener.routing.this);
    const grandchild = ev(ws2, 'NEW_PROCESS', T + 9_000, { FILE_PATH: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' }, child.routing.this);
    const unrelated = ev(ws2, 'NEW_PROCESS', T + 7_000, { FILE_PATH: 'C:\\Windows\\System32\\taskhostw.exe' });
    const tooEarly = ev(ws2, 'NEW_PROCESS', T + 7_500 - 61_000, { FILE_PATH: 'C:\\Windows\\System32\\notepad.exe' });
    // WS02 -> WS01 over SMB, reported only by WS02.
    const smb = conn(ws2, 'NEW_TCP4_CONNECTION', T + 20_000, [ws2.ip, 51003], [ws1.ip, 445]);
    const all = [dnsQuery, dnsReply, kerberosReply, listener, winrm, winrmThere, child, grandchild, unrelated, tooEarly, smb];
    // Each host's own address is learned from its events: one event each that names nothing.
    const q = `query($p: [NetworkProtocol!], $f: LateralMovementFilter) { lateralMovement(filter: $f, protocols: $p, first: 50) {
      connection { atom } destinationHost { hostname } destinationConnection { atom } acceptingProcess { atom }
      startedThere(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { reason offsetMs node { atom } } } } }`;
    type NetRow = { connection: { atom: string }; destinationConnection: { atom: string } | null; acceptingProcess: { atom: string } | null; startedThere: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { reason: string; offsetMs: number; node: { atom: string } }[] } };
    const rows = async (vars: Record<string, unknown>) => {
      const res = await run(q, { ...vars, f: { orgIds: [net], ...((vars['f'] as object) ?? {}) } });
      expect(res.errors).toBeUndefined();
      return res.data?.['lateralMovement'] as NetRow[];
    };

    beforeAll(async () => {
      await ingestLines(runtime.executor, all.map((r) => JSON.stringify(r)));
    });

    it('lists TCP initiations only by default: no DNS or Kerberos replies, the unreported flow without a destination side', async () => {
      const got = await rows({});
      expect(got.map((r) => r.connection.atom).sort()).toEqual([winrm.routing.this, smb.routing.this].sort());
      const smbRow = got.find((r) => r.connection.atom === smb.routing.this)!;
      expect(smbRow.destinationConnection).toBeNull();
      expect(smbRow.acceptingProcess).toBeNull();
    });

    it('takes UDP by argument, and still leaves out the answer from port 53', async () => {
      const got = await rows({ p: ['UDP'] });
      expect(got.map((r) => r.connection.atom)).toEqual([dnsQuery.routing.this]);
      expect(got[0]?.destinationConnection?.atom).toBe(dnsReply.routing.this);
    });

    it('matches a swapped report on a skewed clock, lists the listener\'s descendants first, and pages visibly', async () => {
      const got = await rows({ f: { destinationPorts: [5985] } });
      expect(got).toHaveLength(1);
      const row = got[0]!;
      expect(row.destinationConnection?.atom).toBe(winrmThere.routing.this);
      expect(row.acceptingProcess?.atom).toBe(listener.routing.this);
      expect(row.startedThere.totalCount).toBe(3); // child, grandchild, unrelated; notepad is 61 s before
      expect(row.startedThere.edges).toEqual([
        { reason: 'DESCENDANT_OF_ACCEPTING_PROCESS', offsetMs: 500, node: { atom: child.routing.this } },
        { reason: 'DESCENDANT_OF_ACCEPTING_PROCESS', offsetMs: 1500, node: { atom: grandchild.routing.this } },
      ]);
      expect(row.startedThere.pageInfo.hasNextPage).toBe(true);
      const next = await run(
        `query($f: LateralMovementFilter, $a: String) { lateralMovement(filter: $f) { startedThere(first: 2, after: $a) { totalCount pageInfo { hasNextPage } edges { reason offsetMs node { atom } } } } }`,
        { f: { orgIds: [net], destinationPorts: [5985] }, a: row.startedThere.pageInfo.endCursor },
      );
      expect(next.errors).toBeUndefined();
      const page = (next.data?.['lateralMovement'] as NetRow[])[0]!.startedThere;
      expect(page).toEqual({ totalCount: 3, pageInfo: { hasNextPage: false }, edges: [{ reason: 'STARTED_IN_WINDOW', offsetMs: -500, node: { atom: unrelated.routing.this } }] });
    });

    it('filters on source and destination host by name (any case, short or full) and by sensor', async () => {
      expect((await rows({ f: { sourceHostnames: ['ws01'] } })).map((r) => r.connection.atom)).toEqual([winrm.routing.this]);
      expect((await rows({ f: { destinationHostnames: ['WS01.CORP.EXAMPLE'] } })).map((r) => r.connection.atom)).toEqual([smb.routing.this]);
      expect((await rows({ f: { destinationSensorIds: [ws2.sid] } })).map((r) => r.connection.atom)).toEqual([winrm.routing.this]);
      expect(await rows({ f: { destinationPorts: [3389] } })).toEqual([]);
    });

    it('gives the swapped report as each side\'s peer', async () => {
      const res = await run(`query($a: ID!, $b: ID!, $o: String) {
        a: event(atom: $a, orgId: $o) { ... on NewTcp4Connection { peer { atom } } }
        b: event(atom: $b, orgId: $o) { ... on NewTcp4Connection { peer { atom } } }
        tight: event(atom: $a, orgId: $o) { ... on NewTcp4Connection { peer(toleranceSeconds: 2) { atom } } } }`, { a: winrm.routing.this, b: winrmThere.routing.this, o: net });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: { peer: { atom: winrmThere.routing.this } }, b: { peer: { atom: winrm.routing.this } }, tight: { peer: null } });
    });

    it('refuses windows, tolerances and lists above their caps', async () => {
      for (const args of ['windowSeconds: 100000', 'windowBeforeSeconds: 100000', 'flowToleranceSeconds: 7200', 'filter: { destinationPorts: [70000] }']) {
        const res = await run(`{ lateralMovement(${args}) { connection { atom } } }`);
        expect(res.errors?.[0]?.extensions?.code).toMatch(/LIMIT_EXCEEDED|BAD_USER_INPUT/);
      }
      const many = await run(`query($f: LateralMovementFilter) { lateralMovement(filter: $f) { connection { atom } } }`, { f: { destinationHostnames: Array.from({ length: 1001 }, (_, i) => `h${i}`) } });
      expect(many.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
    });
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
