/**
 * The shape the graph writer takes: one row per event, already validated and normalised by
 * src/ingest. Values are Neo4j-ready (integers as bigint so they are stored as INTEGER, not FLOAT).
 */
export interface EventRow {
  /** Node key: `${oid}/${atom}`, or `${oid}/event:${eventId}` for events without an atom. */
  uid: string;
  /**
   * Labels beside :Event: the event type when the catalogue lists it, and Process for the process
   * tree; never a name taken from input as it is (test/unit/model-labels.test.ts keeps them apart
   * from the model's own labels).
   */
  labels: string[];
  /** Every property of the node except `placeholder`. */
  props: Record<string, unknown>;
  parentUid: string | null;
  parentAtom: string | null;
  targetUid: string | null;
  targetAtom: string | null;
  /** For events carried inside another (THREAD_INJECTION EVENTS[]): the carrier's uid. */
  containerUid: string | null;
  indicators: IndicatorRow[];
  sensor: SensorRow | null;
  /** What the body says of the process routing.parent / routing.target names (NEW_PROCESS's PARENT, a handle's SOURCE/TARGET). */
  parentSnapshot?: SnapshotRow | null;
  targetSnapshot?: SnapshotRow | null;
}

/**
 * A process as another event describes it, recorded on its node while that node is a placeholder
 * (docs/graph-model.md, Placeholders). Only values of the expected shape; the rest is null.
 */
export interface SnapshotRow {
  filePath: string | null;
  commandLine: string | null;
  processId: bigint | null;
  userName: string | null;
  hash: string | null;
  /** Its own parent (PARENT_ATOM), when its THIS_ATOM does not contradict routing and it is not itself. */
  parentAtom: string | null;
  parentUid: string | null;
}

export interface IndicatorRow {
  uid: string;
  /** The same indicator in any org (kind + value, hashed): what cross-org lookups seek on. */
  key: string;
  kind: string;
  value: string;
  /** The promoted field it came from, e.g. `hash`, `dstIp`, `domain`. */
  field: string;
}

export interface SensorRow {
  uid: string;
  oid: string;
  sid: string;
  time: bigint;
  /** Descriptive facts (hostname, IPs, platform...); the newest event's facts win. */
  facts: Record<string, unknown>;
}
