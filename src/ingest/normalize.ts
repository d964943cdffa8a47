/**
 * A parsed record -> the rows the graph writer stores: validation against the catalogue, the
 * node key, promoted hunting properties, indicators, sensor facts, and inner events (the EVENTS[]
 * of THREAD_INJECTION and SENSITIVE_PROCESS_ACCESS) as events of their own. A record is refused
 * only when it cannot be keyed or placed (its routing); a body value that does not fit the
 * catalogue is a warning, and the event is stored with that value in `raw` only (catalogue/fit.ts).
 */
import { eventTypeSpec, type FieldWarning, fitEvent, isProcessType, PROMOTED_PROPERTIES, promotedValues, type Routing } from '../catalogue';
import { type IndicatorKind, indicatorKey, indicatorUid, normalizeIndicator } from '../domain/indicators';
import type { EventRow, IndicatorRow, SensorRow, SnapshotRow } from '../graph/writer/rows';
import { type JsonValue, stringifyJson } from '../domain/json';
import { eventUid } from '../domain/keys';
import { normalizeEpochMs } from '../domain/time';

/**
 * `skipped`: part of the record that could not be stored although the rest was (said to the user
 * as a reject). `warnings`: body values that did not fit the catalogue, kept in `raw` only.
 */
export type NormalizeResult = { ok: true; rows: EventRow[]; skipped?: string; warnings?: FieldWarning[] } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Labels are only ever names of this shape (they enter Cypher through $(...), never by concatenation). */
const LABEL = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Addresses every host has; as indicators they would join unrelated hosts and grow giant nodes. */
const NON_INDICATOR_IPS = new Set(['0.0.0.0', '127.0.0.1', '::', '::1', '255.255.255.255', '']);

/**
 * The classic catalogue shows some bodies wrapped in a key equal to their type
 * (`{"STARTING_UP": {...}}`); the envelope carries them unwrapped. Accept both.
 */
function unwrapBody(record: Record<string, unknown>): Record<string, unknown> {
  const routing = record['routing'];
  const body = record['event'];
  const type = isRecord(routing) ? routing['event_type'] : undefined;
  if (typeof type === 'string' && isRecord(body)) {
    const keys = Object.keys(body);
    const inner = body[type];
    if (keys.length === 1 && keys[0] === type && isRecord(inner)) return { ...record, event: inner };
  }
  return record;
}

/**
 * `text`, when given, is the record's source text: stored as `raw` as it came (the most lossless
 * form, and it spares re-serialising). Without it, the record is serialised losslessly.
 */
export function normalizeRecord(value: JsonValue, text?: string): NormalizeResult {
  if (!isRecord(value)) return { ok: false, reason: `expected an event object {"routing": {...}, "event": {...}}, got ${Array.isArray(value) ? 'an array' : typeof value}` };
  if (!('event' in value) && 'detect' in value && 'cat' in value) {
    return { ok: false, reason: 'a detection record (the detection stream: cat, detect, detect_id), not telemetry: not stored as an event' };
  }
  const record = unwrapBody(value);
  const fitted = fitEvent(record);
  if (!fitted.ok) return innerEventsOfInvalidCarrier(record, fitted.errors) ?? { ok: false, reason: fitted.errors.join('; ') };
  const found: Found = { rows: [], warnings: [...fitted.warnings], skipped: [] };
  // The stored original is the record as it came (wrapped or not), so nothing about it is lost.
  const problem = collectRows(record, fitted.value.routing, fitted.value.event, null, found, '', text ?? value);
  return problem ? { ok: false, reason: problem } : resultOf(found);
}

/** What one record gives: its rows, the warnings about their bodies, and inner events that could not be stored. */
interface Found {
  rows: EventRow[];
  warnings: FieldWarning[];
  skipped: string[];
}

function resultOf(found: Found, skipped = found.skipped.join('; ')): NormalizeResult {
  return { ok: true, rows: found.rows, ...(skipped ? { skipped } : {}), ...(found.warnings.length > 0 ? { warnings: found.warnings } : {}) };
}

/**
 * A carrier that is not a valid event itself (LimaCharlie's documentation shows THREAD_INJECTION
 * as a bare body, no routing) while its EVENTS[] hold whole events: those can be identified, so
 * they are stored as events of their own, and the carrier is reported as skipped with its reasons.
 */
