/** What every resolver receives: the graph layer and the request's facts, nothing else. */
import type { GraphExecutor } from '../graph/executor';
import type { Logger } from '../log/logger';

export interface ApiContext {
  executor: GraphExecutor;
  logger: Logger;
  serverVersion: string;
  ingestBatchSize: number;
}
