/**
 * The single place that runs Cypher. Every statement is a named constant with `$parameters`;
 * reads go through managed read transactions (routed to secondaries on a cluster), writes through
 * write transactions, each with a timeout and metadata naming the query so it shows in
 * `SHOW TRANSACTIONS` and the query log. Neo4j errors become the project's error codes here.
 *
 * Every session of one executor (one per process) shares a bookmark manager: on a cluster, a read
 * waits until the member it is routed to has applied every write this process committed before
 * it, so a client that ingests through this replica and then queries it reads its own writes. On a
 * single server bookmarks are already satisfied and cost nothing.
 */
import { bookmarkManager, type BookmarkManager, type Driver, type ManagedTransaction, type QueryResult, type RecordShape } from 'neo4j-driver';
import { AppError, ErrorCode } from '../errors/codes';

export interface NamedQuery {
  /** Shown in transaction metadata and debug logs. */
  readonly name: string;
  readonly cypher: string;
}

export interface QueryEvent {
  name: string;
  /** The statement's text; for a multi-statement transaction, each statement's name on a line. */
  cypher: string;
  params: Record<string, unknown>;
  /** The parameters' names (for a transaction, of all its statements). */
  paramNames: string[];
  ms: number;
  mode: 'READ' | 'WRITE';
}

export interface QueryListener {
  (event: QueryEvent): void;
}

/**
 * What a debug log says of a statement that ran: its name, text and parameter names. Never the
 * parameter values: they hold API key hashes and client data. neo4j/graphql logs the same way.
 */
export function describeQuery(event: QueryEvent): { query: string; cypher: string; params: string[]; ms: number; mode: 'READ' | 'WRITE' } {
  return { query: event.name, cypher: event.cypher.trim(), params: event.paramNames, ms: Math.round(event.ms * 10) / 10, mode: event.mode };
}

export type TxRunner = (query: NamedQuery, params?: Record<string, unknown>) => Promise<QueryResult>;

export interface ExecutorOptions {
  database: string;
  timeoutMs: number;
  onQuery?: QueryListener;
}

/** What the executor is doing right now, for /metrics: the driver does not expose its pool. */
export interface ExecutorStats {
  /** Sessions open (each holds, or waits for, one pooled connection), by access mode. */
  inUse: { READ: number; WRITE: number };
  /** Transactions that failed, by the driver's or Neo4j's error code. */
  failures: Map<string, number>;
}

export class GraphExecutor {
  readonly stats: ExecutorStats = { inUse: { READ: 0, WRITE: 0 }, failures: new Map() };
  /** Causal consistency across this process's sessions (see above). */
  readonly bookmarks: BookmarkManager = bookmarkManager();
  private readonly listeners: QueryListener[] = [];

  constructor(
    readonly driver: Driver,
    private readonly options: ExecutorOptions,
  ) {
    if (options.onQuery) this.listeners.push(options.onQuery);
  }

