/**
 * The RollupState markers (docs/graph-model.md, Rollups): one kind of rollup is trusted only when
 * every stored node it counts was counted into it, which the marker `(:RollupState {id})` says.
 * A graph that had events or detections before their rollups existed has no marker until
 * `atomgraph rollups --rebuild`; migrate marks a graph without any of them as counted from the start.
 */
import type { GraphExecutor, NamedQuery } from '../executor';

/** The node labels a marker can count; the label enters Cypher as text, so only from this list. */
type CountedLabel = 'Event' | 'Detection';

export interface RollupMarker {
  /** Migrate: marks the rollups counted if no `label` node is stored yet. */
  markIfEmpty: NamedQuery;
  /** Returns `ready`: whether readers may sum the rollups. */
  ready: NamedQuery;
  /** Rebuild, last step. */
  mark: NamedQuery;
  /** Rebuild, first step: reads fall back to the stored nodes until the rollups are whole again. */
  unmark: NamedQuery;
}

function rollupMarker(id: string, label: CountedLabel): RollupMarker {
  const marker = `(m:RollupState {id: '${id}'})`;
  return {
    markIfEmpty: {
      name: `rollups: mark ${id} counted in a graph without them`,
      cypher: `
CALL () { MATCH (n:${label}) RETURN count(n) AS stored }
WITH stored WHERE stored = 0
MERGE ${marker}
  ON CREATE SET m.since = timestamp()`,
    },
    ready: {
      name: `rollups: ${id} ready`,
      cypher: `OPTIONAL MATCH ${marker} RETURN m IS NOT NULL AS ready`,
    },
    mark: {
      name: `rollups: mark ${id} counted`,
      cypher: `MERGE ${marker} ON CREATE SET m.since = timestamp()`,
    },
    unmark: {
      name: `rollups: unmark ${id}`,
      cypher: `MATCH ${marker} DELETE m`,
    },
  };
}

export const EVENT_ROLLUPS_MARKER = rollupMarker('events', 'Event');
/** The summed levels of the event rollups (summed-rollups.ts), each trusted on its own: a graph counted before one existed gets it at migrate. */
export const ORG_EVENT_ROLLUPS_MARKER = rollupMarker('orgEvents', 'Event');
export const HOST_EVENT_ROLLUPS_MARKER = rollupMarker('hostEvents', 'Event');
export const DETECTION_ROLLUPS_MARKER = rollupMarker('detections', 'Detection');

/** Whether readers may sum the rollups `marker` stands for. */
export async function rollupsReady(executor: GraphExecutor, marker: RollupMarker): Promise<boolean> {
  return (await executor.read(marker.ready)).records[0]?.get('ready') === true;
}
