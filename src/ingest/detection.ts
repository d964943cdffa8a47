/**
 * LimaCharlie's detection stream: a record that says a rule fired on an event. Recognised by its
 * shape (see recogniseRecord), normalised into one DetectionRow plus the event rows of the copy of
 * the triggering event it carries in `detect`, stored through the same rules as an event sent on
 * its own, marked carried so that the event as its sensor sent it replaces the copy when it comes.
 */
import { createHash } from 'node:crypto';
import { eventUid } from '../domain/keys';
import { normalizeEpochMs } from '../domain/time';
import type { EventRow } from '../graph/writer/rows';
import type { DetectionRow } from '../graph/writer/detections';
import { normalizeRecord } from './normalize';
import { type JsonValue, stringifyJson } from '../domain/json';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys only the detection stream has; a record with any of them and no `event` is a detection. */
export const DETECTION_MARKERS = ['detect', 'detect_id', 'cat', 'detect_mtd'] as const;

/** Top-level fields that differ between two deliveries of one detection: left out of the content key. */
export const VOLATILE_DETECTION_FIELDS = ['ts', 'detect_id'] as const;

/** At most this many tags, references... per detection; a longer list is cut (the whole record stays in `raw`). */
const MAX_LIST = 64;

export type RecordKind = { kind: 'event' } | { kind: 'detection' } | { kind: 'neither'; reason: string };

/**
 * The rule: a record with an `event` is telemetry (validated as an event); one without `event`
 * but with any of `detect`, `detect_id`, `cat`, `detect_mtd` is a detection; one with only
 * `routing` is a broken event (validated as one, so the reason names its missing fields);
 * anything else is neither, and the reason says what each would need.
 */
export function recogniseRecord(value: JsonValue): RecordKind {
  if (!isRecord(value) || 'event' in value) return { kind: 'event' };
  if (DETECTION_MARKERS.some((k) => k in value)) return { kind: 'detection' };
  // Routing without a body is a broken event: the event validation names what it lacks.
  if ('routing' in value) return { kind: 'event' };
  const keys = Object.keys(value);
  const has = keys.length === 0 ? 'it has no keys' : `it has ${keys.slice(0, 8).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 8 ? ', ...' : ''}`;
  return {
    kind: 'neither',
    reason: `neither an event nor a detection: an event needs "routing" and "event", a detection needs "cat", "routing" and "detect" (or "detect_id"); ${has}`,
  };
}

export type DetectionResult =
  | { ok: true; detection: DetectionRow; eventRows: EventRow[]; skipped?: string }
  | { ok: false; reason: string };