  /** The longest any transaction of this executor may run (NEO4J_TX_TIMEOUT_MS): retention waits this out (src/graph/prune). */
  get transactionTimeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** Hears every statement and transaction as it ends (name, mode, milliseconds); returns the way to stop. */
  observe(listener: QueryListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private ended(event: QueryEvent, error: unknown): void {
    this.stats.inUse[event.mode]--;
    if (error !== undefined) {
      const code = String((error as { code?: unknown })?.code ?? 'unknown');
      this.stats.failures.set(code, (this.stats.failures.get(code) ?? 0) + 1);
    }
    for (const listener of this.listeners) listener(event);
  }

  read<R extends RecordShape = RecordShape>(query: NamedQuery, params: Record<string, unknown> = {}): Promise<QueryResult<R>> {
    return this.run('READ', query, params);
  }

  write<R extends RecordShape = RecordShape>(query: NamedQuery, params: Record<string, unknown> = {}): Promise<QueryResult<R>> {
    return this.run('WRITE', query, params);
  }

  /**
   * Several statements in one write transaction (all or nothing). `work` may run more than once
   * when Neo4j reports a transient error, so it must not have side effects outside the transaction.
   */
  async writeTransaction<T>(name: string, work: (run: TxRunner) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'WRITE', bookmarkManager: this.bookmarks });
    this.stats.inUse.WRITE++;
    const started = performance.now();
    let failure: unknown;
    const ran = new Set<string>();
    const names = new Set<string>();
    try {
      return await session.executeWrite(
        (tx) => work(async (query, params = {}) => {
          ran.add(query.name);
          for (const key of Object.keys(params)) names.add(key);
          return tx.run(query.cypher, params);
        }),
        { timeout: this.options.timeoutMs, metadata: { app: 'atomgraph', query: name } },
      );
    } catch (error) {
      failure = error;
      throw toAppError(error, name);
    } finally {
      await session.close();
      this.ended({ name, cypher: [...ran].join('\n'), params: {}, paramNames: [...names].sort(), ms: performance.now() - started, mode: 'WRITE' }, failure);
    }
  }

  /**
   * One statement outside a managed transaction: only such a statement may commit in batches of its
   * own (`CALL ... IN TRANSACTIONS`). It is not retried, so it must be safe to run again by hand.
   */
  async autoCommit(query: NamedQuery, params: Record<string, unknown> = {}): Promise<void> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'WRITE' });
    this.stats.inUse.WRITE++;
    const started = performance.now();
    let failure: unknown;
    try {
      // No timeout: a batched delete of a whole fleet may rightly take longer than one read may.
      await session.run(query.cypher, params, { metadata: { app: 'atomgraph', query: query.name } });
    } catch (error) {
      failure = error;
      throw toAppError(error, query.name);
    } finally {
      await session.close();
      this.ended({ name: query.name, cypher: query.cypher, params, paramNames: Object.keys(params).sort(), ms: performance.now() - started, mode: 'WRITE' }, failure);
    }
  }

  private async run<R extends RecordShape>(
    mode: 'READ' | 'WRITE',
    query: NamedQuery,
    params: Record<string, unknown>,
  ): Promise<QueryResult<R>> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: mode, bookmarkManager: this.bookmarks });
    this.stats.inUse[mode]++;
    const started = performance.now();
    let failure: unknown;
    const txConfig = { timeout: this.options.timeoutMs, metadata: { app: 'atomgraph', query: query.name } };
    try {
      // The work function may be retried on transient errors, so it only runs the query and
      // consumes its result (QueryResult is fully buffered by tx.run's promise).
      const work = async (tx: ManagedTransaction): Promise<QueryResult<R>> => tx.run<R>(query.cypher, params);
      const result = mode === 'READ' ? await session.executeRead(work, txConfig) : await session.executeWrite(work, txConfig);
      return result;
    } catch (error) {
      failure = error;
      throw toAppError(error, query.name);
    } finally {
      await session.close();
      this.ended({ name: query.name, cypher: query.cypher, params, paramNames: Object.keys(params).sort(), ms: performance.now() - started, mode }, failure);
    }
  }
}

/** Maps driver and server errors to client-safe errors; unknown ones pass through unchanged. */
export function toAppError(error: unknown, queryName: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return error;
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || code.startsWith('Neo.TransientError.General.DatabaseUnavailable')) {
    return new AppError(ErrorCode.DATABASE_UNAVAILABLE, `the graph database is unavailable (${queryName})`);
  }
  if (code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut') || code.includes('TransactionTimedOut')) {
    return new AppError(ErrorCode.DATABASE_TIMEOUT, `the query ${queryName} took longer than the configured timeout`);
  }
  if (code === 'Neo.ClientError.Security.Unauthorized') {
    return new AppError(ErrorCode.DATABASE_UNAVAILABLE, 'the graph database refused our credentials (check NEO4J_USERNAME/NEO4J_PASSWORD)');
  }
  return error;
}
