/** What every resolver receives: the graph readers, per-request loaders and limits, the caller's org scope. */
import type { Principal } from '../auth/principal';
import type { GraphExecutor } from '../graph/executor';
import type { EventReader, OrgScope } from '../graph/reader/events';
import type { LateralReader } from '../graph/reader/lateral';
import type { SearchReader } from '../graph/reader/search';
import type { SightingReader } from '../graph/reader/sightings';
import type { TreeReader } from '../graph/reader/trees';
import type { Logger } from '../log/logger';
import type { LiveFeed } from '../live/feed';
import type { WriteLane } from '../ingest/write-lane';
import type { Loaders } from './loaders';
import type { Warning } from './warnings';
import type { Metrics } from './metrics';

export interface ApiContext {
  executor: GraphExecutor;
  reader: EventReader;
  trees: TreeReader;
  sightings: SightingReader;
  search: SearchReader;
  lateral: LateralReader;
  loaders: Loaders;
  /** Orgs the caller may read and write: the API key's, or null (all) with auth off. Applied inside every Cypher query. */
  orgScope: OrgScope;
  /** Who is calling (the key's id, orgs and role). */
  principal: Principal;
  logger: Logger;
  serverVersion: string;
  ingestBatchSize: number;
  /** The process's one queue of ingest write transactions (src/ingest/write-lane.ts). */
  ingestLane: WriteLane;
  /** False on a query-only replica (ROLE=query): ingestEvents is refused there. */
  servesIngest: boolean;
  /** What the answer should say beside its data (a list cut at its limit...): `extensions.warnings`. */
  warnings: Warning[];
  /** Counters of this server (absent in tests that run operations without one): ingestEvents counts its outcome here. */
  metrics?: Metrics;
  /** The live feed committed events are published to (absent when no server runs one, e.g. executeOperation in tests). */
  live?: LiveFeed;
}
