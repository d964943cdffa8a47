// Retention against readers running meanwhile: while a prune runs in small batches, the API's
// reader questions (event, parent, ancestors, children, descendants, the events page, sightings)
// are asked over and over, and every event any of them returns is whole: its own type and fields as
// the input says, and its parent as the input says: a parent after the cutoff is there, whole; a
// parent before it is there whole or missing (like one that never arrived), never null, never a
// remnant. Neo4j reads are read-committed, not snapshots: a statement running while a delete
// commits can see an event's node and not its edges, so this fails if the prune ever deletes an
// event a statement may be reading (src/graph/prune, two phases).
import { randomBytes } from 'node:crypto';
import { prune, type PruneSummary } from '../../src/graph/prune/prune';
import { migrate } from '../../src/graph/schema/migrate';
import { createLogger } from '../../src/log/logger';
import { createRuntime, type Runtime } from '../../src/runtime';
import { graphqlRunner, type GraphQLResult } from '../helpers/api';
import { ingestLines } from '../helpers/ingest';
import { readCypher, testRuntime, uniqueOrg } from '../helpers/runtime';

const atom = () => randomBytes(16).toString('hex');
const OLD = Date.UTC(2019, 0, 1);
const NEW = Date.UTC(2021, 0, 1);
const CUTOFF = Date.UTC(2020, 0, 1);
/** The readers' transaction timeout (the test default): the prune waits twice this between its phases (PruneOptions.settleMs). */
const TX_TIMEOUT_MS = 30_000;

interface Input {
  parent: string | null;
  old: boolean;
  commandLine: string;
  hash: string;
}

type Node = { __typename: string; atom: string; commandLine?: string; parent?: Node | null; children?: { nodes: Node[] }; ancestors?: Node[] };

