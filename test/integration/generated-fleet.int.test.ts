// A generated fleet (two orgs, wrinkles on: shuffled arrival, duplicates, parents never sent, malformed
// lines) loaded through the real ingest pipeline; then the hunting API must give the answers the
// generator's truth file records for every planted attack story.
import { randomUUID } from 'node:crypto';
import { withDefaults, generateText, type StoryTruth, type Truth } from '../../src/generate';
import { migrate } from '../../src/graph/schema/migrate';
import type { IngestSummary } from '../../src/ingest/pipeline';
import type { Runtime } from '../../src/runtime';
import { graphqlRunner } from '../helpers/api';
import { ingestLines } from '../helpers/ingest';
import { testRuntime } from '../helpers/runtime';
import { adjacency, crossHostDistance, distancesFrom, type Rec, treeBelow } from '../helpers/routing-graph';

// Clocks off by up to 3 s per host, as on real captures (the demo's setting).
const OPTIONS = withDefaults({ hosts: 24, events: 24_000, seed: 'truth-acceptance', orgs: 2, stories: 3, badFraction: 0.002, clockSkew: 3 });

const PROCESS_TYPES = ['NEW_PROCESS', 'EXISTING_PROCESS'];

type Named = { atom: string; __typename?: string; hostname?: string };

