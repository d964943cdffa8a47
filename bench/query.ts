/**
 * `npm run bench:query`: latency of the hunting questions on a 1M-event generated graph, side by
 * side in one run, each asked the same way of three paths:
 *   - api:     our GraphQL API over HTTP (`atomgraph serve` in a child process);
 *   - floor:   the same Cypher statements the API runs, straight through neo4j-driver, no HTTP or GraphQL;
 *   - @neo4j/graphql: the same question through @neo4j/graphql over the same graph, over HTTP.
 * Rounds are interleaved (each round asks every question of every path once, the paths in an order
 * that rotates), so a busy moment on the machine, or a page Neo4j has not cached, hits all three alike.
 * BENCH_QUERY_ROUNDS (default 1000) rounds after 20 warm-up rounds, BENCH_QUERY_SLOW_ROUNDS (300) for
 * the tree and the page: p99 is the 10th-worst of 1000 samples, where of 200 it was the 2nd-worst and
 * moved by half between runs.
 * Results: bench/results/query-<timestamp>.json and a markdown table on stdout.
 */
import { benchGraph, BENCH_FLEET, type BenchTargets } from './lib/fleet-graph';
import { writeResult } from './lib/results';
import { closeClients, graphql, startApi, startNeo4jGraphql } from './lib/servers';
import { percentile, round1 } from './lib/stats';
import { EventReader } from '../src/graph/reader/events';
import { SearchReader } from '../src/graph/reader/search';
import { SightingReader } from '../src/graph/reader/sightings';
import { TreeReader } from '../src/graph/reader/trees';
import type { GraphExecutor, NamedQuery } from '../src/graph/executor';
import { DetectionReader } from '../src/graph/reader/detections';

const TOP_DETECTION: NamedQuery = {
  name: 'bench: the top detection',
  cypher: 'MATCH (d:Detection) WHERE d.oid = $org RETURN d.detectId AS id ORDER BY d.priority DESC, d.time, d.uid LIMIT 1',
};

/** The detection a hunter would open first: the org's highest priority (null on a graph loaded without detections). */
async function topDetectionId(executor: GraphExecutor, org: string): Promise<string | null> {
  const result = await executor.read(TOP_DETECTION, { org });
  return (result.records[0]?.get('id') as string | undefined) ?? null;
}

const ROUNDS = Number(process.env['BENCH_QUERY_ROUNDS'] ?? 1000);
/** Rounds for the questions that take @neo4j/graphql most of a second each; the rest get ROUNDS. */
const SLOW_ROUNDS = Number(process.env['BENCH_QUERY_SLOW_ROUNDS'] ?? 300);
const WARMUP = Number(process.env['BENCH_QUERY_WARMUP'] ?? 20);
const ANCESTRY_DEPTH = 20;
const TREE_DEPTH = 32;
const TREE_PAGE = 100;
const PAGE = 50;

type Path = 'api' | 'floor' | 'neo4j-graphql';
const PATHS: Path[] = ['api', 'floor', 'neo4j-graphql'];

interface Question {
  name: string;
  /** Timed rounds for this question (the slow ones get fewer). */
  rounds: number;
  /** What each path returns, as one number, checked equal across paths before timing (@neo4j/graphql's schema has no detections: absent there). */
  ask: Record<'api' | 'floor', (round: number) => Promise<number>> & Partial<Record<Path, (round: number) => Promise<number>>>;
}

const EVENT_FIELDS = 'atom eventType eventTime hostname parentAtom';

/** `parent { ... parent { ... } }` n levels deep: how @neo4j/graphql walks a chain. */
function nestedParents(levels: number): string {
  let s = '';
  for (let i = 0; i < levels; i++) s = `parent { uid atom type time hostname parentAtom ${s} }`;
  return s;
}

function countNested(node: Record<string, unknown> | undefined): number {
  let n = 0;
  let cur = node;
  while (cur && Array.isArray(cur['parent']) && cur['parent'].length > 0) {
    n++;
    cur = cur['parent'][0] as Record<string, unknown>;
  }
  return n;
}

