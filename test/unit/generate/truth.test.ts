/**
 * The truth file against the feed: every answer it gives is recomputed from the generated lines
 * (ancestry by routing.parent, hosts by hash, the cross-host connection and what it started, the
 * beaconing), the way a hunter's queries would find them.
 */
import type { StoryTruth } from '../../../src/generate';
import { asRecord, byAtom, cleanRun, type Event, isProcess, parseLine, run } from './helpers';

interface Feed {
  events: Event[];
  atoms: Map<string, Event>;
}

function feed(lines: readonly string[]): Feed {
  const events = lines.map(parseLine);
  return { events, atoms: byAtom(events) };
}

/** Ancestors of a process by routing.parent, nearest first, to a root or to an atom never sent. */
function ancestry(f: Feed, atom: string): { atom: string; sent: boolean }[] {
  const out: { atom: string; sent: boolean }[] = [];
  for (let cur = f.atoms.get(atom)?.parent; cur !== undefined; cur = f.atoms.get(cur)?.parent) {
    const event = f.atoms.get(cur);
    out.push({ atom: cur, sent: isProcess(event) });
    if (!event) break;
  }
  return out;
}

const textOf = (e: Event) => e.text.slice(e.text.indexOf(`},"event":`));

describe('generate: the truth of the planted stories', () => {
  let f: Feed;
  let stories: readonly StoryTruth[];
  beforeAll(async () => {
    const clean = await cleanRun({ hosts: 10, orgs: 2, events: 12_000, seed: 'truth' });
    f = feed(clean.lines);
    stories = clean.truth.stories;
  });

  it('plants one story per org, each moving to a second host', () => {
    expect(stories).toHaveLength(2);
    expect(new Set(stories.map((s) => s.org.oid)).size).toBe(2);
    for (const s of stories) {
      expect(s.lateral).not.toBeNull();
      expect(s.lateralSkipped).toBeNull();
    }
  });

  it("gives the payload's ancestors as the feed links them: PowerShell, Word, explorer... to the root", () => {
    for (const s of stories) {
      const chain = ancestry(f, s.processes.payload.atom);
      expect(s.ancestors.map((a) => ({ atom: a.atom, sent: a.sent }))).toEqual(chain);
      const paths = s.ancestors.map((a) => a.filePath.split('\\').pop());
      expect(paths.slice(0, 3)).toEqual(['powershell.exe', 'WINWORD.EXE', 'explorer.exe']);
      const root = f.atoms.get(s.ancestors[s.ancestors.length - 1]?.atom ?? '');
      expect(root?.parent).toBeUndefined();
      expect(root?.event['PROCESS_ID']).toBe(4);
    }
  });

  it('records the phishing chain: the document, Word opening it, encoded PowerShell, the dropper run', () => {
    for (const s of stories) {
      const doc = f.atoms.get(s.document.newDocumentAtom);
      expect(doc?.type).toBe('NEW_DOCUMENT');
      expect(doc?.event['FILE_PATH']).toBe(s.document.path);
      expect(doc?.parent).toBe(s.processes.mailClient);
      const word = f.atoms.get(s.processes.word.atom);
      expect(String(word?.event['COMMAND_LINE'])).toContain(s.document.path);
      const ps = f.atoms.get(s.processes.powershell.atom);
      expect(ps?.parent).toBe(s.processes.word.atom);
      expect(String(ps?.event['COMMAND_LINE'])).toMatch(/-Enc [A-Za-z0-9+/=]{100,}$/);
      const payload = f.atoms.get(s.processes.payload.atom);
      expect(payload?.parent).toBe(s.processes.powershell.atom);
      expect(payload?.event['HASH']).toBe(s.dropper.sha256);
      expect(payload?.event['FILE_IS_SIGNED']).toBe(0);
    }
  });

  it('records the injection into lsass: handle, remote thread and their containers, all targeting lsass', () => {
    for (const s of stories) {
      const lsass = f.atoms.get(s.injection.targetAtom);
      expect(String(lsass?.event['FILE_PATH'])).toMatch(/\\lsass\.exe$/);
      for (const [atom, type] of [
        [s.injection.handleAtom, 'REMOTE_PROCESS_HANDLE'],
        [s.injection.threadAtom, 'NEW_REMOTE_THREAD'],
        [s.injection.sensitiveAccessAtom, 'SENSITIVE_PROCESS_ACCESS'],
        [s.injection.threadInjectionAtom, 'THREAD_INJECTION'],
      ] as const) {
        const e = f.atoms.get(atom);
        expect(e?.type).toBe(type);
        expect(e?.parent).toBe(s.injection.sourceAtom);
        expect(e?.target).toBe(s.injection.targetAtom);
      }
      const container = f.atoms.get(s.injection.threadInjectionAtom);
      const inner = (container?.event['EVENTS'] as unknown[]).map((r) => asRecord(asRecord(r)['routing'])['this']);
      expect(inner).toEqual([s.injection.handleAtom, s.injection.threadAtom]);
    }
  });

  it('lists exactly the hosts whose events carry the dropper hash', () => {
    for (const s of stories) {
      const sids = new Set(f.events.filter((e) => textOf(e).includes(s.dropper.sha256)).map((e) => e.sid));
      expect(sids).toEqual(new Set(s.dropper.hosts.map((h) => h.sid)));
      expect(sids.size).toBe(2);
    }
  });

  it('records the cross-host connections and, on the other side, the service and the process it started', () => {
    for (const s of stories) {
      const lateral = s.lateral;
      if (!lateral) throw new Error('expected lateral movement');
      const ports = lateral.connections.map((c) => c.port);
      expect(ports).toEqual([445, 135, 49668]);
      for (const c of lateral.connections) {
        const e = f.atoms.get(c.atom);
        expect(e?.type).toBe('NEW_TCP4_CONNECTION');
        expect(e?.sid).toBe(lateral.source.sid);
        expect(e?.parent).toBe(s.processes.powershell.atom);
        expect(asRecord(e?.event['DESTINATION'])).toEqual({ IP_ADDRESS: lateral.destination.intIp, PORT: c.port });
      }
      for (const c of lateral.inbound) {
        const e = f.atoms.get(c.atom);
        expect(e?.sid).toBe(lateral.destination.sid);
        expect(asRecord(e?.event['SOURCE'])['IP_ADDRESS']).toBe(lateral.source.intIp);
      }
      const changes = lateral.service.changeAtoms.map((a) => f.atoms.get(a));
      expect(changes.map((e) => [e?.type, e?.sid, e?.event['SVC_NAME']])).toEqual([
        ['SERVICE_CHANGE', lateral.destination.sid, lateral.service.name],
        ['SERVICE_CHANGE', lateral.destination.sid, lateral.service.name],
      ]);
      const [started] = lateral.startedProcesses;
      const process = f.atoms.get(started?.atom ?? '');
      expect(process?.sid).toBe(lateral.destination.sid);
      expect(process?.event['HASH']).toBe(s.dropper.sha256);
      const services = f.atoms.get(process?.parent ?? '');
      expect(String(services?.event['FILE_PATH'])).toMatch(/\\services\.exe$/);
      const connected = f.atoms.get(lateral.connections[0]?.atom ?? '');
      expect((process?.time ?? 0) - (connected?.time ?? 0)).toBeGreaterThan(0);
      expect((process?.time ?? 0) - (connected?.time ?? 0)).toBeLessThan(5 * 60_000);
    }
  });

  it('lists the beacon domain with exactly the hosts and processes that resolved it', () => {
    for (const s of stories) {
      const lookups = f.events.filter((e) => e.type === 'DNS_REQUEST' && e.event['DOMAIN_NAME'] === s.beacon.domain);
      const seen = new Map<string, Set<string>>();
      for (const e of lookups) {
        if (!seen.has(e.sid)) seen.set(e.sid, new Set());
        seen.get(e.sid)?.add(e.parent ?? '');
      }
      expect(seen).toEqual(new Map(s.beacon.resolvers.map((r) => [r.host.sid, new Set(r.processAtoms)])));
      expect(lookups.map((e) => e.atom).sort()).toEqual(s.beacon.resolvers.flatMap((r) => r.dnsRequestAtoms).sort());
      expect(lookups.every((e) => e.event['IP_ADDRESS'] === s.beacon.ip)).toBe(true);
      expect(seen.size).toBe(2);
    }
  });
});

