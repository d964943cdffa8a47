/**
 * Detection fixtures, handled with plain JSON (independently of src/ingest/detection.ts): which
 * records are detections, the event each names, the copy of that event it carries, and moving a
 * detection into another org.
 */
export type Json = Record<string, unknown>;

const DETECTION_KEYS = ['detect', 'detect_id', 'cat', 'detect_mtd'];

export function isDetection(rec: Json): boolean {
  return !('event' in rec) && DETECTION_KEYS.some((k) => k in rec);
}

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** The atom of the event a detection names: its copy's routing.this, else its own routing.this. */
export function namedAtom(rec: Json): string {
  return String(obj(obj(rec['detect'])['routing'])['this'] ?? obj(rec['routing'])['this']);
}

/** The event record the copy inside `detect` stands for: its routing completed from the detection's. */
export function carriedEvent(rec: Json): Json {
  const detect = obj(rec['detect']);
  return { routing: { ...obj(rec['routing']), ...obj(detect['routing']) }, event: detect['event'] };
}

export function detectionWithOrg(rec: Json, oid: string): Json {
  const detect = obj(rec['detect']);
  return {
    ...rec,
    routing: { ...obj(rec['routing']), oid },
    ...('detect' in rec ? { detect: { ...detect, routing: { ...obj(detect['routing']), oid } } } : {}),
  };
}
