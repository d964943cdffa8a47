/**
 * Counting stored events and detections into the rollups from scratch (docs/graph-model.md,
 * Rollups): `atomgraph rollups --rebuild` does both for a graph loaded before they existed;
 * `atomgraph import` counts its detections this way after the import, so the one Cypher key
 * expression of the detection rollups is the only place their keys are made.
 * Run with ingest and prune stopped: what is stored meanwhile could be counted twice or not at all.
 */
import { writeInBatches } from '../batches';
import type { GraphExecutor, NamedQuery } from '../executor';
import { BUILD_DETECTION_ROLLUPS, BUILD_DETECTION_TAG_ROLLUPS, DROP_DETECTION_ROLLUPS } from './detection-rollups';
import { DETECTION_ROLLUPS_MARKER, EVENT_ROLLUPS_MARKER, rollupsReady, type RollupMarker } from './rollup-state';
import { BUILD_ROLLUPS, DROP_ROLLUPS, HOUR_MS } from './rollups';
import { buildSummed, dropSummed, SUMMED_LEVELS, type SummedLevel } from './summed-rollups';

/** One window of time per transaction: a day of a large fleet is a few million events. */
const WINDOW_MS = HOUR_MS * 6n;

/** The first and last `property` (epoch ms: a node's time, a rollup's hour) of `label` nodes, to walk in windows. */
function timeSpan(label: 'Event' | 'Detection' | 'EventRollup', property: 'time' | 'hour' = 'time'): NamedQuery {
  return {
    name: `rollups: ${label} ${property} span`,
    cypher: `
CALL () { MATCH (n:${label}) WHERE n.${property} IS NOT NULL RETURN n.${property} AS first ORDER BY n.${property} ASC LIMIT 1 }
CALL () { MATCH (n:${label}) WHERE n.${property} IS NOT NULL RETURN n.${property} AS last ORDER BY n.${property} DESC LIMIT 1 }
RETURN first, last`,
  };
}

/** What a rebuild of one kind of rollup runs, in order. */
interface RollupRebuild {
  /** What the rebuild makes whole; each is marked at the end (and unmarked first with unmarkFirst). */
  markers: readonly RollupMarker[];
  /** Take the marker off first, so a server reads the stored nodes rather than half-built rollups. */
  unmarkFirst: boolean;
  /** Deletes up to $limit rollups, returning `n`. */
  drop: NamedQuery;
  /** Returns the `first` and `last` stored time. */
  span: NamedQuery;
  /** Run in turn for each window ($from, $to); the first returns `counted`. */
  build: readonly [NamedQuery, ...NamedQuery[]];
  counted: string;
}

/** Every level: per sensor from the events of each window, then the summed levels from those rollups. */
const EVENT_ROLLUPS: RollupRebuild = {
  markers: [EVENT_ROLLUPS_MARKER, ...SUMMED_LEVELS.map((l) => l.marker)],
  unmarkFirst: false,
  drop: DROP_ROLLUPS,
  span: timeSpan('Event'),
  build: [BUILD_ROLLUPS, ...SUMMED_LEVELS.map(buildSummed)],
  counted: 'events',
};

/** One summed level alone, from the per-sensor rollups (a graph counted before it existed). */
const summedRebuild = (level: SummedLevel): RollupRebuild => ({
  markers: [level.marker],
  unmarkFirst: true,
  drop: dropSummed(level),
  span: timeSpan('EventRollup', 'hour'),
  build: [buildSummed(level)],
  counted: 'events',
});

const DETECTION_ROLLUPS: RollupRebuild = {
  markers: [DETECTION_ROLLUPS_MARKER],
  unmarkFirst: true,
  drop: DROP_DETECTION_ROLLUPS,
  span: timeSpan('Detection'),
  build: [BUILD_DETECTION_ROLLUPS, BUILD_DETECTION_TAG_ROLLUPS],
  counted: 'detections',
};

/** Returns the number of nodes counted. */
async function rebuild(executor: GraphExecutor, kind: RollupRebuild): Promise<number> {
  if (kind.unmarkFirst) for (const marker of kind.markers) await executor.write(marker.unmark);
  await writeInBatches(executor, kind.drop);
  const span = (await executor.read(kind.span)).records[0];
  let counted = 0;
  if (span?.get('first') !== undefined && span.get('first') !== null) {
    const first = BigInt(span.get('first') as bigint | number);
    const last = BigInt(span.get('last') as bigint | number);
    for (let from = (first / HOUR_MS) * HOUR_MS; from <= last; from += WINDOW_MS) {
      const window = { from, to: from + WINDOW_MS };
      const [main, ...rest] = kind.build;
      const built = await executor.write(main, window);
      for (const q of rest) await executor.write(q, window);
      counted += Number(built.records[0]?.get(kind.counted) ?? 0);
    }
  }
  for (const marker of kind.markers) await executor.write(marker.mark);
  return counted;
}

/** Returns the number of events counted. */
export function rebuildEventRollups(executor: GraphExecutor): Promise<number> {
  return rebuild(executor, EVENT_ROLLUPS);
}

/**
 * Migrate: sums each summed level from the per-sensor rollups when those are whole and the level
 * is not yet (a graph counted before it existed, or just imported). Returns the levels summed.
 */
export async function completeSummedRollups(executor: GraphExecutor): Promise<string[]> {
  if (!(await rollupsReady(executor, EVENT_ROLLUPS_MARKER))) return [];
  const summed: string[] = [];
  for (const level of SUMMED_LEVELS) {
    if (await rollupsReady(executor, level.marker)) continue;
    await rebuild(executor, summedRebuild(level));
    summed.push(level.name);
  }
  return summed;
}

/** Returns the number of detections counted. Unmarked first, so a server that has not yet trusted them reads detections meanwhile. */
export function rebuildDetectionRollups(executor: GraphExecutor): Promise<number> {
  return rebuild(executor, DETECTION_ROLLUPS);
}
