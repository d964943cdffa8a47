/** Creates the one neo4j-driver instance a process uses; only src/graph/* talks to the driver. */
import neo4j, { type Driver } from 'neo4j-driver';
import type { Config } from '../config/env';

export const DEFAULT_LOCAL_URI = 'bolt://127.0.0.1:7687';

/** Connections the driver keeps per Neo4j server (reported on /metrics). */
export const POOL_SIZE = 50;

export function createDriver(config: Config, uri: string = config.NEO4J_URI ?? DEFAULT_LOCAL_URI): Driver {
  return neo4j.driver(uri, neo4j.auth.basic(config.NEO4J_USERNAME, config.NEO4J_PASSWORD), {
    // Bounded waits: a dead database fails requests within seconds instead of hanging them.
    connectionAcquisitionTimeout: config.NEO4J_ACQUIRE_TIMEOUT_MS,
    connectionTimeout: Math.min(config.NEO4J_ACQUIRE_TIMEOUT_MS, 10_000),
    maxTransactionRetryTime: config.NEO4J_MAX_RETRY_MS,
    maxConnectionPoolSize: POOL_SIZE,
    userAgent: 'atomgraph',
    // 64-bit integers come back as neo4j Integer objects; the graph layer converts them exactly.
    disableLosslessIntegers: false,
  });
}