function innerEventsOfInvalidCarrier(record: Record<string, unknown>, errors: readonly string[]): NormalizeResult | null {
  const body = record['event'];
  const inner = isRecord(body) ? body['EVENTS'] : undefined;
  if (!Array.isArray(inner) || inner.length === 0 || !inner.every((e) => isRecord(e) && isRecord(e['routing']))) return null;
  const found: Found = { rows: [], warnings: [], skipped: [] };
  // A bad inner event as well: the record is rejected as a whole, for its own errors.
  if (collectInner(inner, null, found, 'event.EVENTS') || found.skipped.length > 0) return null;
  // One record, one org (the pipeline checks the caller's orgs on the first row), the carrier's if it names one.
  const routing = record['routing'];
  const orgs = new Set(found.rows.map((r) => r.props['oid']));
  if (isRecord(routing) && typeof routing['oid'] === 'string') orgs.add(routing['oid']);
  if (orgs.size > 1) return { ok: false, reason: [...errors, 'event.EVENTS: inner events of another org than the record: events never link across orgs'].join('; ') };
  return resultOf(found, `${errors.join('; ')}: the carrier is not stored; its ${inner.length} inner events (event.EVENTS) were stored as events of their own`);
}

/** `at`: the record's path inside its carrier (`event.EVENTS[0]`), '' for a record of its own. */
function collectRows(
  record: Record<string, unknown>,
  routing: Routing,
  body: Record<string, unknown>,
  container: EventRow | null,
  found: Found,
  at: string,
  original: unknown = record,
): string | null {
  const oid = routing.oid;
  if (container && container.props['oid'] !== oid) {
    return `inner event ${routing.this ?? routing.event_id ?? ''} belongs to org ${oid}, its carrier to ${String(container.props['oid'])}: events never link across orgs`;
  }
  const atom = nonEmpty(routing.this);
  const eventId = nonEmpty(routing.event_id);
  if (!atom && !eventId) {
    const reason = 'routing has neither "this" (the event atom) nor "event_id": the event cannot be identified';
    if (!at) return reason;
    // An inner event: the carrier and its other inner events are stored without it.
    found.skipped.push(`${at}: ${reason}; this inner event is not stored`);
    return null;
  }
  const uid = eventUid(oid, atom, eventId);
  const row = buildRow(original, routing, body, uid, container?.uid ?? null);
  found.rows.push(row);
  const innerKey = eventTypeSpec(routing.event_type)?.innerEvents;
  const inner = innerKey ? body[innerKey] : undefined;
  return Array.isArray(inner) ? collectInner(inner, row, found, `${at ? `${at}.` : ''}event.${innerKey}`) : null;
}

/**
 * Whole events carried in EVENTS[], each into `found` as an event of its own inside `container`.
 * One that cannot be keyed is skipped (the carrier and the others are stored); an inner event of
 * another org is the first problem returned, and refuses the record: nothing links across orgs.
 */
function collectInner(inner: readonly unknown[], container: EventRow | null, found: Found, at: string): string | null {
  for (const [i, child] of inner.entries()) {
    const path = `${at}[${i}]`;
    if (child === null || child === undefined) continue;
    const childRecord = isRecord(child) ? unwrapBody(child) : child;
    const fitted = fitEvent(childRecord, path);
    if (!fitted.ok) {
      found.skipped.push(`${fitted.errors.join('; ')}: this inner event is not stored`);
      continue;
    }
    found.warnings.push(...fitted.warnings);
    const problem = collectRows(childRecord as Record<string, unknown>, fitted.value.routing, fitted.value.event, container, found, path);
    if (problem) return problem;
  }
  return null;
}

function buildRow(
  record: unknown,
  routing: Routing,
  body: Record<string, unknown>,
  uid: string,
  containerUid: string | null,
): EventRow {
  const oid = routing.oid;
  const type = routing.event_type;
  const time = BigInt(routing.event_time);
  const parentAtom = nonEmpty(routing.parent);
  const targetAtom = nonEmpty(routing.target);
  const promoted = promotedValues(type, body);
  const bodyTime = normalizeEpochMs(body['TIMESTAMP']);

  const props: Record<string, unknown> = {
    uid,
    oid,
    type,
    time,
    raw: typeof record === 'string' ? record : stringifyJson(record),
  };
  // Only what queries filter or sort on lives on the node; everything else is in `raw`, and the
  // host's descriptive facts (IPs, platform, tags) live once on its Sensor node. Each property
  // costs ingest time, so this list stays short (see docs/graph-model.md).
  // Events without an atom are addressed as `event:<event_id>`, the key's own suffix.
  props['atom'] = nonEmpty(routing.this) ?? `event:${nonEmpty(routing.event_id) ?? ''}`;
  setIf(props, 'eventId', nonEmpty(routing.event_id));
  setIf(props, 'sid', nonEmpty(routing.sid));
  setIf(props, 'hostname', nonEmpty(routing.hostname));
  setIf(props, 'parentAtom', parentAtom);
  setIf(props, 'targetAtom', targetAtom);
  setIf(props, 'bodyTime', bodyTime);
  // A copy from a carrier's EVENTS[] gives way to the event as its sensor sent it on its own,
  // whichever arrives first (statements.ts).
  if (containerUid) props['carried'] = true;
  for (const [name, value] of Object.entries(promoted)) props[name] = storable(value);

  const snapshots = eventTypeSpec(type)?.snapshots;
  // Only catalogue types become labels: event_type is input, and "Sensor" or "Process" as a label
  // would put an event among the hosts or into the process tree. Any other type is the `type`
  // property alone (readers match on it, never on a type label).
  const labels = eventTypeSpec(type) && LABEL.test(type) ? [type] : [];
  if (isProcessType(type)) labels.push('Process');

  return {
    uid,
    labels,
    props,
    parentUid: parentAtom ? eventUid(oid, parentAtom, null) : null,
    parentAtom,
    targetUid: targetAtom ? eventUid(oid, targetAtom, null) : null,
    targetAtom,
    containerUid,
    indicators: indicatorsOf(oid, promoted, nonEmpty(routing.int_ip)),
    sensor: sensorOf(routing, time),
    parentSnapshot: parentAtom && snapshots?.parent ? snapshotOf(body[snapshots.parent], oid, parentAtom) : null,
    targetSnapshot: targetAtom && snapshots?.target ? snapshotOf(body[snapshots.target], oid, targetAtom) : null,
  };
}

