/**
 * The graph the online writer (src/graph/writer/) would make from a stream of validated rows,
 * computed in memory and written as import CSV instead of Cypher. The rules are the writer's
 * (docs/graph-model.md), applied batch by batch in input order as `atomgraph load` applies them:
 *
 * - the first arrival of an event uid is stored; a carried copy (inner event of a carrier, or a
 *   detection's copy) is replaced by the event as sent on its own, labels added, edges remade;
 * - an event stored for the first time counts into its sensor, sightings and rollup (the
 *   writer's own `aggregate` and `rollupsOf`, folded as UPDATE_SENSORS / UPDATE_SIGHTINGS /
 *   UPDATE_ROLLUPS fold them), a replacement does not;
 * - a parent, target, carrier or detected event that never arrives is a placeholder, described
 *   by the best report about it (snapshots.ts `prefers`), with a snapshot PARENT edge to the
 *   grandparent that report names;
 * - a detection's first arrival is stored, with DETECTED and one TAGGED per tag.
 *
 * Streaming: an event sent on its own is final when first stored, so it is written at once with
 * its edges. What is held until the end: the uids stored (to tell duplicates), carried copies
 * not replaced yet, referenced events not arrived yet (with their best report), the indicator,
 * sensor, sighting, rollup, detection and tag keys. `memory()` says how many of each.
 */
import { mkdirSync } from 'node:fs';
import type { DetectionRow, DetectionWriteResult } from '../graph/writer/detections';
import { EVENT_PROPERTIES } from '../graph/writer/columns';
import { rollupsOf, type RollupRow } from '../graph/writer/rollups';
import type { EventRow, SnapshotRow } from '../graph/writer/rows';
import { prefers } from '../graph/writer/snapshots';
import { aggregate, type BatchWriteResult, type SensorAggregate, type SightingAggregate } from '../graph/writer/write-batch';
import type { IngestWriter } from '../ingest/pipeline';
import { PROMOTED_PROPERTIES } from '../catalogue';
import { ARRAY_DELIMITER, type ColumnSpec, CsvGroup, type CsvFileSet, type CsvType } from './csv';

const INTEGER_PROPERTIES = new Set<string>(['time', 'bodyTime', ...Object.entries(PROMOTED_PROPERTIES).filter(([, s]) => s.value === 'int').map(([n]) => n)]);
const LIST_PROPERTIES = new Set<string>(Object.entries(PROMOTED_PROPERTIES).filter(([, s]) => s.value === 'stringList').map(([n]) => n));

function eventColumnType(name: string): CsvType {
  if (name === 'carried') return 'boolean';
  if (INTEGER_PROPERTIES.has(name)) return 'long';
  return LIST_PROPERTIES.has(name) ? 'string[]' : 'string';
}

const EVENT_COLUMNS: ColumnSpec[] = [
  { name: 'uid:ID(Event)', type: 'string' },
  ...EVENT_PROPERTIES.filter((p) => p !== 'uid').map((name) => ({ name, type: eventColumnType(name) })),
  { name: 'placeholder', type: 'boolean' },
  { name: ':LABEL', type: 'string' },
];
const EVENT_PROPS_NO_UID = EVENT_PROPERTIES.filter((p) => p !== 'uid');

const cols = (...specs: string[]): ColumnSpec[] =>
  specs.map((s) => {
    const [name, type] = s.split('|') as [string, CsvType | undefined];
    return { name, type: type ?? 'string' };
  });