describe('a generated fleet answers its truth file through the API', () => {
  let runtime: Runtime;
  let truth: Truth;
  let summary: IngestSummary;
  let rejected = 0;
  /** The well-formed lines, as a hunter's own script would read the file. */
  let records: Rec[] = [];
  const run = graphqlRunner(() => runtime);

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    const generated = await generateText(OPTIONS);
    // Fresh org ids per run, so data an older generator left in a shared database never mixes in.
    let text = generated.text;
    let truthText = JSON.stringify(generated.truth);
    for (const org of generated.truth.orgs) {
      const fresh = randomUUID();
      text = text.replaceAll(org.oid, fresh);
      truthText = truthText.replaceAll(org.oid, fresh);
    }
    truth = JSON.parse(truthText) as Truth;
    const lines = text.split('\n').filter((l) => l.length > 0);
    records = lines.flatMap((l) => {
      try {
        const r = JSON.parse(l) as Rec;
        return r && typeof r === 'object' && r.routing && r.event ? [r] : [];
      } catch {
        return [];
      }
    });
    const result = await ingestLines(runtime.executor, lines, 2000);
    summary = result.summary;
    rejected = result.rejects.length;
  }, 240_000);
  afterAll(async () => runtime.close());

  const stories = (): StoryTruth[] => [...truth.stories];

  it('loads every well-formed line and rejects exactly the malformed ones', () => {
    expect(truth.stories.length).toBe(3);
    expect(truth.summary.badLines).toBeGreaterThan(0);
    expect(rejected).toBe(truth.summary.badLines);
    expect(summary.records).toBe(truth.summary.lines);
  });

  it('walks each payload up to the root or to the first parent never sent', async () => {
    for (const story of stories()) {
      const res = await run(
        `query($a: ID!, $o: String) { ancestors(atom: $a, orgId: $o) { __typename atom ... on NewProcess { filePath } } }`,
        { a: story.processes.payload.atom, o: story.org.oid },
      );
      expect(res.errors).toBeUndefined();
      const chain = res.data?.['ancestors'] as (Named & { filePath?: string })[];
      expect(chain.map((e) => e.atom)).toEqual(story.ancestors.map((a) => a.atom));
      story.ancestors.forEach((a, i) => {
        // A parent that was never sent is a placeholder, not a process with a path.
        if (a.sent) expect(chain[i]?.__typename).not.toBe('MissingEvent');
        else expect(chain[i]?.__typename).toBe('MissingEvent');
      });
    }
  });

  it('finds every host that carries the dropper hash, and only those', async () => {
    for (const story of stories()) {
      const res = await run(
        `query($h: String!, $o: String) {
           sightings(kind: HASH, value: $h, orgId: $o, first: 100) { totalCount edges { node { sensorId hostname count } } }
           prevalence(kind: HASH, value: $h, orgId: $o) { hosts totalHosts } }`,
        { h: story.dropper.sha256, o: story.org.oid },
      );
      expect(res.errors).toBeUndefined();
      const sightings = res.data?.['sightings'] as { edges: { node: { sensorId: string; hostname: string; count: number } }[] };
      expect(sightings.edges.map((e) => e.node.sensorId).sort()).toEqual(story.dropper.hosts.map((h) => h.sid).sort());
      expect(sightings.edges.every((e) => e.node.count > 0)).toBe(true);
      const prevalence = res.data?.['prevalence'] as { hosts: number; totalHosts: number };
      expect(prevalence.hosts).toBe(story.dropper.hosts.length);
      const org = truth.orgs.find((o) => o.oid === story.org.oid);
      expect(prevalence.totalHosts).toBe(org?.hosts);
    }
  });

  it('finds the cross-host connection by the flow, with the accepting process and the process it started on the other side, on skewed clocks', async () => {
    const lateralStories = stories().filter((s) => s.lateral !== null);
    expect(lateralStories.length).toBeGreaterThan(0);
    const timeOf = new Map(records.filter((r) => r.routing['this']).map((r) => [r.routing['this'] as string, r.routing['event_time'] as number]));
    for (const story of lateralStories) {
      const lateral = story.lateral!;
      const res = await run(
        `query($f: LateralMovementFilter) {
           lateralMovement(filter: $f, windowSeconds: 600, first: 50) {
             sourceHost { sensorId } destinationHost { sensorId hostname } connection { atom }
             sourceProcess { atom } destinationConnection { atom } acceptingProcess { __typename atom }
             startedThere(first: 20) { totalCount edges { reason node { atom } } } processesStarted { atom } } }`,
        {
          f: {
            orgIds: [story.org.oid],
            sensorIds: [lateral.source.sid],
            destinationSensorIds: [lateral.destination.sid],
            from: new Date(story.startTime - 60_000).toISOString(),
            to: new Date(story.endTime + 60_000).toISOString(),
          },
        },
      );
      expect(res.errors).toBeUndefined();
      const moves = res.data?.['lateralMovement'] as {
        destinationHost: { sensorId: string };
        connection: { atom: string };
        sourceProcess: { atom: string } | null;
        destinationConnection: { atom: string } | null;
        acceptingProcess: { __typename: string; atom: string } | null;
        startedThere: { totalCount: number; edges: { reason: string; node: { atom: string } }[] };
        processesStarted: { atom: string }[];
      }[];
      lateral.connections.forEach((connection, k) => {
        const inbound = lateral.inbound[k]!;
        const move = moves.find((m) => m.connection.atom === connection.atom);
        expect(move).toBeDefined();
        expect(move?.destinationHost.sensorId).toBe(lateral.destination.sid);
        expect(move?.sourceProcess?.atom).toBe(connection.processAtom);
        expect(move?.destinationConnection?.atom).toBe(inbound.atom);
        expect(move?.acceptingProcess?.atom).toBe(inbound.processAtom);
        if (!inbound.processSent) expect(move?.acceptingProcess?.__typename).toBe('MissingEvent');
      });
      for (const process of lateral.startedProcesses) {
        // The destination's clock is behind: the service is reported before the source's connection.
        const k = lateral.inbound.findIndex((c) => c.processAtom === process.parentAtom);
        const connection = lateral.connections[k]!;
        expect(timeOf.get(process.atom)).toBeLessThan(timeOf.get(connection.atom)!);
        const move = moves.find((m) => m.connection.atom === connection.atom)!;
        expect(move.startedThere.edges).toContainEqual({ reason: 'DESCENDANT_OF_ACCEPTING_PROCESS', node: { atom: process.atom } });
        expect(move.processesStarted.map((p) => p.atom)).toContain(process.atom);
      }
    }
  });

  it('shows the remote thread into lsass with the injected process as its target', async () => {
    for (const story of stories()) {
      const res = await run(
        `query($a: ID!, $o: String) { event(atom: $a, orgId: $o) { atom parentAtom targetAtom target { __typename atom } } }`,
        { a: story.injection.threadAtom, o: story.org.oid },
      );
      expect(res.errors).toBeUndefined();
      const event = res.data?.['event'] as { parentAtom: string; targetAtom: string; target: Named | null };
      expect(event.parentAtom).toBe(story.injection.sourceAtom);
      expect(event.targetAtom).toBe(story.injection.targetAtom);
      expect(event.target?.atom).toBe(story.injection.targetAtom);
      expect(event.target?.__typename).toEqual(story.injection.targetSent ? expect.stringMatching(/Process$/) : 'MissingEvent');
    }
  });

  it('finds every host that resolved the beacon domain', async () => {
    for (const story of stories()) {
      const res = await run(
        `query($d: String!, $o: String) { sightings(kind: DOMAIN, value: $d, orgId: $o, first: 100) {
           edges { node { sensorId count events(first: 100) { edges { node { atom parentAtom } } } } } } }`,
        { d: story.beacon.domain, o: story.org.oid },
      );
      expect(res.errors).toBeUndefined();
      const nodes = (res.data?.['sightings'] as { edges: { node: { sensorId: string; events: { edges: { node: { atom: string; parentAtom: string } }[] } } }[] }).edges.map((e) => e.node);
      expect(nodes.map((n) => n.sensorId).sort()).toEqual(story.beacon.resolvers.map((r) => r.host.sid).sort());
      for (const resolver of story.beacon.resolvers) {
        const node = nodes.find((n) => n.sensorId === resolver.host.sid);
        const atoms = new Set(node?.events.edges.map((e) => e.node.atom));
        for (const dns of resolver.dnsRequestAtoms) expect(atoms).toContain(dns);
        const parents = new Set(node?.events.edges.map((e) => e.node.parentAtom));
        expect([...parents].every((p) => resolver.processAtoms.includes(p))).toBe(true);
      }
    }
  });
  it('gives the process tree below Word breadth-first with depths, as the file implies', async () => {
    for (const story of stories()) {
      const expected = treeBelow(records, story.processes.word.atom, 16, PROCESS_TYPES);
      expect(expected.size).toBeGreaterThanOrEqual(2); // PowerShell and the dropper at least
      const res = await run(
        `query($a: ID!, $o: String, $t: [String!]) { descendants(atom: $a, orgId: $o, eventTypes: $t, first: 500) {
           totalCount edges { depth node { atom } } } }`,
        { a: story.processes.word.atom, o: story.org.oid, t: PROCESS_TYPES },
      );
      expect(res.errors).toBeUndefined();
      const d = res.data?.['descendants'] as { totalCount: number; edges: { depth: number; node: { atom: string } }[] };
      expect(d.totalCount).toBe(expected.size);
      expect(new Map(d.edges.map((e) => [e.node.atom, e.depth]))).toEqual(expected);
      const depths = d.edges.map((e) => e.depth);
      expect(depths).toEqual([...depths].sort((x, y) => x - y)); // breadth-first
    }
  });

  it('gives everything below the PowerShell process, every event type, page by page', async () => {
    const story = stories()[0]!;
    const expected = treeBelow(records, story.processes.powershell.atom, 16, null);
    const seen = new Map<string, number>();
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await run(
        `query($a: ID!, $o: String, $after: String) { descendants(atom: $a, orgId: $o, first: 25, after: $after) {
           totalCount edges { depth node { atom } } pageInfo { hasNextPage endCursor } } }`,
        { a: story.processes.powershell.atom, o: story.org.oid, after },
      );
      expect(res.errors).toBeUndefined();
      const d = res.data?.['descendants'] as { totalCount: number; edges: { depth: number; node: { atom: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      expect(d.totalCount).toBe(expected.size);
      for (const e of d.edges) {
        expect(seen.has(e.node.atom)).toBe(false);
        seen.set(e.node.atom, e.depth);
      }
      if (!d.pageInfo.hasNextPage) break;
      after = d.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('finds the shortest chain on one host: from the dropper to lsass, as a search over the file finds', async () => {
    for (const story of stories()) {
      const expected = distancesFrom(adjacency(records), story.processes.payload.atom, 12).get(story.injection.targetAtom);
      expect(expected).toBeDefined();
      const res = await run(
        `query($a: ID!, $b: ID!, $o: String) { path(from: $a, to: $b, orgId: $o, maxHops: 12) { length events { atom } steps { relationship } } }`,
        { a: story.processes.payload.atom, b: story.injection.targetAtom, o: story.org.oid },
      );
      expect(res.errors).toBeUndefined();
      const p = res.data?.['path'] as { length: number; events: { atom: string }[]; steps: { relationship: string }[] };
      expect(p.length).toBe(expected);
      expect(p.steps.map((x) => x.relationship)).not.toContain('FLOW');
    }
  });

  it('crosses hosts over the flow both sensors reported: from the dropper to what the service started on the other host', async () => {
    const lateralStories = stories().filter((s) => s.lateral !== null);
    expect(lateralStories.length).toBeGreaterThan(0);
    for (const story of lateralStories) {
      const lateral = story.lateral!;
      const target = lateral.startedProcesses[0]!;
      const expected = crossHostDistance(records, story.processes.payload.atom, target.atom, 12);
      expect(expected).toBeDefined();
      const res = await run(
        `query($a: ID!, $b: ID!, $o: String) { path(from: $a, to: $b, orgId: $o, maxHops: 12) {
           length events { atom sensorId } steps { relationship fromAtom toAtom } } }`,
        { a: story.processes.payload.atom, b: target.atom, o: story.org.oid },
      );
      expect(res.errors).toBeUndefined();
      const p = res.data?.['path'] as { length: number; events: { atom: string; sensorId: string | null }[]; steps: { relationship: string; fromAtom: string; toAtom: string }[] };
      expect(p.length).toBe(expected);
      expect(p.events[0]?.atom).toBe(story.processes.payload.atom);
      expect(p.events[p.events.length - 1]?.atom).toBe(target.atom);
      const flows = p.steps.filter((x) => x.relationship === 'FLOW');
      expect(flows).toHaveLength(1);
      expect(lateral.connections.map((c) => c.atom)).toContain(flows[0]?.fromAtom);
      expect(lateral.inbound.map((c) => c.atom)).toContain(flows[0]?.toAtom);
      // Consecutive steps chain: each starts or ends where the previous one left off.
      // (services.exe on the destination predates the capture: a MissingEvent, with no host.)
      expect(new Set(p.events.map((e) => e.sensorId).filter((s) => s !== null))).toEqual(new Set([lateral.source.sid, lateral.destination.sid]));
    }
  });
});