/**
 * What a body's snapshot says of the process `atom` (the one routing names): null when it says
 * nothing. Routing is the contract: a snapshot whose THIS_ATOM names another process still
 * describes routing's process (the sensor sent it as such), but its atoms are not trusted, so no
 * link to a grandparent is made from it. A snapshot naming the process as its own parent links nothing.
 */
function snapshotOf(value: unknown, oid: string, atom: string): SnapshotRow | null {
  if (!isRecord(value)) return null;
  const thisAtom = value['THIS_ATOM'];
  const atomsAgree = thisAtom === undefined || thisAtom === null || thisAtom === atom;
  const grandparent = atomsAgree ? nonEmpty(value['PARENT_ATOM']) : null;
  const parentAtom = grandparent === atom ? null : grandparent;
  const pid = toBigInt(value['PROCESS_ID']);
  const row: SnapshotRow = {
    filePath: nonEmpty(value['FILE_PATH']),
    commandLine: nonEmpty(value['COMMAND_LINE']),
    processId: pid !== null && pid >= INT32_MIN && pid <= INT32_MAX ? pid : null,
    userName: nonEmpty(value['USER_NAME']),
    hash: nonEmpty(value['HASH']),
    parentAtom,
    parentUid: parentAtom ? eventUid(oid, parentAtom, null) : null,
  };
  return Object.values(row).some((v) => v !== null) ? row : null;
}

function indicatorsOf(oid: string, promoted: ReturnType<typeof promotedValues>, ownIp: string | null): IndicatorRow[] {
  const out: IndicatorRow[] = [];
  const seen = new Set<string>();
  for (const [field, value] of Object.entries(promoted) as [keyof typeof PROMOTED_PROPERTIES, unknown][]) {
    const spec = PROMOTED_PROPERTIES[field];
    const kind: IndicatorKind | undefined = 'indicator' in spec ? spec.indicator : undefined;
    if (!kind) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== 'string') continue;
      const normalized = normalizeIndicator(kind, v);
      if (normalized.length === 0) continue;
      // A host's own address and loopback say nothing about who it talked to.
      if (kind === 'IP' && (NON_INDICATOR_IPS.has(normalized) || normalized === ownIp)) continue;
      const uid = indicatorUid(oid, kind, normalized);
      if (seen.has(uid)) continue;
      seen.add(uid);
      out.push({ uid, key: indicatorKey(kind, normalized), kind, value: normalized, field });
    }
  }
  return out;
}

function sensorOf(routing: Routing, time: bigint): SensorRow | null {
  const sid = nonEmpty(routing.sid);
  if (!sid) return null;
  const facts: Record<string, unknown> = {};
  setIf(facts, 'hostname', nonEmpty(routing.hostname));
  setIf(facts, 'intIp', nonEmpty(routing.int_ip));
  setIf(facts, 'extIp', nonEmpty(routing.ext_ip));
  setIf(facts, 'plat', toBigInt(routing.plat));
  setIf(facts, 'arch', toBigInt(routing.arch));
  setIf(facts, 'did', nonEmpty(routing.did));
  if (routing.tags && routing.tags.length > 0) facts['tags'] = routing.tags;
  return { uid: `${routing.oid}/${sid}`, oid: routing.oid, sid, time, facts };
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Neo4j integers are signed 64-bit; a larger unsigned value is kept as its exact digits instead. */
function storable(value: unknown): unknown {
  return typeof value === 'bigint' && (value < INT64_MIN || value > INT64_MAX) ? value.toString() : value;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return null;
}

function setIf(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== null && value !== undefined) target[key] = value;
}