describe('generate: stories at the edges', () => {
  it('stays on one host, and says so, when there is only one host', async () => {
    const { truth } = await cleanRun({ hosts: 1, events: 1_500, seed: 'alone' });
    const [story] = truth.stories;
    expect(story?.lateral).toBeNull();
    expect(story?.lateralSkipped).toMatch(/fewer than 2 hosts/);
    expect(story?.dropper.hosts).toHaveLength(1);
    expect(story?.beacon.resolvers).toHaveLength(1);
  });

  it('never cuts a story short, even when the budget is smaller than the story', async () => {
    const { lines, truth } = await cleanRun({ hosts: 4, events: 50, seed: 'tiny' });
    expect(truth.summary.events).toBeGreaterThan(50);
    const f = feed(lines);
    for (const s of truth.stories) {
      expect(f.atoms.get(s.lateral?.startedProcesses[0]?.atom ?? '')?.type).toBe('NEW_PROCESS');
      expect(s.beacon.resolvers.flatMap((r) => r.dnsRequestAtoms).every((a) => f.atoms.has(a))).toBe(true);
    }
  });

  it('ends the ancestry at the first parent never sent when processes started before the capture', async () => {
    const { lines, truth } = await run({ hosts: 4, events: 3_000, seed: 'orphaned', shuffle: 0, duplicates: 0, badFraction: 0, orphans: 1 });
    const f = feed(lines);
    for (const s of truth.stories) {
      const last = s.ancestors[s.ancestors.length - 1];
      expect(last?.sent).toBe(false);
      expect(last?.filePath).toMatch(/\\explorer\.exe$/);
      expect(f.atoms.has(last?.atom ?? '')).toBe(false);
      expect(s.ancestors.map((a) => ({ atom: a.atom, sent: a.sent }))).toEqual(ancestry(f, s.processes.payload.atom));
      expect(s.injection.targetSent).toBe(false);
    }
  });
});
