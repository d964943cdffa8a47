/** What every resolver receives: the graph readers, per-request loaders and limits, the caller's org scope. */
import type { GraphExecutor } from '../graph/executor';
import type { EventReader, OrgScope } from '../graph/reader/events';
import type { Logger } from '../log/logger';
import type { Loaders } from './loaders';

export interface ApiLimits {
  /** Largest maxDepth a client may ask for. */
  maxDepth: number;
}

export interface ApiContext {
  executor: GraphExecutor;
  reader: EventReader;
  loaders: Loaders;
  /** Orgs the caller may read; null means all (until API keys fill it). */
  orgScope: OrgScope;
  limits: ApiLimits;
  logger: Logger;
  serverVersion: string;
  ingestBatchSize: number;
}
