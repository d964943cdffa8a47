/** What every resolver receives: the graph readers, per-request loaders and limits, the caller's org scope. */
import type { GraphExecutor } from '../graph/executor';
import type { EventReader, OrgScope } from '../graph/reader/events';
import type { LateralReader } from '../graph/reader/lateral';
import type { SearchReader } from '../graph/reader/search';
import type { SightingReader } from '../graph/reader/sightings';
import type { TreeReader } from '../graph/reader/trees';
import type { Logger } from '../log/logger';
import type { Loaders } from './loaders';

export interface ApiLimits {
  /** Largest maxDepth a client may ask for in ancestry. */
  maxDepth: number;
  /** Largest maxDepth for descendants. */
  maxTreeDepth: number;
  /** Largest page size. */
  maxPage: number;
}

export interface ApiContext {
  executor: GraphExecutor;
  reader: EventReader;
  trees: TreeReader;
  sightings: SightingReader;
  search: SearchReader;
  lateral: LateralReader;
  loaders: Loaders;
  /** Orgs the caller may read; null means all (until API keys fill it). */
  orgScope: OrgScope;
  limits: ApiLimits;
  logger: Logger;
  serverVersion: string;
  ingestBatchSize: number;
}
