/**
 * The live feed's log in Neo4j, so that every API replica hears every committed batch without a
 * server of its own (Community has no change data capture). The writer records, in the same
 * transaction as a batch, one (:FeedBatch {seq, at, kind, uids}) naming what it stored for the
 * first time; `seq` comes from one (:FeedSequence) counter node, whose write lock is held from that
 * statement to commit, so sequence order is commit order and a replica that has read up to `seq`
 * never finds a smaller one appear later. Replicas poll for batches after the last they read and
 * read the nodes the batch names. Batches older than the retention are deleted by any replica.
 */
import type { Node } from 'neo4j-driver';
import type { GraphExecutor, NamedQuery, TxRunner } from './executor';
import type { EventRow } from './writer/rows';
import type { DetectionRow } from './writer/detections';

export type FeedKind = 'events' | 'detections';

export const FEED_SCHEMA_STATEMENTS: readonly NamedQuery[] = [
  { name: 'constraint feed_sequence_id', cypher: 'CREATE CONSTRAINT feed_sequence_id IF NOT EXISTS FOR (s:FeedSequence) REQUIRE s.id IS UNIQUE' },
  { name: 'constraint feed_batch_seq', cypher: 'CREATE CONSTRAINT feed_batch_seq IF NOT EXISTS FOR (b:FeedBatch) REQUIRE b.seq IS UNIQUE' },
  { name: 'index feed_batch_at', cypher: 'CREATE INDEX feed_batch_at IF NOT EXISTS FOR (b:FeedBatch) ON (b.at)' },
];

/** Run last in the batch's own transaction: the lock on the counter is held only until commit. */
export const RECORD_FEED_BATCH: NamedQuery = {
  name: 'live: record batch',
  cypher: `
MERGE (s:FeedSequence {id: 'live'})
SET s.seq = coalesce(s.seq, 0) + 1
CREATE (b:FeedBatch {seq: s.seq, at: timestamp(), kind: $kind, uids: $uids})`,
};

export const FEED_HEAD: NamedQuery = {
  name: 'live: head',
  cypher: `OPTIONAL MATCH (s:FeedSequence {id: 'live'}) RETURN coalesce(s.seq, 0) AS seq`,
};

export const FEED_AFTER: NamedQuery = {
  name: 'live: batches after',
  cypher: `
MATCH (b:FeedBatch) WHERE b.seq > $after
RETURN b.seq AS seq, b.kind AS kind, b.uids AS uids
ORDER BY seq LIMIT $limit`,
};

export const FEED_EVENTS: NamedQuery = {
  name: 'live: events of a batch',
  cypher: `
UNWIND $uids AS uid
MATCH (e:Event {uid: uid})
RETURN e`,
};

export const FEED_DETECTIONS: NamedQuery = {
  name: 'live: detections of a batch',
  cypher: `
UNWIND $uids AS uid
MATCH (d:Detection {uid: uid})
OPTIONAL MATCH (d)-[:DETECTED]->(e:Event)
RETURN d, e.uid AS eventUid, e.atom AS eventAtom`,
};

export const TRIM_FEED: NamedQuery = {
  name: 'live: trim',
  cypher: `
MATCH (b:FeedBatch) WHERE b.at < $before
WITH b LIMIT $limit
DELETE b
RETURN count(*) AS deleted`,
};

/** What the writer calls inside a batch's transaction (src/graph/writer takes it as an option). */
export interface FeedLogWriter {
  record(run: TxRunner, kind: FeedKind, uids: readonly string[]): Promise<void>;
}

export const feedLogWriter: FeedLogWriter = {
  async record(run, kind, uids) {
    if (uids.length > 0) await run(RECORD_FEED_BATCH, { kind, uids: [...uids] });
  },
};

export interface FeedBatch {
  seq: number;
  kind: FeedKind;
  uids: string[];
}

/** Node properties as the writer's rows hold them: INTEGERs (and lists of them) as bigint. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && 'toBigInt' in value) return (value as { toBigInt(): bigint }).toBigInt();
  return value;
}

function propsOf(node: Node): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.properties as Record<string, unknown>)) if (k !== 'placeholder') out[k] = plain(v);
  return out;
}

export class FeedLogReader {
  constructor(private readonly executor: GraphExecutor) {}

  async head(): Promise<number> {
    const result = await this.executor.read(FEED_HEAD);
    return Number(result.records[0]?.get('seq') ?? 0);
  }

  async after(seq: number, limit: number): Promise<FeedBatch[]> {
    const result = await this.executor.read(FEED_AFTER, { after: BigInt(seq), limit: BigInt(limit) });
    return result.records.map((r) => ({ seq: Number(r.get('seq')), kind: r.get('kind') as FeedKind, uids: r.get('uids') as string[] }));
  }

  /** The events as the writer's rows, in the batch's order (what the live filters match on). */
  async events(uids: readonly string[]): Promise<EventRow[]> {
    const result = await this.executor.read(FEED_EVENTS, { uids: [...uids] });
    const byUid = new Map<string, EventRow>();
    for (const record of result.records) {
      const node = record.get('e') as Node;
      const props = propsOf(node);
      const uid = String(props['uid']);
      const parentAtom = typeof props['parentAtom'] === 'string' ? props['parentAtom'] : null;
      const targetAtom = typeof props['targetAtom'] === 'string' ? props['targetAtom'] : null;
      byUid.set(uid, {
        uid,
        labels: node.labels.filter((l) => l !== 'Event'),
        props,
        parentUid: parentAtom === null ? null : `${String(props['oid'])}/${parentAtom}`,
        parentAtom,
        targetUid: targetAtom === null ? null : `${String(props['oid'])}/${targetAtom}`,
        targetAtom,
        containerUid: null,
        indicators: [],
        sensor: null,
      });
    }
    return uids.map((uid) => byUid.get(uid)).filter((r): r is EventRow => r !== undefined);
  }

  async detections(uids: readonly string[]): Promise<DetectionRow[]> {
    const result = await this.executor.read(FEED_DETECTIONS, { uids: [...uids] });
    const byUid = new Map<string, DetectionRow>();
    for (const record of result.records) {
      const props = propsOf(record.get('d') as Node);
      const uid = String(props['uid']);
      byUid.set(uid, {
        uid,
        oid: String(props['oid']),
        eventUid: (record.get('eventUid') as string | null) ?? null,
        eventAtom: (record.get('eventAtom') as string | null) ?? null,
        tags: Array.isArray(props['tags']) ? [...new Set(props['tags'] as string[])] : [],
        props,
      });
    }
    return uids.map((uid) => byUid.get(uid)).filter((r): r is DetectionRow => r !== undefined);
  }

  /** Deletes batches recorded before `before` (ms since the epoch), a bounded number per call. */
  async trim(before: number, limit: number): Promise<number> {
    const result = await this.executor.write(TRIM_FEED, { before: BigInt(before), limit: BigInt(limit) });
    return Number(result.records[0]?.get('deleted') ?? 0);
  }
}