describe('retention while readers run', () => {
  let runtime: Runtime;
  /** Loads and migrates with the default test timeout: writing is not what is tested here. */
  let loader: Runtime;
  const run = graphqlRunner(() => runtime);

  beforeAll(async () => {
    runtime = await createRuntime({
      overrides: { LOG_LEVEL: 'silent', AUTH: 'off', NEO4J_ACQUIRE_TIMEOUT_MS: 5_000, NEO4J_MAX_RETRY_MS: 3_000, NEO4J_TX_TIMEOUT_MS: TX_TIMEOUT_MS },
      logger: createLogger('silent'),
    });
    loader = await testRuntime();
    await migrate(loader.executor);
  });
  afterAll(async () => {
    await runtime.close();
    await loader.close();
  });

  it('never returns a half-deleted event, and a child of a pruned parent shows it missing', async () => {
    const org = uniqueOrg('prune-readers');
    // A kept root; 150 old children of it, every third with a kept child of its own; 30 kept
    // children of the root. Old events share hashes with kept ones (sightings see both).
    const input = new Map<string, Input>();
    const lines: string[] = [];
    const add = (self: string, parent: string | null, time: number, i: number) => {
      const entry = { parent, old: time < CUTOFF, commandLine: `p${i}.exe -n ${i}`, hash: (i % 7).toString(16).padStart(64, 'b') };
      input.set(self, entry);
      lines.push(
        JSON.stringify({
          routing: { oid: org, sid: 'sensor-g', hostname: 'guard-host', event_type: 'NEW_PROCESS', event_time: time, this: self, ...(parent ? { parent } : {}) },
          event: { FILE_PATH: `C:\\bin\\p${i}.exe`, COMMAND_LINE: entry.commandLine, HASH: entry.hash },
        }),
      );
    };
    const root = atom();
    add(root, null, NEW, 0);
    const old = Array.from({ length: 150 }, () => atom());
    old.forEach((a, i) => add(a, root, OLD + i * 60_000, i + 1));
    const grandchildren = old.filter((_, i) => i % 3 === 0).map((parent, i) => {
      const a = atom();
      add(a, parent, NEW + 1000 + i, 200 + i);
      return a;
    });
    const kept = Array.from({ length: 30 }, () => atom());
    kept.forEach((a, i) => add(a, root, NEW + 100_000 + i, 400 + i));
    await ingestLines(loader.executor, lines, 100);

    const problems: string[] = [];
    const seen = { whole: 0, missing: 0, hidden: 0 };
    /** An event as returned: whole as the input says, or a pruned one shown missing. */
    const check = (where: string, n: Node | null | undefined) => {
      if (!n) return;
      const want = input.get(n.atom);
      if (!want) return void problems.push(`${where}: ${n.atom} is not in the input`);
      if (n.__typename === 'MissingEvent') {
        seen.missing += 1;
        if (!want.old) problems.push(`${where}: kept ${n.atom} shown missing`);
        return;
      }
      seen.whole += 1;
      if (n.__typename !== 'NewProcess' || n.commandLine !== want.commandLine) problems.push(`${where}: ${n.atom} not whole: ${JSON.stringify(n)}`);
      if (n.parent !== undefined) {
        if (want.parent === null) {
          if (n.parent !== null) problems.push(`${where}: ${n.atom} has a parent it never had`);
        } else if (!n.parent || n.parent.atom !== want.parent) {
          problems.push(`${where}: ${n.atom}'s parent is ${JSON.stringify(n.parent)}, not ${want.parent}`);
        } else {
          check(`${where} parent`, n.parent);
        }
      }
      for (const c of n.children?.nodes ?? []) {
        if (input.get(c.atom)?.parent !== n.atom) problems.push(`${where}: ${c.atom} is not a child of ${n.atom}`);
        check(`${where} child`, c);
      }
      if (n.ancestors) {
        // The chain is the input's, from the parent up; it ends early (never skips) where a parent is pruned.
        let expected = want.parent;
        for (const a of n.ancestors) {
          if (a.atom !== expected) problems.push(`${where}: ancestors of ${n.atom} skip to ${a.atom}, not ${expected}`);
          check(`${where} ancestor`, a);
          expected = input.get(a.atom)?.parent ?? null;
          if (a.__typename === 'MissingEvent') break;
        }
      }
    };
    const fields = `__typename atom ... on NewProcess { commandLine parent { __typename atom ... on NewProcess { commandLine } } }`;
    const ask = async (round: number) => {
      const o = old[round % old.length]!;
      const g = grandchildren[round % grandchildren.length]!;
      const result: GraphQLResult = await run(
        `query($root: ID!, $old: ID!, $kid: ID!, $org: String!, $hash: String!) {
          tree: descendants(atom: $root, first: 500) { nodes { ${fields} } }
          old: event(atom: $old) { ${fields} ... on NewProcess { children(first: 50) { nodes { ${fields} } } ancestors { __typename atom ... on NewProcess { commandLine } } } }
          kid: event(atom: $kid) { ${fields} ... on NewProcess { ancestors { __typename atom ... on NewProcess { commandLine } } } }
          up: ancestors(atom: $kid) { __typename atom ... on NewProcess { commandLine } }
          page: events(filter: {orgIds: [$org]}, first: 500) { nodes { ${fields} } }
          seen: sightings(kind: HASH, value: $hash, orgId: $org) { nodes { events(first: 100) { nodes { ${fields} } } } }
        }`,
        { root, old: o, kid: g, org, hash: input.get(o)!.hash },
      );
      if (result.errors) return void problems.push(`round ${round}: ${JSON.stringify(result.errors)}`);
      const data = result.data as {
        tree: { nodes: Node[] };
        old: Node | null;
        kid: Node | null;
        up: Node[];
        page: { nodes: Node[] };
        seen: { nodes: { events: { nodes: Node[] } }[] };
      };
      for (const n of data.tree.nodes) check('descendants', n);
      if (data.old === null) seen.hidden += 1;
      check('event (old)', data.old);
      if (!data.kid) problems.push(`round ${round}: kept ${g} not found`);
      check('event (kept child of an old one)', data.kid);
      check('ancestors', { __typename: 'NewProcess', atom: g, commandLine: input.get(g)!.commandLine, ancestors: data.up });
      for (const n of data.page.nodes) check('events page', n);
      for (const s of data.seen.nodes) for (const n of s.events.nodes) check('sightings', n);
      // The kept events are all there, in the tree and on the page, whatever the prune is doing.
      const inTree = new Set(data.tree.nodes.map((n) => n.atom));
      const onPage = new Set(data.page.nodes.map((n) => n.atom));
      for (const a of kept) if (!inTree.has(a) || !onPage.has(a)) problems.push(`round ${round}: kept ${a} not in the tree or on the page`);
    };

    const progress: PruneSummary[] = [];
    let running = true;
    const pruning = prune(runtime.executor, { before: BigInt(CUTOFF), orgs: [org], batchSize: 10, onProgress: (p) => progress.push({ ...p }) }).finally(() => {
      running = false;
    });
    let rounds = 0;
    while (running) await ask(rounds++);
    const summary = await pruning;
    await ask(rounds++);

    process.stderr.write(`prune-readers: ${rounds} rounds; events seen whole ${seen.whole}, missing ${seen.missing}; an old event not found ${seen.hidden} times\n`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(summary).toMatchObject({ marked: old.length, events: old.length, keptAsPlaceholders: grandchildren.length, interrupted: false });
    // Readers were watched in every phase: marking, waiting for the marks to settle, deleting.
    expect(progress.some((p) => p.settlingUntil !== null)).toBe(true);
    expect(rounds).toBeGreaterThan(5);

    // Afterwards: the old events are gone, those a kept child names are placeholders, nothing is marked.
    const left = await readCypher(
      runtime,
      `MATCH (e:Event {oid: $org}) RETURN e.placeholder AS placeholder, e:Pruning AS marked, count(*) AS n ORDER BY placeholder, marked`,
      { org },
    );
    expect(left.map((r) => [r.get('placeholder'), r.get('marked'), Number(r.get('n'))])).toEqual([
      [false, false, 1 + grandchildren.length + kept.length],
      [true, false, grandchildren.length],
    ]);
  }, 600_000);

  it('a replay of an event marked but not yet deleted restores it, counted once', async () => {
    const org = uniqueOrg('prune-replay');
    const a = atom();
    const line = JSON.stringify({
      routing: { oid: org, sid: 'sensor-r', hostname: 'replay-host', event_type: 'NEW_PROCESS', event_time: OLD, this: a },
      event: { FILE_PATH: 'C:\\bin\\r.exe', COMMAND_LINE: 'r.exe', HASH: 'c'.repeat(64) },
    });
    await ingestLines(loader.executor, [line], 10);
    // Stopped between the phases: the event is marked (hidden, off the counts), not deleted.
    const controller = new AbortController();
    const stopped = await prune(runtime.executor, {
      before: BigInt(CUTOFF),
      orgs: [org],
      batchSize: 10,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.settlingUntil !== null) controller.abort();
      },
    });
    expect(stopped).toMatchObject({ marked: 1, events: 0, interrupted: true });
    expect((await run('query($a: ID!) { event(atom: $a) { atom } }', { a })).data?.['event']).toBeNull();
    const counts = async () =>
      (await readCypher(runtime, 'MATCH (s:Sensor {oid: $org}) OPTIONAL MATCH (s)-[w:SAW]->() RETURN s.eventCount AS events, sum(w.count) AS saw', { org })).map((r) => [
        Number(r.get('events')),
        Number(r.get('saw')),
      ]);
    expect(await counts()).toEqual([]);

    await ingestLines(loader.executor, [line], 10);
    const back = await run('query($a: ID!) { event(atom: $a) { __typename atom ... on NewProcess { commandLine } } }', { a });
    expect(back.data?.['event']).toEqual({ __typename: 'NewProcess', atom: a, commandLine: 'r.exe' });
    const [events, saw] = (await counts())[0]!;
    expect(events).toBe(1);
    expect(saw).toBeGreaterThanOrEqual(2);
    // The next prune marks it again, and finishes it.
    const finished = await prune(runtime.executor, { before: BigInt(CUTOFF), orgs: [org], batchSize: 10 });
    expect(finished).toMatchObject({ marked: 1, events: 1, interrupted: false });
    expect(await counts()).toEqual([]);
    expect(Number((await readCypher(runtime, 'MATCH (e:Event {oid: $org}) RETURN count(e) AS n', { org }))[0]!.get('n'))).toBe(0);
  }, 300_000);
});
