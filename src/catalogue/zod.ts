/**
 * zod schemas built from the catalogue; no event type has a hand-written schema. Bodies are loose
 * (fields the catalogue does not describe are kept) but typed (a described field of the wrong type
 * fails validation). Every error names its path, e.g. `event.PARENT.PROCESS_ID: expected an
 * integer, got string`. This is the strict check of what the catalogue says; ingest stores an
 * event whose routing passes whatever its body holds, and reports the body's misfits as warnings
 * (fit.ts).
 */
import { z } from 'zod';
import type { FieldMap, FieldType, ScalarKind } from './fields';
import { eventTypeSpec } from './lookup';
import { objectTypeSpec } from './objects';
import { ATOM, FITS, within } from './scalars';
import { UnreachableCaseError } from '../errors/codes';

export type EventBody = Record<string, unknown>;

/** How a rejected value is shown: its type, and small values themselves (never a string's content). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'bigint') return `integer ${value}`;
  return typeof value;
}

/** A schema from a predicate, with the message this module promises; a missing required value "is required". */
function check<T>(accepts: (v: unknown) => boolean, expected: string | ((v: unknown) => string)) {
  return z.custom<T>(accepts, {
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : `expected ${typeof expected === 'string' ? expected : expected(issue.input)}, got ${describe(issue.input)}`,
  });
}

const isInteger = (v: unknown): v is number | bigint => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
const sized = (bits: string) => (v: unknown) => (isInteger(v) ? `a ${bits} integer` : 'an integer');

const stringValue = check<string>(FITS.string, 'a string');
const int32Value = check<number | bigint>(FITS.int32, sized('32-bit'));
const int64Value = check<number | bigint>(FITS.int64, sized('64-bit'));
const atomValue = check<string>(FITS.atom, 'an atom (1 to 128 characters, no control characters)');
/** routing.parent/target: "" means no reference, as null does (exporters write either for a root); normalize drops both. */
const atomRef = check<string>((v) => v === '' || (typeof v === 'string' && ATOM.test(v)), 'an atom (1 to 128 characters, no control characters) or ""');

const SCALARS: Record<ScalarKind, z.ZodType> = {
  string: stringValue,
  int32: int32Value,
  int64: int64Value,
  float: check<number | bigint>(FITS.float, 'a number'),
  bool01: check<0 | 1 | boolean>(FITS.bool01, '0, 1 or a boolean'),
  timestamp: check<number | bigint>(FITS.timestamp, 'an epoch time (a non-negative number)'),
  atom: atomValue,
  json: z.unknown(),
};

const objectError = { error: (issue: { input?: unknown }) => `expected an object, got ${describe(issue.input)}` };
const listError = { error: (issue: { input?: unknown }) => `expected a list, got ${describe(issue.input)}` };

function fieldSchema(type: FieldType): z.ZodType {
  switch (type.kind) {
    case 'scalar':
      return SCALARS[type.scalar];
    case 'object':
      // Lazy: ProcessSnapshot contains its PARENT, a ProcessSnapshot.
      return z.lazy(() => objectSchema(type.object));
    case 'list':
      // A null element is an absent one, as a null field is (promotion skips it; GraphQL lists hold nulls).
      return z.array(fieldSchema(type.of).nullable(), listError);
    default:
      throw new UnreachableCaseError(type);
  }
}

/** Every described field optional (a sensor leaves out what it does not know; null counts as absent), others kept. */
function looseShape(fields: FieldMap) {
  const shape = Object.fromEntries(Object.entries(fields).map(([key, type]) => [key, fieldSchema(type).nullish()]));
  return z.looseObject(shape, objectError);
}

const objectSchemas = new Map<string, z.ZodType<EventBody>>();

export function objectSchema(name: string): z.ZodType<EventBody> {
  let schema = objectSchemas.get(name);
  if (!schema) {
    const spec = objectTypeSpec(name);
    if (!spec) throw new Error(`the catalogue refers to object type ${name}, which objects.ts does not define`);
    schema = looseShape(spec.fields);
    objectSchemas.set(name, schema);
  }
  return schema;
}