/** `text`: the record as it came, stored as `raw`. */
export function normalizeDetection(value: JsonValue, text?: string): DetectionResult {
  if (!isRecord(value)) return { ok: false, reason: 'a detection must be a JSON object' };
  const routing = isRecord(value['routing']) ? value['routing'] : null;
  const detect = isRecord(value['detect']) ? value['detect'] : null;
  const detectRouting = detect && isRecord(detect['routing']) ? detect['routing'] : null;
  const cat = nonEmpty(value['cat']);
  if (!cat) return { ok: false, reason: 'detection: "cat" (the detection\'s name) is missing or not a non-empty string' };
  if (!routing && !detectRouting) return { ok: false, reason: 'detection: "routing" (the triggering event\'s routing) is missing' };
  // The event's routing: the copy's own, completed from the detection's (which LimaCharlie fills
  // with the triggering event's routing, hostname and addresses included).
  const eventRouting: Record<string, unknown> = { ...(routing ?? {}), ...(detectRouting ?? {}) };
  const oid = nonEmpty(eventRouting['oid']);
  if (!oid) return { ok: false, reason: 'detection: "routing.oid" (the org) is missing' };
  if (routing && detectRouting && nonEmpty(routing['oid']) && nonEmpty(detectRouting['oid']) && routing['oid'] !== detectRouting['oid']) {
    return { ok: false, reason: 'detection: "routing.oid" and "detect.routing.oid" differ: a detection never links across orgs' };
  }

  const atom = nonEmpty(eventRouting['this']);
  const eventId = nonEmpty(eventRouting['event_id']);
  const evUid = atom || eventId ? eventUid(oid, atom, eventId) : null;

  // The copy of the event, stored as the event unless the event itself is (or will be) there.
  let eventRows: EventRow[] = [];
  let skipped: string | undefined;
  if (detect && isRecord(detect['event'])) {
    const copy = normalizeRecord({ ...detect, routing: eventRouting } as JsonValue);
    if (copy.ok) {
      eventRows = copy.rows.map((row) => (row.uid === evUid ? asDetectionCopy(row) : row));
      if (copy.skipped) skipped = `detect: ${copy.skipped}`;
    } else {
      skipped = `detect: the copy of the triggering event is not a valid event (${copy.reason}): the detection is stored, its event is not`;
    }
  }

  const detectId = nonEmpty(value['detect_id']) ?? `sha256:${contentKey(value)}`;
  const mtd = isRecord(value['detect_mtd']) ? value['detect_mtd'] : {};
  const tags = strings(mtd['tags']).map((t) => t.toLowerCase());
  const time = normalizeEpochMs(value['gen_time']) ?? normalizeEpochMs(value['ts']) ?? normalizeEpochMs(eventRouting['event_time']);
  // Every listing is by time: a detection without one could never be found.
  if (time === null) return { ok: false, reason: 'detection: no time: none of "gen_time", "ts" and "routing.event_time" is an epoch time' };
  const props: Record<string, unknown> = {
    uid: `${oid}/${detectId}`,
    oid,
    detectId,
    cat,
    raw: text ?? stringifyJson(value),
  };
  setIf(props, 'time', time);
  setIf(props, 'eventTime', normalizeEpochMs(eventRouting['event_time']));
  setIf(props, 'rule', nonEmpty(value['source_rule']));
  setIf(props, 'source', nonEmpty(value['source']));
  setIf(props, 'namespace', nonEmpty(value['namespace']));
  setIf(props, 'priority', integer(value['priority']));
  setIf(props, 'level', nonEmpty(mtd['level'])?.toLowerCase());
  setIf(props, 'author', nonEmpty(value['author']) ?? nonEmpty(mtd['author']));
  setIf(props, 'description', nonEmpty(mtd['description']));
  setIf(props, 'link', nonEmpty(value['link']));
  setIf(props, 'sid', nonEmpty(eventRouting['sid']));
  setIf(props, 'hostname', nonEmpty(eventRouting['hostname']));
  setIf(props, 'hostKey', nonEmpty(eventRouting['hostname'])?.toLowerCase());
  setIf(props, 'eventAtom', atom ?? (eventId ? `event:${eventId}` : null));
  setIf(props, 'eventType', nonEmpty(eventRouting['event_type']));
  if (tags.length > 0) props['tags'] = tags;
  const refs = strings(mtd['references']);
  if (refs.length > 0) props['references'] = refs;
  const ruleTags = strings(value['rule_tags']);
  if (ruleTags.length > 0) props['ruleTags'] = ruleTags;

  return {
    ok: true,
    detection: { uid: props['uid'] as string, oid, eventUid: evUid, eventAtom: (props['eventAtom'] as string | undefined) ?? null, tags: [...new Set(tags)], props },
    eventRows,
    ...(skipped ? { skipped } : {}),
  };
}

/**
 * The copy inside a detection is "carried" the way an inner event of a THREAD_INJECTION is: the
 * event as sent on its own replaces it, whichever comes first (statements.ts). It has no carrier
 * event to be CONTAINed in, so it names itself as container, which the writer never links.
 */
function asDetectionCopy(row: EventRow): EventRow {
  return { ...row, containerUid: row.uid, props: { ...row.props, carried: true } };
}

/**
 * The key of a detection without `detect_id`: SHA-256 of the canonical JSON of the record (object
 * keys sorted at every level, integers exact) without its volatile fields (`ts`, the delivery
 * time). The same detection delivered twice has the same key; two different ones never share it.
 */
export function contentKey(value: Record<string, unknown>): string {
  const rest: Record<string, unknown> = { ...value };
  for (const k of VOLATILE_DETECTION_FIELDS) delete rest[k];
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return stringifyJson(value);
}

/** ATT&CK techniques among a detection's tags: `attack.t1059.001` -> `T1059.001`. */
export function techniquesOf(tags: readonly string[]): string[] {
  return tags.flatMap((t) => {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t);
    return m?.[1] ? [m[1].toUpperCase()] : [];
  });
}

/** A tag as detections are filtered by it: lower-case; a bare technique id (`T1033`) means `attack.t1033`. */
export function normalizeTag(tag: string): string {
  const t = tag.trim().toLowerCase();
  return /^t\d{4}(\.\d{3})?$/.test(t) ? `attack.${t}` : t;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0).slice(0, MAX_LIST) : [];
}

function integer(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return BigInt(value);
  return null;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function setIf(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== null && value !== undefined) target[key] = value;
}
