/**
 * Lenient reading of a body, for ingest: routing is LimaCharlie's contract, the body is whatever
 * the sensor sent, and sensors differ by version and platform. A described field whose value does
 * not fit the catalogue does not cost the event its place in the graph: the value stays in `raw` as
 * it came, is left out of the body the promoted properties are read from (or converted, where the
 * conversion is exact: "123" for an integer), and is reported as a warning naming its path.
 */
import type { FieldType } from './fields';
import { eventTypeSpec } from './lookup';
import { objectTypeSpec } from './objects';
import { fitScalar } from './scalars';
import { bodySchemaFor, describe, type EventBody, pathText, type ValidatedEvent, validateRouting } from './zod';

/** One body value that did not fit: its path (`event.PARENT.PROCESS_ID`) and what was wrong and done. */
export interface FieldWarning {
  path: string;
  reason: string;
}

export interface FittedBody {
  /** The body with every value that fits, for promotion; the record's original text is never changed. */
  body: EventBody;
  warnings: FieldWarning[];
}

export type FitResult = { ok: true; value: ValidatedEvent; warnings: FieldWarning[] } | { ok: false; errors: string[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The catalogue's type at a path into a body (keys and list positions), or undefined past what it describes. */
function typeAt(eventType: string, path: readonly PropertyKey[]): FieldType | undefined {
  let fields = eventTypeSpec(eventType)?.fields;
  let type: FieldType | undefined;
  for (const key of path) {
    if (typeof key === 'number') {
      if (type?.kind !== 'list') return undefined;
      type = type.of;
    } else {
      type = fields?.[String(key)];
      if (!type) return undefined;
    }
    fields = type.kind === 'object' ? objectTypeSpec(type.object)?.fields : undefined;
  }
  return type;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) current = typeof current === 'object' && current !== null ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}

/** Sets the value at `path` in `body`, or takes it out (a list keeps its positions: the element becomes null). */
function place(body: EventBody, path: readonly PropertyKey[], value: unknown): void {
  const parent = valueAt(body, path.slice(0, -1));
  const key = path[path.length - 1];
  if (key === undefined || typeof parent !== 'object' || parent === null) return;
  if (Array.isArray(parent)) parent[Number(key)] = value === undefined ? null : value;
  else if (value === undefined) delete (parent as Record<PropertyKey, unknown>)[key];
  else (parent as Record<PropertyKey, unknown>)[key] = value;
}

const shown = (value: unknown) => (typeof value === 'bigint' ? value.toString() : String(value));

/**
 * A body against its type's description. null or absent is an empty body; a body that is not an
 * object is one warning and an empty body. Fields the catalogue does not describe are kept.
 */
export function fitBody(eventType: string, value: unknown, root = 'event'): FittedBody {
  if (value === undefined || value === null) return { body: {}, warnings: [] };
  const result = bodySchemaFor(eventType).safeParse(value);
  if (result.success) return { body: result.data, warnings: [] };
  if (!isRecord(value)) return { body: {}, warnings: [{ path: root, reason: `expected an object, got ${describe(value)}; the body is kept in raw only` }] };
  // Only bodies with a misfit pay for the copy: the parsed record itself stays as it came.
  const body = structuredClone(value);
  const warnings: FieldWarning[] = [];
  for (const issue of result.error.issues) {
    const type = typeAt(eventType, issue.path);
    const fitted = type?.kind === 'scalar' ? fitScalar(valueAt(value, issue.path), type.scalar) : undefined;
    place(body, issue.path, fitted);
    warnings.push({ path: pathText(root, issue.path), reason: `${issue.message}; ${fitted === undefined ? 'kept in raw only' : `read as ${shown(fitted)}`}` });
  }
  return { body, warnings };
}

/**
 * A record `{routing, event}` for storing: refused only when the routing is not valid (it is what
 * keys the event and places it in the tree); the body is fitted. Inner events (EVENTS[]) are the
 * caller's: each is a record of its own.
 */
export function fitEvent(record: unknown, root = ''): FitResult {
  const at = (key: string) => (root ? `${root}.${key}` : key);
  if (!isRecord(record)) return { ok: false, errors: [`${root || 'record'}: expected an object, got ${describe(record)}`] };
  const routing = validateRouting(record['routing'], at('routing'));
  if (!routing.ok) return { ok: false, errors: routing.errors };
  const { body, warnings } = fitBody(routing.value.event_type, record['event'], at('event'));
  return { ok: true, value: { routing: routing.value, event: body }, warnings };
}
