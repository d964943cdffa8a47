/**
 * The graph the query and load benchmarks stand on: a generated fleet (1M events by default)
 * loaded once into the kept bench Neo4j, plus one deep process chain (shells spawning shells, as
 * build systems and some malware do) so ancestry can be measured at depth 20; and the targets each
 * question is asked about, picked from the graph by Cypher so no number is hard-coded.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { keptBenchNeo4j, type BenchNeo4j } from './neo4j';
import { parseConfig } from '../../src/config/env';
import { loadFleetOnce } from '../../src/demo/load-fleet';
import { withDefaults, type GenerateOptions } from '../../src/generate';
import { createDriver } from '../../src/graph/driver';
import { GraphExecutor, type NamedQuery } from '../../src/graph/executor';
import { migrate } from '../../src/graph/schema/migrate';
import { ingest } from '../../src/ingest/pipeline';
import { readStream } from '../../src/ingest/read/read-stream';

const EVENTS = Number(process.env['BENCH_GRAPH_EVENTS'] ?? 1_000_000);
/** About 10,000 events per host, so a host's process tree is the 10,000-node tree the issue asks for. */
const HOSTS = Number(process.env['BENCH_GRAPH_HOSTS'] ?? Math.max(1, Math.round(EVENTS / 10_000)));
export const BENCH_FLEET: GenerateOptions = withDefaults({ hosts: HOSTS, events: EVENTS, seed: 'atomgraph-bench', orgs: 1 });
const CHAIN_DEPTH = 24;

export interface BenchTargets {
  orgId: string;
  /** NEW_PROCESS atoms spread over the fleet, asked for in turn by `event`. */
  eventAtoms: string[];
  /** The deepest event of the deep chain: `ancestors(maxDepth: 20)` returns 20 events. */
  deepAtom: string;
  /** The process whose tree (maxDepth 32) is closest to 10,000 events, and that tree's size. */
  treeRootAtom: string;
  treeSize: number;
  treeDepth: number;
  /** The hash seen by the most hosts. */
  hash: string;
  hashHosts: number;
  /** A host and an event type for an `events` page. */
  hostname: string;
  pageType: string;
}

export interface BenchGraph {
  neo4j: BenchNeo4j;
  executor: GraphExecutor;
  events: number;
  targets: BenchTargets;
  close(): Promise<void>;
}

const PICK_EVENTS: NamedQuery = {
  name: 'bench: event atoms',
  cypher: `MATCH (e:NEW_PROCESS) WHERE e.oid = $org AND e.placeholder = false
WITH e ORDER BY e.uid SKIP 7 LIMIT 5000 WITH collect(e.atom) AS atoms
RETURN [i IN range(0, size(atoms) - 1, 25) | atoms[i]] AS atoms`,
};

const PICK_TREE: NamedQuery = {
  name: 'bench: the tree nearest 10,000 events',
  cypher: `MATCH (root:Process) WHERE root.oid = $org AND NOT (root)-[:PARENT]->()
CALL (root) {
  MATCH (root) (()<-[:PARENT]-(x:Event)){1,32}
  WITH last(x) AS d, min(size(x)) AS depth
  RETURN count(d) AS size, max(depth) AS depth
}
RETURN root.atom AS atom, size, depth ORDER BY abs(size - 10000) LIMIT 1`,
};

const PICK_HASH: NamedQuery = {
  name: 'bench: the most widely seen hash',
  cypher: `MATCH (i:Indicator {kind: 'HASH'}) WHERE i.oid = $org
RETURN i.value AS value, COUNT { (:Sensor)-[:SAW]->(i) } AS hosts ORDER BY hosts DESC, value LIMIT 1`,
};

const PICK_HOST: NamedQuery = {
  name: 'bench: a busy host',
  cypher: `MATCH (s:Sensor) WHERE s.oid = $org RETURN s.hostname AS hostname ORDER BY s.eventCount DESC, s.uid LIMIT 1`,
};

