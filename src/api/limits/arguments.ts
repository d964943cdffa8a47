/**
 * What every argument a client controls may be, written once and applied to every field that has
 * it, anywhere in an operation (root fields, nested fields, fragments), before any resolver runs:
 * page sizes, walk lengths, windows, cursors, and the length of every list, at any depth of any
 * input object. A list argument or input field added to the schema later is capped by the same
 * walk without anyone having to remember it.
 */
import { type GraphQLArgument, type GraphQLField, type GraphQLInputType, getNamedType, getNullableType, isInputObjectType, isListType } from 'graphql';
import { AppError, ErrorCode } from '../../errors/codes';
import { type CursorKind, decodeCursor } from '../../graph/reader/cursor';
import { MAX_DETECTIONS_PER_EVENT } from '../../graph/reader/detections';
import { FLOW_TOLERANCE_MAX_SECONDS } from '../../graph/reader/flow';
import { MAX_EVENTS_PER_MUTATION } from '../resolvers/ingest-events';

/** Entries any list may hold (the same as EventFilter's orgIds, sensorIds and hostnames always had). */
export const MAX_LIST_ENTRIES = 1000;
/** Lists with a bound of their own, by argument or input field name. */
export const LIST_CAPS: Readonly<Record<string, number>> = {
  /** About 70 types are modelled; nobody filters on more than a hundred. */
  eventTypes: 100,
  /** ingestEvents: a bulk load belongs on POST /ingest or the CLI. */
  'Mutation.ingestEvents.events': MAX_EVENTS_PER_MUTATION,
};
/** lateralMovement's window after each connection. */
export const MAX_WINDOW_SECONDS = 24 * 3600;
/** path's longest chain. */
export const MAX_HOPS = 32;

export interface ArgumentCaps {
  /** Largest first / limit. */
  maxPage: number;
  /** Largest maxDepth of ancestry (a chain). */
  maxDepth: number;
  /** Largest maxDepth of descendants (trees fan out). */
  maxTreeDepth: number;
}

/** The field an argument belongs to, as the rules see it. */
export interface FieldAt {
  parent: string;
  field: GraphQLField<unknown, unknown>;
}

const tooLarge = (what: string, max: number) => new AppError(ErrorCode.LIMIT_EXCEEDED, `${what} is above the limit of ${max}`, { argument: what, max });
const invalid = (what: string, rule: string) => new AppError(ErrorCode.BAD_USER_INPUT, `${what} ${rule}`, { argument: what });

function wholeNumber(value: unknown, what: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(what, `must be a whole number of at least ${min}`);
  if (value > max) throw tooLarge(what, max);
}

/** Which cursor a field's `after` takes: its connection's. */
export function cursorKindOf(at: FieldAt): CursorKind | null {
  const type = getNamedType(at.field.type).name;
  const name = at.field.name;
  if (type === 'SensorConnection') return 'sensors';
  if (type === 'SightingConnection') return 'sightings';
  if (type === 'StartedProcessConnection') return 'startedThere';
  if (type === 'DetectionConnection') return 'detections';
  if (type !== 'EventConnection') return null;
  if (name === 'descendants') return 'descendants';
  if (name === 'children' || name === 'targetedBy' || name === 'events') return at.parent === 'Sighting' ? 'sightingEvents' : name;
  return null;
}

/**
 * The largest page: API_MAX_PAGE, except Event.detections, a plain list an event's detections are
 * cut from (newest first) rather than a connection one pages through.
 */
function firstCap(at: FieldAt, caps: ArgumentCaps): number {
  const plainList = isListType(getNullableType(at.field.type));
  return at.field.name === 'detections' && plainList ? MAX_DETECTIONS_PER_EVENT : caps.maxPage;
}

/** Rules by argument name; every Int and cursor argument of the schema has one (test/unit/limits-arguments.test.ts checks). */
export const ARGUMENT_RULES: Readonly<Record<string, (value: unknown, at: FieldAt, caps: ArgumentCaps) => void>> = {
  first: (v, at, caps) => wholeNumber(v, `${at.field.name}(first)`, 0, firstCap(at, caps)),
  limit: (v, at, caps) => wholeNumber(v, `${at.field.name}(limit)`, 0, caps.maxPage),
  maxDepth: (v, at, caps) => wholeNumber(v, `${at.field.name}(maxDepth)`, 1, at.field.name === 'descendants' ? caps.maxTreeDepth : caps.maxDepth),
  maxHops: (v, at) => wholeNumber(v, `${at.field.name}(maxHops)`, 1, MAX_HOPS),
  windowSeconds: (v, at) => wholeNumber(v, `${at.field.name}(windowSeconds)`, 0, MAX_WINDOW_SECONDS),
  windowBeforeSeconds: (v, at) => wholeNumber(v, `${at.field.name}(windowBeforeSeconds)`, 0, MAX_WINDOW_SECONDS),
  flowToleranceSeconds: (v, at) => wholeNumber(v, `${at.field.name}(flowToleranceSeconds)`, 0, FLOW_TOLERANCE_MAX_SECONDS),
  toleranceSeconds: (v, at) => wholeNumber(v, `${at.field.name}(toleranceSeconds)`, 0, FLOW_TOLERANCE_MAX_SECONDS),
  after: (v, at) => {
    const kind = cursorKindOf(at);
    // A connection nobody taught its cursor to: refuse rather than let an unchecked string through.
    if (!kind) throw new AppError(ErrorCode.BAD_USER_INPUT, `${at.field.name} takes no cursor`, { argument: 'after' });
    decodeCursor(kind, v as string);
  },
};

/** Refuses any list longer than its cap, at any depth of `value` (an argument's coerced value). */
export function checkLists(type: GraphQLInputType, value: unknown, path: string, name: string): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return; // a single value given for a list: graphql made it a list of one
    const max = LIST_CAPS[path] ?? LIST_CAPS[name] ?? MAX_LIST_ENTRIES;
    if (value.length > max) throw new AppError(ErrorCode.LIMIT_EXCEEDED, `${path} takes at most ${max} entries, got ${value.length}`, { argument: path, max });
    const item = nullable.ofType as GraphQLInputType;
    const named = getNamedType(item);
    // Lists of scalars end here; only lists of lists or of input objects can hide more lists.
    if (isListType(getNullableType(item)) || isInputObjectType(named)) for (const v of value) checkLists(item, v, path, name);
    return;
  }
  if (isInputObjectType(nullable) && typeof value === 'object') {
    for (const field of Object.values(nullable.getFields())) {
      checkLists(field.type, (value as Record<string, unknown>)[field.name], `${path}.${field.name}`, field.name);
    }
  }
}

/** Every rule for one field's coerced arguments. */
export function checkArguments(at: FieldAt, values: Record<string, unknown>, caps: ArgumentCaps): void {
  for (const arg of at.field.args as readonly GraphQLArgument[]) {
    const value = values[arg.name];
    if (value === undefined || value === null) continue;
    ARGUMENT_RULES[arg.name]?.(value, at, caps);
    checkLists(arg.type, value, `${at.parent}.${at.field.name}.${arg.name}`, arg.name);
  }
}
