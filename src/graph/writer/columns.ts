/**
 * The Event node's properties, in the order the writer sends them. Rows travel to Neo4j as
 * positional lists rather than maps: neo4j-driver packs map keys one string at a time, which made
 * parameter packing the slowest step of ingest (3x slower than lists, measured in bench/).
 */
import { PROMOTED_PROPERTIES } from '../../catalogue';
import type { EventRow } from './rows';

export const EVENT_PROPERTIES = [
  'uid',
  'oid',
  'atom',
  'eventId',
  'sid',
  'hostname',
  'type',
  'time',
  'bodyTime',
  'parentAtom',
  'targetAtom',
  'raw',
  'carried',
  ...(Object.keys(PROMOTED_PROPERTIES) as (keyof typeof PROMOTED_PROPERTIES)[]),
] as const;

export type EventProperty = (typeof EVENT_PROPERTIES)[number];

const KNOWN = new Set<string>(EVENT_PROPERTIES);

export function isEventProperty(name: string): name is EventProperty {
  return KNOWN.has(name);
}

/** Positions in an encoded row; the Cypher in statements.ts reads the same positions. */
export const ROW = { uid: 0, labels: 1, parentUid: 2, parentAtom: 3, targetUid: 4, targetAtom: 5, containerUid: 6, indicators: 7, props: 8 } as const;

export function encodeRow(row: EventRow): unknown[] {
  return [
    row.uid,
    row.labels,
    row.parentUid,
    row.parentAtom,
    row.targetUid,
    row.targetAtom,
    row.containerUid,
    row.indicators.map((i) => [i.uid, i.kind, i.value, i.field, i.key]),
    EVENT_PROPERTIES.map((name) => row.props[name] ?? null),
  ];
}

/** `{uid: r[8][0], oid: r[8][1], ...}`: the property map rebuilt on the server from its positions. */
export function propertyMapCypher(listExpression: string): string {
  return `{${EVENT_PROPERTIES.map((name, i) => `${name}: ${listExpression}[${i}]`).join(', ')}}`;
}
