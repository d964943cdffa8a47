/**
 * The live feed across replicas (LIVE_FEED=neo4j): ingest records each committed batch in Neo4j
 * (src/graph/feed-log.ts) instead of publishing it in-process, and every replica, this one
 * included, polls the log and publishes what it finds to its own subscribers. So a subscriber
 * hears every batch whichever replica stored it, within one poll interval plus a read.
 *
 * Delivery is at least once, made exactly once per replica by the event's key (`oid/atom`, and
 * the detection's uid): a bounded window of recently published keys is skipped. A replica starts
 * from the log's head when it starts (it has no subscribers before), and after a lost connection
 * to Neo4j resumes from the last batch it published, as long as the log still holds it
 * (LIVE_LOG_RETENTION_MS); batches trimmed before it came back are counted as dropped and logged.
 * The events and detections a batch names are read only when someone here is subscribed (so
 * `atomgraph_live_published_total` counts, on each replica, what it published to someone).
 * The server sets `live.log` so that ingest through this process records instead of publishing.
 */
import type { GraphExecutor } from '../graph/executor';
import { type FeedBatch, FeedLogReader } from '../graph/feed-log';
import type { Logger } from '../log/logger';
import { detectionFeedOf } from './detections';
import type { LiveFeed } from './feed';

export interface ReplicatedFeedOptions {
  pollMs: number;
  retentionMs: number;
  logger: Logger;
}

/** Batches read per poll; a replica further behind catches up over the following polls at once. */
const BATCHES_PER_POLL = 200;
/** Keys remembered to skip a repeat; a repeat can only come from a batch read again, never far back. */
const RECENT_KEYS = 100_000;
/** How often a replica deletes batches past the retention (any replica may; deletes are idempotent). */
const TRIM_EVERY_MS = 30_000;
const TRIM_LIMIT = 10_000;

/** A bounded set: the oldest key is forgotten when a new one would exceed the size. */
class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly size: number) {}
  /** True when the key was not seen; remembers it. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.size) {
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
    }
    return true;
  }
}

export class ReplicatedFeed {
  private readonly reader: FeedLogReader;
  private last = -1;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;
  private lastTrim = 0;
  private readonly seenEvents = new RecentKeys(RECENT_KEYS);
  private readonly seenDetections = new RecentKeys(RECENT_KEYS);
  /** The last batch read (its `seq`): everything up to it has been published here. */
  get position(): number {
    return this.last;
  }

  constructor(
    executor: GraphExecutor,
    private readonly live: LiveFeed,
    private readonly options: ReplicatedFeedOptions,
  ) {
    this.reader = new FeedLogReader(executor);
  }

  /**
   * Reads the head (so nothing committed from now on is missed), then polls until stop(). With
   * Neo4j unreachable the server still starts (its probes say so); the first poll that reaches
   * Neo4j reads the head instead.
   */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = null;
        this.schedule();
      });
    }, this.options.pollMs);
    this.timer.unref();
  }

  /** One round: every batch after the last one published, a bounded number at a time. */
  async poll(): Promise<void> {
    try {
      if (this.last < 0) {
        this.last = await this.reader.head();
        return;
      }
      for (;;) {
        const batches = await this.reader.after(this.last, BATCHES_PER_POLL);
        if (batches.length === 0) break;
        for (const batch of batches) await this.publish(batch);
        if (batches.length < BATCHES_PER_POLL || this.stopped) break;
      }
      if (Date.now() - this.lastTrim >= TRIM_EVERY_MS) {
        this.lastTrim = Date.now();
        await this.reader.trim(Date.now() - this.options.retentionMs, TRIM_LIMIT);
      }
    } catch (err) {
      // Neo4j unreachable: keep the position and try again next round.
      this.options.logger.warn({ err }, 'live feed: reading the shared log failed; retrying');
    }
  }

  private async publish(batch: FeedBatch): Promise<void> {
    const gap = batch.seq - this.last - 1;
    if (gap > 0) {
      // Sequence numbers are consecutive (one counter, rolled back with its transaction): a gap is trimmed batches.
      this.options.logger.warn({ from: this.last + 1, to: batch.seq - 1 }, 'live feed: batches were trimmed before this replica read them');
    }
    if (batch.kind === 'events' && this.live.subscriptions > 0) {
      const rows = (await this.reader.events(batch.uids)).filter((r) => this.seenEvents.add(r.uid));
      this.live.publish(rows);
    } else if (batch.kind === 'detections') {
      const detections = detectionFeedOf(this.live);
      if (detections.subscriptions > 0) detections.publish((await this.reader.detections(batch.uids)).filter((r) => this.seenDetections.add(r.uid)));
    }
    this.last = batch.seq;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
  }
}
