/**
 * THE rule for a write transaction Neo4j chose as a deadlock's victim: write it again. Batches
 * that lock overlapping nodes (two senders replaying the same events, ingest beside a prune, shared
 * parents, sensors and indicators) deadlock under load however their rows are ordered; Neo4j rolls
 * one side back. The driver retries within NEO4J_MAX_RETRY_MS; this goes on, with a growing random
 * pause, so a batch yields to the other instead of failing its load. Every batch is all or nothing,
 * so writing it again is always safe.
 */

/** Attempts of one transaction that Neo4j chose as a deadlock's victim, beyond the driver's own retries. */
export const DEADLOCK_ATTEMPTS = 20;

export function isDeadlock(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return code.includes('DeadlockDetected') || String(cause?.code ?? '').includes('DeadlockDetected') || isVanished(error);
}

/**
 * The same kind of conflict without a lock: a statement matched a node that a concurrent
 * transaction (a prune) deleted before this one read it, and Neo4j fails the statement with
 * "Unable to load NODE ..." (seen in prune.int's prune-while-loading test, from the detection
 * writer). The batch is all or nothing, so it is written again, like a deadlock's victim.
 */
function isVanished(error: unknown): boolean {
  const message = (e: unknown) => String((e as { message?: unknown } | null)?.message ?? '');
  const cause = (error as { cause?: unknown } | null)?.cause;
  return /^Unable to load (NODE|RELATIONSHIP) /.test(message(error)) || /^Unable to load (NODE|RELATIONSHIP) /.test(message(cause));
}

export async function retryingDeadlocks<T>(work: () => Promise<T>, attempts = DEADLOCK_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * attempt));
    }
  }
}