function questions(t: BenchTargets, api: string, ng: string, executor: GraphExecutor, detectionId: string | null): Question[] {
  const reader = new EventReader(executor);
  const trees = new TreeReader(executor);
  const sightings = new SightingReader(executor);
  const search = new SearchReader(executor);
  const atomOf = (round: number) => t.eventAtoms[round % t.eventAtoms.length]!;
  const detections = new DetectionReader(executor);
  return [
    {
      name: `newest ${PAGE} detections of the fleet with their events`,
      rounds: ROUNDS,
      ask: {
        api: async () => {
          const data = await graphql(api, `{ detections(first: ${PAGE}) { totalCount nodes { id name priority detectTime hostname event { ${EVENT_FIELDS} } } } }`);
          return (data['detections'] as { nodes: { event: unknown }[] }).nodes.filter((n) => n.event !== null).length;
        },
        floor: async () => {
          const page = await detections.search(null, 'TIME_DESC', PAGE, null, null);
          const events = await reader.byUids(page.edges.map((e) => `${e.node.oid}/${e.node.eventAtom ?? ''}`), null);
          return events.filter((e) => e !== null).length;
        },
      },
    },
    ...(detectionId
      ? [
          {
            name: `a detection with its ancestry (depth ${ANCESTRY_DEPTH})`,
            rounds: ROUNDS,
            ask: {
              api: async () => {
                const data = await graphql(api, `query($id: ID!) { detection(id: $id) { id name priority event { ${EVENT_FIELDS} ancestors(maxDepth: ${ANCESTRY_DEPTH}) { ${EVENT_FIELDS} } } } }`, { id: detectionId });
                return 1 + ((data['detection'] as { event: { ancestors: unknown[] } }).event.ancestors.length);
              },
              floor: async () => {
                const d = await detections.byId(detectionId, null, null);
                return 1 + (await reader.ancestors(`${d!.oid}/${d!.eventAtom ?? ''}`, ANCESTRY_DEPTH, null)).length;
              },
            },
          },
        ]
      : []),
    {
      name: 'event',
      rounds: ROUNDS,
      ask: {
        api: async (r) => Number(((await graphql(api, `query($atom: ID!) { event(atom: $atom) { ${EVENT_FIELDS} ... on NewProcess { filePath commandLine processId } } }`, { atom: atomOf(r) }))['event'] as object) !== null),
        floor: async (r) => Number((await reader.byAtom(atomOf(r), null, null)) !== null),
        'neo4j-graphql': async (r) => ((await graphql(ng, `query($atom: String!) { events(where: {atom: {eq: $atom}}, limit: 1) { uid atom type time hostname parentAtom raw } }`, { atom: atomOf(r) }))['events'] as unknown[]).length,
      },
    },
    {
      name: `ancestors (depth ${ANCESTRY_DEPTH})`,
      rounds: ROUNDS,
      ask: {
        api: async () => ((await graphql(api, `query($atom: ID!) { ancestors(atom: $atom, maxDepth: ${ANCESTRY_DEPTH}) { ${EVENT_FIELDS} } }`, { atom: t.deepAtom }))['ancestors'] as unknown[]).length,
        floor: async () => (await reader.ancestorsOfAtom(t.deepAtom, ANCESTRY_DEPTH, null, null)).length,
        'neo4j-graphql': async () => {
          const data = await graphql(ng, `query($atom: String!) { events(where: {atom: {eq: $atom}}, limit: 1) { uid ${nestedParents(ANCESTRY_DEPTH)} } }`, { atom: t.deepAtom });
          return countNested((data['events'] as Record<string, unknown>[])[0]);
        },
      },
    },
    {
      name: `descendants (${t.treeSize}-node tree, first ${TREE_PAGE})`,
      rounds: SLOW_ROUNDS,
      ask: {
        api: async () => {
          const data = await graphql(api, `query($atom: ID!) { descendants(atom: $atom, maxDepth: ${TREE_DEPTH}, first: ${TREE_PAGE}) { totalCount edges { depth node { ${EVENT_FIELDS} } } } }`, { atom: t.treeRootAtom });
          return ((data['descendants'] as { edges: unknown[] }).edges).length;
        },
        floor: async () => {
          const start = await reader.byAtom(t.treeRootAtom, null, null);
          return (await trees.descendants(start!.uid, TREE_DEPTH, null, TREE_PAGE, null, null)).edges.length;
        },
        'neo4j-graphql': async () =>
          ((await graphql(ng, `query($atom: String!) { descendantsOf(atom: $atom, maxDepth: ${TREE_DEPTH}, first: ${TREE_PAGE}) { depth uid atom type time parentAtom } }`, { atom: t.treeRootAtom }))['descendantsOf'] as unknown[]).length,
      },
    },
    {
      name: `sightings (hash on ${t.hashHosts} hosts)`,
      rounds: ROUNDS,
      ask: {
        api: async () => ((await graphql(api, `query($v: String!) { sightings(kind: HASH, value: $v, first: ${PAGE}) { totalCount nodes { hostname sensorId count firstSeen lastSeen } } }`, { v: t.hash }))['sightings'] as { nodes: unknown[] }).nodes.length,
        floor: async () => (await sightings.sightings('HASH', t.hash, null, PAGE, null, null)).edges.length,
        'neo4j-graphql': async () => ((await graphql(ng, `query($v: String!) { hostsThatSaw(kind: "HASH", value: $v, first: ${PAGE}) { hostname sid count firstSeen lastSeen } }`, { v: t.hash }))['hostsThatSaw'] as unknown[]).length,
      },
    },
    {
      name: `events page (${t.pageType} on one host, first ${PAGE})`,
      rounds: SLOW_ROUNDS,
      ask: {
        api: async () => {
          const data = await graphql(api, `query($h: String!, $t: String!) { events(filter: {hostnames: [$h], eventTypes: [$t]}, first: ${PAGE}) { totalCount edges { cursor node { ${EVENT_FIELDS} } } } }`, { h: t.hostname, t: t.pageType });
          return ((data['events'] as { edges: unknown[] }).edges).length;
        },
        floor: async () => (await search.events({ hostnames: [t.hostname], eventTypes: [t.pageType] }, 'TIME_DESC', PAGE, null, null)).edges.length,
        'neo4j-graphql': async () => {
          const data = await graphql(
            ng,
            `query($h: String!, $t: String!) { events(where: {hostname: {eq: $h}, type: {eq: $t}}, sort: [{time: DESC}], limit: ${PAGE}) { uid atom type time hostname parentAtom }
               eventsConnection(where: {hostname: {eq: $h}, type: {eq: $t}}) { totalCount } }`,
            { h: t.hostname, t: t.pageType },
          );
          return (data['events'] as unknown[]).length;
        },
      },
    },
  ];
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const graph = await benchGraph(log);
  const t = graph.targets;
  log(`graph: ${graph.events} events; tree ${t.treeSize} nodes (depth ${t.treeDepth}); hash on ${t.hashHosts} hosts`);
  const api = await startApi(graph.neo4j, { API_MAX_PAGE: '500' });
  const ng = await startNeo4jGraphql(graph.neo4j);
  const timings = new Map<string, number[]>();
  const answers = new Map<string, number>();
  try {
    const qs = questions(t, api.url, ng.url, graph.executor, await topDetectionId(graph.executor, t.orgId));
    for (const q of qs) {
      const paths = PATHS.filter((p) => q.ask[p]);
      for (const path of paths) answers.set(`${q.name}|${path}`, await q.ask[path]!(0));
      const seen = paths.map((p) => answers.get(`${q.name}|${p}`));
      if (new Set(seen).size !== 1) throw new Error(`${q.name}: the paths disagree (${paths.map((p, i) => `${p} ${seen[i]}`).join(', ')})`);
      log(`${q.name}: every path returns ${seen[0]}`);
    }
    for (let round = -WARMUP; round < ROUNDS; round++) {
      // Who asks first pays for the pages Neo4j has not cached yet (each round's `event` asks for
      // another atom), so the order of the paths rotates from round to round.
      const order = PATHS.map((_, k) => PATHS[(k + round + WARMUP) % PATHS.length]!);
      for (const q of qs) {
        // A question with fewer rounds is asked in evenly spread rounds, so drift hits it too.
        if (round >= 0 && (round * q.rounds) % ROUNDS >= q.rounds) continue;
        for (const path of order) {
          const ask = q.ask[path];
          if (!ask) continue;
          const started = performance.now();
          await ask(round + WARMUP);
          const ms = performance.now() - started;
          if (round < 0) continue;
          const key = `${q.name}|${path}`;
          if (!timings.has(key)) timings.set(key, []);
          timings.get(key)!.push(ms);
        }
      }
      if ((round + 1) % 100 === 0) log(`  ${round + 1}/${ROUNDS} rounds`);
    }
  } finally {
    await closeClients();
    await api.stop();
    await ng.stop();
    await graph.close();
    await graph.neo4j.stop();
  }
  const rows = [...new Set([...timings.keys()].map((k) => k.split('|')[0]!))].map((question) => {
    const of = (path: Path) => timings.get(`${question}|${path}`) ?? [];
    const stat = (path: Path) => (of(path).length === 0 ? null : { p50: round1(percentile(of(path), 50)), p99: round1(percentile(of(path), 99)) });
    const a = stat('api')!;
    const f = stat('floor')!;
    const n = stat('neo4j-graphql');
    return {
      question,
      samples: of('api').length,
      answer: answers.get(`${question}|api`),
      api: a,
      floor: f,
      neo4jGraphql: n,
      apiOverFloor: { p50: Math.round((a.p50 / f.p50) * 100) / 100, p99: Math.round((a.p99 / f.p99) * 100) / 100 },
    };
  });
  const result = { date: new Date().toISOString(), client: 'undici Pool.request, one keep-alive connection per server', fleet: { hosts: BENCH_FLEET.hosts, events: graph.events, seed: BENCH_FLEET.seed }, rounds: ROUNDS, warmup: WARMUP, targets: { ...t, eventAtoms: t.eventAtoms.length }, rows };
  const file = writeResult('query', result);
  const lines = [
    '| question | api p50 / p99 (ms) | floor p50 / p99 (ms) | api ÷ floor p50 / p99 | @neo4j/graphql p50 / p99 (ms) |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.question} | ${r.api.p50} / ${r.api.p99} | ${r.floor.p50} / ${r.floor.p99} | ${r.apiOverFloor.p50} / ${r.apiOverFloor.p99} | ${r.neo4jGraphql ? `${r.neo4jGraphql.p50} / ${r.neo4jGraphql.p99}` : '—'} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n\nresults: ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:query failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