/** Bodies of types the catalogue does not describe: any object, kept as it is. */
const unknownBodySchema: z.ZodType<EventBody> = z.record(z.string(), z.unknown(), objectError);
const bodySchemas = new Map<string, z.ZodType<EventBody>>();

export function bodySchemaFor(eventType: string): z.ZodType<EventBody> {
  const spec = eventTypeSpec(eventType);
  if (!spec) return unknownBodySchema;
  let schema = bodySchemas.get(eventType);
  if (!schema) {
    schema = looseShape(spec.fields);
    bodySchemas.set(eventType, schema);
  }
  return schema;
}

const nonEmpty = check<string>((v) => typeof v === 'string' && v.length > 0, 'a non-empty string');

/**
 * The routing envelope as seed 002 specifies it; `null` is accepted where the seed's schema says
 * ["x", "null"], and for ext_ip/int_ip/moduleid, which its sample shows but its schema leaves out.
 * Formats the seed calls UUID are not checked: its own sample's oid is not a UUID, and real sensors
 * send did "". Keys not listed here (latency...) are kept.
 */
export const routingSchema = z.looseObject(
  {
    this: atomValue.optional(),
    parent: atomRef.nullish(),
    target: atomRef.nullish(),
    event_type: nonEmpty,
    event_time: check<number | bigint>(within(0n, 2n ** 63n - 1n), 'an integer epoch time in milliseconds'),
    event_id: stringValue.optional(),
    oid: nonEmpty,
    sid: stringValue.nullish(),
    did: stringValue.nullish(),
    iid: stringValue.nullish(),
    investigation_id: stringValue.nullish(),
    hostname: stringValue.nullish(),
    arch: int32Value.nullish(),
    plat: int64Value.nullish(),
    tags: z.array(stringValue, listError).optional(),
    ext_ip: stringValue.nullish(),
    int_ip: stringValue.nullish(),
    moduleid: int32Value.nullish(),
  },
  objectError,
);

export type Routing = z.infer<typeof routingSchema>;

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** `event` + ['PARENT', 'PROCESS_ID'] -> `event.PARENT.PROCESS_ID`; list indexes as `[0]`. */
export function pathText(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), root);
}

function run<T>(schema: z.ZodType<T>, value: unknown, root: string): Validation<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: result.error.issues.map((issue) => `${pathText(root, issue.path)}: ${issue.message}`) };
}

export function validateRouting(value: unknown, root = 'routing'): Validation<Routing> {
  return run(routingSchema, value, root);
}

export function validateBody(eventType: string, value: unknown, root = 'event'): Validation<EventBody> {
  return run(bodySchemaFor(eventType), value, root);
}

export interface ValidatedEvent {
  routing: Routing;
  event: EventBody;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A whole record `{routing, event}`: routing, then the body against its type, then each inner
 * event (THREAD_INJECTION's EVENTS[]) as a record of its own, all errors reported together.
 * A record without `event` has an empty body. Other top-level keys are not returned.
 */
export function validateEvent(record: unknown, root = ''): Validation<ValidatedEvent> {
  const at = (key: string) => (root ? `${root}.${key}` : key);
  if (!isRecord(record)) return { ok: false, errors: [`${root || 'record'}: expected an object, got ${describe(record)}`] };
  const errors: string[] = [];
  const routing = validateRouting(record['routing'], at('routing'));
  if (!routing.ok) errors.push(...routing.errors);
  // The body is still checked when only other routing fields are wrong, so one pass shows every problem.
  const rawType = isRecord(record['routing']) ? record['routing']['event_type'] : undefined;
  const eventType = routing.ok ? routing.value.event_type : typeof rawType === 'string' ? rawType : undefined;
  if (eventType === undefined) return { ok: false, errors };
  const body = validateBody(eventType, record['event'] ?? {}, at('event'));
  if (!body.ok) errors.push(...body.errors);
  const innerKey = eventTypeSpec(eventType)?.innerEvents;
  const inner = body.ok && innerKey ? body.value[innerKey] : undefined;
  if (Array.isArray(inner)) {
    inner.forEach((child, i) => {
      const result = validateEvent(child, `${at('event')}.${innerKey}[${i}]`);
      if (!result.ok) errors.push(...result.errors);
    });
  }
  if (!routing.ok || !body.ok || errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { routing: routing.value, event: body.value } };
}
