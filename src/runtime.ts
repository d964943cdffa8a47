/**
 * Wires a process together: config -> logger -> driver -> executor. CLI commands and tests call
 * this instead of building the pieces themselves, so every entry point behaves the same.
 */
import type { Driver } from 'neo4j-driver';
import { loadConfig, type Config, type ConfigInput } from './config/env';
import { createDriver, DEFAULT_LOCAL_URI } from './graph/driver';
import { describeQuery, GraphExecutor, type QueryListener } from './graph/executor';
import { createLogger, type Logger } from './log/logger';
import { type LocalNeo4j, startLocalNeo4j } from './local/neo4j';

export interface Runtime {
  config: Config;
  logger: Logger;
  driver: Driver;
  executor: GraphExecutor;
  uri: string;
  /** The local Neo4j, when this runtime found NEO4J_URI unset and used (or started) it. */
  localNeo4j: LocalNeo4j | null;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  overrides?: ConfigInput;
  /** Start the embedded dev Neo4j when no NEO4J_URI is configured (npm start, the demo). */
  startLocalNeo4jIfUnset?: boolean;
  logger?: Logger;
}

export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const config = loadConfig(options.overrides);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  let uri = config.NEO4J_URI ?? DEFAULT_LOCAL_URI;
  let local: LocalNeo4j | null = null;
  if (!config.NEO4J_URI && options.startLocalNeo4jIfUnset) {
    logger.info('NEO4J_URI is not set: starting the local embedded Neo4j');
    local = await startLocalNeo4j({ user: config.NEO4J_USERNAME, password: config.NEO4J_PASSWORD, quiet: true });
    uri = local.uri;
    logger.info({ uri, pid: local.pid, alreadyRunning: local.alreadyRunning }, 'local Neo4j ready');
  }
  const driver = createDriver(config, uri);
  const executor = new GraphExecutor(driver, {
    database: config.NEO4J_DATABASE,
    timeoutMs: config.NEO4J_TX_TIMEOUT_MS,
    onQuery: debugQueryLog(logger),
  });
  return { config, logger, driver, executor, uri, localNeo4j: local, close: () => driver.close() };
}

/** At LOG_LEVEL=debug, each statement with its text and parameter names, so a slow request's Cypher can be read back. */
export function debugQueryLog(logger: Logger): QueryListener {
  return (event) => {
    if (logger.isLevelEnabled('debug')) logger.debug(describeQuery(event), 'cypher');
  };
}
