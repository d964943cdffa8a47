// A generated fleet (two orgs, wrinkles on: shuffled arrival, duplicates, parents never sent, malformed
// lines) loaded through the real ingest pipeline; then the hunting API must give the answers the
// generator's truth file records for every planted attack story.
import { withDefaults, generateText, type StoryTruth, type Truth } from '../../src/generate';
import { migrate } from '../../src/graph/schema/migrate';
import type { IngestSummary } from '../../src/ingest/pipeline';
import type { Runtime } from '../../src/runtime';
import { graphqlRunner } from '../helpers/api';
import { ingestLines } from '../helpers/ingest';
import { testRuntime } from '../helpers/runtime';

// Loading the same fleet again is idempotent, so a fixed seed is safe beside other suites and reruns.
const OPTIONS = withDefaults({ hosts: 24, events: 24_000, seed: 'truth-acceptance', orgs: 2, stories: 3, badFraction: 0.002 });

type Named = { atom: string; __typename?: string; hostname?: string };

describe('a generated fleet answers its truth file through the API', () => {
  let runtime: Runtime;
  let truth: Truth;
  let summary: IngestSummary;
  let rejected = 0;
  const run = graphqlRunner(() => runtime);

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    const generated = await generateText(OPTIONS);
    truth = generated.truth;
    const lines = generated.text.split('\n').filter((l) => l.length > 0);
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

  it('finds the cross-host connection and the process it started on the other side', async () => {
    const lateralStories = stories().filter((s) => s.lateral !== null);
    expect(lateralStories.length).toBeGreaterThan(0);
    for (const story of lateralStories) {
      const lateral = story.lateral!;
      const res = await run(
        `query($o: [String!], $s: [String!]) {
           lateralMovement(filter: { orgIds: $o, sensorIds: $s }, windowSeconds: 600, first: 500) {
             sourceHost { sensorId } destinationHost { sensorId hostname } connection { atom }
             sourceProcess { atom } processesStarted { atom } } }`,
        { o: [story.org.oid], s: [lateral.source.sid] },
      );
      expect(res.errors).toBeUndefined();
      const moves = res.data?.['lateralMovement'] as {
        destinationHost: { sensorId: string };
        connection: { atom: string };
        sourceProcess: { atom: string } | null;
        processesStarted: { atom: string }[];
      }[];
      for (const connection of lateral.connections) {
        const move = moves.find((m) => m.connection.atom === connection.atom);
        expect(move).toBeDefined();
        expect(move?.destinationHost.sensorId).toBe(lateral.destination.sid);
        expect(move?.sourceProcess?.atom).toBe(connection.processAtom);
      }
      const started = new Set(moves.flatMap((m) => m.processesStarted.map((p) => p.atom)));
      for (const process of lateral.startedProcesses) expect(started).toContain(process.atom);
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
});
