/**
 * The live feed of detections (Subscription.detectionAdded): ingest publishes the detections it
 * committed; each subscriber gets those its filter and org scope admit, through the same bounded
 * drop-oldest buffer and subscriber as eventAdded, so publishing never waits for a subscriber. One
 * per LiveFeed, with that feed's buffer size; its global cap is counted apart from eventAdded's, but
 * an API key's share (LIVE_MAX_SUBSCRIPTIONS_PER_KEY) is one share over both.
 */
import { AppError, ErrorCode } from '../errors/codes';
import type { DetectionFilter } from '../graph/reader/detections';
import type { DetectionRow } from '../graph/writer/detections';
import { perKeyRefusal, type LiveFeed } from './feed';
import { type Delivery, type OwnerSlots, Subscriber } from './subscriber';

export type DetectionDelivery = Delivery<DetectionRow>;

type Test = (row: DetectionRow) => boolean;

const big = (v: unknown): bigint | null => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null);

/** The filter as a predicate on a row; the caller's orgs always apply, whatever orgIds says. */
export function detectionRowTest(filter: DetectionFilter | null, orgs: readonly string[] | null): Test {
  const f = filter ?? {};
  const scope = orgs ? new Set(orgs) : null;
  const orgIds = f.orgIds?.length ? new Set(f.orgIds) : null;
  const sids = f.sensorIds?.length ? new Set(f.sensorIds) : null;
  const hosts = f.hostnames?.length ? new Set(f.hostnames.map((h) => h.toLowerCase())) : null;
  return (row) => {
    const p = row.props;
    if (scope && !scope.has(row.oid)) return false;
    if (orgIds && !orgIds.has(row.oid)) return false;
    if (sids && !sids.has(String(p['sid']))) return false;
    if (hosts && !hosts.has(String(p['hostKey']))) return false;
    if (f.rule && p['rule'] !== f.rule) return false;
    if (f.category && p['cat'] !== f.category) return false;
    if (f.tag && !row.tags.includes(f.tag)) return false;
    const priority = big(p['priority']);
    if (f.minPriority !== null && f.minPriority !== undefined && (priority === null || priority < f.minPriority)) return false;
    const time = big(p['time']);
    if (f.from !== null && f.from !== undefined && (time === null || time < f.from)) return false;
    if (f.to !== null && f.to !== undefined && (time === null || time >= f.to)) return false;
    return true;
  };
}

export class DetectionFeed {
  private readonly subs = new Set<Subscriber<DetectionRow>>();

  constructor(
    private readonly bufferSize: number,
    private readonly maxSubscriptions: number,
    private readonly owners: OwnerSlots,
    private readonly onError?: (error: unknown) => void,
  ) {}

  get subscriptions(): number {
    return this.subs.size;
  }

  publish(rows: readonly DetectionRow[]): void {
    if (this.subs.size === 0) return;
    try {
      for (const row of rows) for (const sub of this.subs) sub.offer(row);
    } catch (error) {
      this.onError?.(error);
    }
  }

  /** `owner` (the API key's id) draws on the same per-key share as its eventAdded subscriptions. */
  subscribe(filter: DetectionFilter | null, orgs: readonly string[] | null, owner: string | null = null): AsyncIterableIterator<DetectionDelivery> {
    const release = this.owners.take(owner, perKeyRefusal);
    if (this.subs.size >= this.maxSubscriptions) {
      release();
      throw new AppError(ErrorCode.LIMIT_EXCEEDED, `the server holds at most ${this.maxSubscriptions} live detection subscriptions; try again later`, { max: this.maxSubscriptions });
    }
    const sub = new Subscriber<DetectionRow>(detectionRowTest(filter, orgs), this.bufferSize, undefined, () => {
      this.subs.delete(sub);
      release();
    });
    this.subs.add(sub);
    return sub;
  }

  close(): void {
    for (const sub of [...this.subs]) void sub.return();
  }
}

const feeds = new WeakMap<LiveFeed, DetectionFeed>();

/** The detection feed beside a live feed (made on first use, with its buffer size and cap). */
export function detectionFeedOf(live: LiveFeed): DetectionFeed {
  let feed = feeds.get(live);
  if (!feed) {
    feed = new DetectionFeed(live.options.bufferEvents, live.options.maxSubscriptions, live.owners, live.options.onError);
    feeds.set(live, feed);
  }
  return feed;
}