function atomFor(i: number): string {
  return createHash('sha256').update(`bench-chain/${i}`).digest('hex').slice(0, 32);
}

/** CHAIN_DEPTH + 1 NEW_PROCESS events, each the child of the one before, on one of the fleet's hosts. */
function deepChain(org: string, sid: string, hostname: string, start: number): string {
  const lines: string[] = [];
  for (let i = 0; i <= CHAIN_DEPTH; i++) {
    const routing = { this: atomFor(i), ...(i > 0 ? { parent: atomFor(i - 1) } : {}), event_type: 'NEW_PROCESS', event_time: start + i * 1000, oid: org, sid, hostname, plat: 268435456, arch: 2 };
    const event = { FILE_PATH: 'C:\\Windows\\System32\\cmd.exe', COMMAND_LINE: `cmd.exe /c step${i}.cmd`, PROCESS_ID: 9000 + i, PARENT_PROCESS_ID: 8999 + i };
    lines.push(JSON.stringify({ routing, event }));
  }
  return `${lines.join('\n')}\n`;
}

export async function benchGraph(log: (line: string) => void): Promise<BenchGraph> {
  const neo4j = await keptBenchNeo4j(process.env);
  const config = parseConfig({ NEO4J_URI: neo4j.uri, NEO4J_USERNAME: neo4j.user, NEO4J_PASSWORD: neo4j.password, NEO4J_TX_TIMEOUT_MS: '600000' });
  const driver = createDriver(config, neo4j.uri);
  const executor = new GraphExecutor(driver, { database: config.NEO4J_DATABASE, timeoutMs: config.NEO4J_TX_TIMEOUT_MS });
  await migrate(executor);
  let lastLog = 0;
  const load = await loadFleetOnce(BENCH_FLEET, {
    executor,
    batchSize: config.INGEST_BATCH_SIZE,
    onStart: () => log(`loading the bench fleet (${BENCH_FLEET.hosts} hosts, ~${BENCH_FLEET.events} events) into ${neo4j.uri}; kept for later runs`),
    onProgress: (s) => {
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`  ${s.records} events read`);
      }
    },
  });
  if (load.loadedNow) log(`loaded ${load.events} events in ${load.seconds?.toFixed(0)} s`);
  const org = load.truth.orgs[0]!.oid;
  const host = (await executor.read(PICK_HOST, { org })).records[0]!;
  const hostname = host.get('hostname') as string;
  const sensor = await executor.read({ name: 'bench: sensor', cypher: 'MATCH (s:Sensor {hostname: $hostname}) WHERE s.oid = $org RETURN s.sid AS sid, s.firstSeen AS t' }, { org, hostname });
  const sid = sensor.records[0]!.get('sid') as string;
  // Loading the chain again stores nothing new: the writer is idempotent.
  await ingest(readStream(Readable.from([Buffer.from(deepChain(org, sid, hostname, load.truth.summary.firstEventTime))]), 'bench-chain'), { executor });
  const atoms = (await executor.read(PICK_EVENTS, { org })).records[0]!.get('atoms') as string[];
  const tree = (await executor.read(PICK_TREE, { org })).records[0]!;
  const hash = (await executor.read(PICK_HASH, { org })).records[0]!;
  const targets: BenchTargets = {
    orgId: org,
    eventAtoms: atoms,
    deepAtom: atomFor(CHAIN_DEPTH),
    treeRootAtom: tree.get('atom') as string,
    treeSize: Number(tree.get('size')),
    treeDepth: Number(tree.get('depth')),
    hash: hash.get('value') as string,
    hashHosts: Number(hash.get('hosts')),
    hostname,
    pageType: 'DNS_REQUEST',
  };
  return {
    neo4j,
    executor,
    events: load.events,
    targets,
    close: async () => {
      await driver.close();
    },
  };
}