const PLACEHOLDER_COLUMNS = cols(
  'uid:ID(Event)', 'oid', 'atom', 'placeholder|boolean', 'snapshotFrom', 'snapshot|boolean', 'sid', 'hostname',
  'filePath', 'commandLine', 'processId|long', 'userName', 'hash', 'parentAtom', ':LABEL',
);
const INDICATOR_COLUMNS = cols('uid:ID(Indicator)', 'oid', 'kind', 'value', 'key', ':LABEL');
const SENSOR_FACTS = ['hostname', 'intIp', 'extIp', 'plat', 'arch', 'did', 'tags'] as const;
const SENSOR_COLUMNS = cols(
  'uid:ID(Sensor)', 'oid', 'sid', 'eventCount|long', 'firstSeen|long', 'lastSeen|long', 'factsFrom',
  'hostname', 'intIp', 'extIp', 'plat|long', 'arch|long', 'did', 'tags|string[]', ':LABEL',
);
// Counts are INTEGER, as online (the writer makes its JS numbers integers in Cypher).
const ROLLUP_COLUMNS = cols('uid:ID(EventRollup)', 'oid', 'sid', 'hostname', 'type', 'hour|long', 'count|long', ':LABEL');
const DETECTION_PROPERTIES = [
  'oid', 'detectId', 'cat', 'raw', 'time|long', 'eventTime|long', 'rule', 'source', 'namespace', 'priority|long', 'level',
  'author', 'description', 'link', 'sid', 'hostname', 'hostKey', 'eventAtom', 'eventType', 'tags|string[]', 'references|string[]', 'ruleTags|string[]',
];
const DETECTION_COLUMNS = cols('uid:ID(Detection)', ...DETECTION_PROPERTIES, ':LABEL');
const DETECTION_PROPERTY_NAMES = DETECTION_PROPERTIES.map((p) => p.split('|')[0] as string);
const KNOWN_DETECTION_PROPERTIES = new Set(['uid', ...DETECTION_PROPERTY_NAMES]);
const TAG_COLUMNS = cols('uid:ID(DetectionTag)', 'oid', 'tag', ':LABEL');
const ROLLUP_STATE_COLUMNS = cols('id:ID(RollupState)', 'since|long', ':LABEL');

const edge = (from: string, to: string, ...props: string[]) => cols(`:START_ID(${from})`, `:END_ID(${to})`, ...props, ':TYPE');

interface Report {
  from: string;
  sid: unknown;
  hostname: unknown;
  snapshot: SnapshotRow | null;
}

interface Pending {
  oid: unknown;
  atom: string | null;
  report: Report | null;
}

interface SensorNode {
  uid: string;
  oid: string;
  sid: string;
  eventCount: number;
  firstSeen: bigint;
  lastSeen: bigint;
  factsFrom: string;
  facts: Record<string, unknown>;
}

/** How many of each thing the builder holds in memory (what grows with the input). */
export interface BulkMemory {
  storedUids: number;
  heldCarriedCopies: number;
  pendingPlaceholders: number;
  indicators: number;
  sensors: number;
  sightings: number;
  rollups: number;
  detections: number;
  tags: number;
  containsLinks: number;
}

export interface BulkCounts {
  events: number;
  placeholders: number;
  indicators: number;
  sensors: number;
  detections: number;
  relationships: number;
}

export interface BulkOutput {
  files: CsvFileSet[];
  /** A value held a line break: the import needs `--multiline-fields=true`. */
  multiline: boolean;
  counts: BulkCounts;
}

export class BulkGraph implements IngestWriter {
  private readonly stored = new Set<string>();
  private readonly held = new Map<string, EventRow>();
  private readonly pending = new Map<string, Pending>();
  private readonly indicatorUids = new Set<string>();
  private readonly containsLinks = new Set<string>();
  private readonly sensors = new Map<string, SensorNode>();
  private readonly sightings = new Map<string, SightingAggregate>();
  private readonly rollups = new Map<string, RollupRow>();
  private readonly detectionUids = new Set<string>();
  private readonly tagUids = new Set<string>();
  private fresh: EventRow[] = [];

  private readonly events: CsvGroup;
  private readonly placeholders: CsvGroup;
  private readonly indicators: CsvGroup;
  private readonly sensorNodes: CsvGroup;
  private readonly rollupNodes: CsvGroup;
  private readonly detections: CsvGroup;
  private readonly tags: CsvGroup;
  private readonly rollupState: CsvGroup;
  private readonly parent: CsvGroup;
  private readonly snapshotParent: CsvGroup;
  private readonly target: CsvGroup;
  private readonly contains: CsvGroup;
  private readonly observed: CsvGroup;
  private readonly saw: CsvGroup;
  private readonly detected: CsvGroup;
  private readonly tagged: CsvGroup;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const group = (name: string, kind: 'nodes' | 'relationships', columns: ColumnSpec[]) => new CsvGroup(dir, name, kind, columns);
    this.events = group('events', 'nodes', EVENT_COLUMNS);
    this.placeholders = group('placeholders', 'nodes', PLACEHOLDER_COLUMNS);
    this.indicators = group('indicators', 'nodes', INDICATOR_COLUMNS);
    this.sensorNodes = group('sensors', 'nodes', SENSOR_COLUMNS);
    this.rollupNodes = group('rollups', 'nodes', ROLLUP_COLUMNS);
    this.detections = group('detections', 'nodes', DETECTION_COLUMNS);
    this.tags = group('detection-tags', 'nodes', TAG_COLUMNS);
    this.rollupState = group('rollup-state', 'nodes', ROLLUP_STATE_COLUMNS);
    this.parent = group('parent', 'relationships', edge('Event', 'Event'));
    this.snapshotParent = group('snapshot-parent', 'relationships', edge('Event', 'Event', 'snapshot|boolean'));
    this.target = group('target', 'relationships', edge('Event', 'Event'));
    this.contains = group('contains', 'relationships', edge('Event', 'Event'));
    this.observed = group('observed', 'relationships', edge('Event', 'Indicator', 'field'));
    this.saw = group('saw', 'relationships', edge('Sensor', 'Indicator', 'count|long', 'firstSeen|long', 'lastSeen|long'));
    this.detected = group('detected', 'relationships', edge('Detection', 'Event'));
    this.tagged = group('tagged', 'relationships', edge('Detection', 'DetectionTag', 'tag', 'time|long'));
  }

  /** One batch of event rows, as writeBatch takes it (the same in-batch rule for repeats). */
  writeEvents(rows: readonly EventRow[]): Promise<BatchWriteResult> {
    const unique = new Map<string, EventRow>();
    for (const row of rows) {
      const kept = unique.get(row.uid);
      if (!kept || (kept.containerUid !== null && row.containerUid === null)) unique.set(row.uid, row);
    }
    const storedRows: EventRow[] = [];
    for (const row of unique.values()) {
      if (!this.stored.has(row.uid)) {
        this.stored.add(row.uid);
        this.pending.delete(row.uid);
        this.touch(row);
        if (row.containerUid !== null) this.held.set(row.uid, row);
        else this.writeEvent(row);
        storedRows.push(row);
        this.fresh.push(row);
      } else if (row.containerUid === null && this.held.has(row.uid)) {
        // The event as sent on its own replaces its carried copy; labels only ever add up.
        const copy = this.held.get(row.uid) as EventRow;
        this.held.delete(row.uid);
        this.touch(row);
        this.writeEvent({ ...row, labels: [...new Set([...copy.labels, ...row.labels])] });
      }
    }
    // Every carried event is linked to its carrier, copies left out above included.
    for (const row of rows) {
      const container = row.containerUid;
      if (container === null || container === row.uid) continue;
      const key = `${container}\u0000${row.uid}`;
      if (this.containsLinks.has(key)) continue;
      this.containsLinks.add(key);
      this.refer(container, row.props['oid'], null);
      this.contains.write([container, row.uid, 'CONTAINS']);
    }
    // Reports of this batch about events still missing (one arriving later wipes its report).
    for (const row of unique.values()) {
      this.offer(row.parentUid, row.parentSnapshot, row);
      this.offer(row.targetUid, row.targetSnapshot, row);
    }
    // Per batch, as writeBatch aggregates: a sensor's facts fold the same way online and here.
    this.foldAggregates();
    return Promise.resolve({ stored: storedRows.length, duplicates: rows.length - storedRows.length, storedRows });
  }

  writeDetections(rows: readonly DetectionRow[]): Promise<DetectionWriteResult> {
    const storedRows: DetectionRow[] = [];
    for (const row of rows) {
      if (this.detectionUids.has(row.uid)) continue;
      this.detectionUids.add(row.uid);
      storedRows.push(row);
      for (const key of Object.keys(row.props)) {
        if (!KNOWN_DETECTION_PROPERTIES.has(key)) throw new Error(`bulk import: detection property ${key} has no column (src/bulk/graph.ts)`);
      }
      this.detections.write([row.uid, ...DETECTION_PROPERTY_NAMES.map((p) => row.props[p]), 'Detection']);
      if (row.eventUid !== null) {
        this.refer(row.eventUid, row.oid, row.eventAtom);
        this.detected.write([row.uid, row.eventUid, 'DETECTED']);
      }
      for (const tag of row.tags) {
        const tagUid = `${row.oid}/${tag}`;
        if (!this.tagUids.has(tagUid)) {
          this.tagUids.add(tagUid);
          this.tags.write([tagUid, row.oid, tag, 'DetectionTag']);
        }
        this.tagged.write([row.uid, tagUid, tag, row.props['time'], 'TAGGED']);
      }
    }
    return Promise.resolve({ stored: storedRows.length, duplicates: rows.length - storedRows.length, storedRows });
  }

  memory(): BulkMemory {
    return {
      storedUids: this.stored.size,
      heldCarriedCopies: this.held.size,
      pendingPlaceholders: this.pending.size,
      indicators: this.indicatorUids.size,
      sensors: this.sensors.size,
      sightings: this.sightings.size,
      rollups: this.rollups.size,
      detections: this.detectionUids.size,
      tags: this.tagUids.size,
      containsLinks: this.containsLinks.size,
    };
  }

  /** Writes what was held to the end and closes every file. `now`: the RollupState's `since`. */
  finish(now = BigInt(Date.now())): BulkOutput {
    this.foldAggregates();
    for (const row of this.held.values()) this.writeEvent(row);
    this.held.clear();
    const grandparents = new Map<string, { oid: unknown; atom: string | null }>();
    for (const [uid, p] of this.pending) {
      const r = p.report;
      const s = r?.snapshot ?? null;
      this.placeholders.write([
        uid, p.oid, p.atom, true, r?.from ?? null, r ? s !== null : null, r?.sid ?? null, r?.hostname ?? null,
        s?.filePath ?? null, s?.commandLine ?? null, s?.processId ?? null, s?.userName ?? null, s?.hash ?? null, s?.parentAtom ?? null, 'Event',
      ]);
      if (s?.parentUid) {
        this.snapshotParent.write([uid, s.parentUid, true, 'PARENT']);
        if (!this.stored.has(s.parentUid) && !this.pending.has(s.parentUid) && !grandparents.has(s.parentUid)) {
          grandparents.set(s.parentUid, { oid: p.oid, atom: s.parentAtom });
        }
      }
    }
    for (const [uid, g] of grandparents) this.placeholders.write([uid, g.oid, g.atom, true, null, null, null, null, null, null, null, null, null, null, 'Event']);
    for (const s of this.sensors.values()) {
      this.sensorNodes.write([s.uid, s.oid, s.sid, s.eventCount, s.firstSeen, s.lastSeen, s.factsFrom, ...SENSOR_FACTS.map((f) => s.facts[f]), 'Sensor']);
    }
    for (const w of this.sightings.values()) this.saw.write([w.sensorUid, w.indicatorUid, w.count, w.firstSeen, w.lastSeen, 'SAW']);
    for (const r of this.rollups.values()) this.rollupNodes.write([r.uid, r.oid, r.sid, r.hostname, r.type, r.hour, r.count, 'EventRollup']);
    // Every event of this graph is counted into its rollups: eventCounts may read them (rollups.ts).
    // The org level is summed from these by migrate after the import (completeOrgEventRollups).
    this.rollupState.write(['events', now, 'RollupState']);

    const groups = [
      this.events, this.placeholders, this.indicators, this.sensorNodes, this.rollupNodes, this.detections, this.tags, this.rollupState,
      this.parent, this.snapshotParent, this.target, this.contains, this.observed, this.saw, this.detected, this.tagged,
    ];
    const counts: BulkCounts = {
      events: this.events.rows,
      placeholders: this.placeholders.rows,
      indicators: this.indicators.rows,
      sensors: this.sensorNodes.rows,
      detections: this.detections.rows,
      relationships: groups.filter((g) => g.kind === 'relationships').reduce((n, g) => n + g.rows, 0),
    };
    const multiline = groups.some((g) => g.multiline);
    return { files: groups.flatMap((g) => g.close()), multiline, counts };
  }

  /** What storing a version of an event makes beside the node: placeholders it names, indicator nodes. */
  private touch(row: EventRow): void {
    const oid = row.props['oid'];
    if (row.parentUid !== null) this.refer(row.parentUid, oid, row.parentAtom);
    if (row.targetUid !== null) this.refer(row.targetUid, oid, row.targetAtom);
    for (const i of row.indicators) {
      if (this.indicatorUids.has(i.uid)) continue;
      this.indicatorUids.add(i.uid);
      this.indicators.write([i.uid, oid, i.kind, i.value, i.key, 'Indicator']);
    }
  }

  /** A reference to an event: a placeholder until (unless) it is stored; the first reference gives its atom. */
  private refer(uid: string, oid: unknown, atom: string | null): void {
    if (this.stored.has(uid) || this.pending.has(uid)) return;
    this.pending.set(uid, { oid, atom, report: null });
  }

  private offer(uid: string | null, snapshot: SnapshotRow | null | undefined, row: EventRow): void {
    if (uid === null || uid === row.uid) return;
    const p = this.pending.get(uid);
    if (!p) return;
    const report: Report = { from: row.uid, sid: row.props['sid'] ?? null, hostname: row.props['hostname'] ?? null, snapshot: snapshot ?? null };
    if (!p.report || prefers({ from: report.from, snapshot: report.snapshot !== null }, { from: p.report.from, snapshot: p.report.snapshot !== null })) p.report = report;
  }

  private writeEvent(row: EventRow): void {
    const values: unknown[] = [row.uid];
    for (const name of EVENT_PROPS_NO_UID) values.push(row.props[name]);
    values.push(false, ['Event', ...row.labels].join(ARRAY_DELIMITER));
    this.events.write(values);
    if (row.parentUid !== null) this.parent.write([row.uid, row.parentUid, 'PARENT']);
    if (row.targetUid !== null) this.target.write([row.uid, row.targetUid, 'TARGET']);
    for (const i of row.indicators) this.observed.write([row.uid, i.uid, i.field, 'OBSERVED']);
  }

  /** Folds stored rows into sensors, sightings and rollups by the rules of UPDATE_SENSORS, UPDATE_SIGHTINGS and UPDATE_ROLLUPS. */
  private foldAggregates(): void {
    if (this.fresh.length === 0) return;
    const rows = this.fresh;
    this.fresh = [];
    const { sensors, sightings } = aggregate(rows);
    for (const s of sensors) this.foldSensor(s);
    for (const x of sightings) {
      const key = `${x.sensorUid}\u0000${x.indicatorUid}`;
      const w = this.sightings.get(key);
      if (!w) this.sightings.set(key, { ...x });
      else {
        w.count += x.count;
        if (x.firstSeen < w.firstSeen) w.firstSeen = x.firstSeen;
        if (x.lastSeen > w.lastSeen) w.lastSeen = x.lastSeen;
      }
    }
    for (const r of rollupsOf(rows)) {
      const kept = this.rollups.get(r.uid);
      if (kept) kept.count += r.count;
      else this.rollups.set(r.uid, r);
    }
  }

  private foldSensor(s: SensorAggregate): void {
    let n = this.sensors.get(s.uid);
    if (!n) {
      n = { uid: s.uid, oid: s.oid, sid: s.sid, eventCount: 0, firstSeen: s.firstSeen, lastSeen: s.lastSeen, factsFrom: '', facts: {} };
      this.sensors.set(s.uid, n);
    }
    n.eventCount += s.count;
    if (s.firstSeen < n.firstSeen) n.firstSeen = s.firstSeen;
    if (s.lastSeen > n.lastSeen || (s.lastSeen === n.lastSeen && s.factsFrom >= n.factsFrom)) {
      // `SET n += s.facts`: the newer facts win, a fact the newer event lacks stays.
      Object.assign(n.facts, s.facts);
      n.lastSeen = s.lastSeen;
      n.factsFrom = s.factsFrom;
    }
  }
}
