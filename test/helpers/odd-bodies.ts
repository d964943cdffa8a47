/**
 * Bodies with one odd value each, generated from the catalogue (not written by hand): for every
 * event type and every field it describes (nested objects and list elements included, each object
 * type expanded once per path), each kind of value sensors have been seen to send where the
 * catalogue expects something else. What each case should give is decided here, from the field's
 * kind alone, by the rules the README states, not by the code under test.
 */
import { allEventTypes, objectTypeSpec, type FieldMap, type FieldType, type ScalarKind } from '../../src/catalogue';

export type Outcome = 'fits' | 'warns' | 'converts';

export interface OddCase {
  eventType: string;
  /** Keys and list positions from the body down to the odd value; [] is the body itself. */
  steps: (string | number)[];
  /** `event.PARENT.PROCESS_ID`, `event.SVCS[0]`: the path a warning names. */
  path: string;
  kind: string;
  /** The value, as JSON text (so integers beyond 2^53 are sent as written). */
  json: string;
  outcome: Outcome;
  /** The top-level field the value is in (null for the body itself). */
  topField: string | null;
}

const NUMERIC: readonly ScalarKind[] = ['int32', 'int64', 'timestamp', 'float'];

/** The odd values for a type, with what each should give. null is absence everywhere (the datasets send it). */
function oddValues(type: FieldType, inner: boolean): { kind: string; json: string; outcome: Outcome }[] {
  const scalar = type.kind === 'scalar' ? type.scalar : null;
  const out: { kind: string; json: string; outcome: Outcome }[] = [];
  const misfit = (fits: boolean): Outcome => (fits ? 'fits' : 'warns');
  out.push({ kind: 'null', json: 'null', outcome: 'fits' });
  // An empty string fits a free string; an atom (a key) must not be empty; nothing else is a string.
  out.push({ kind: 'empty string', json: '""', outcome: misfit(scalar === 'string' || scalar === 'json') });
  if (scalar === 'bool01') out.push({ kind: 'flag as string', json: '"1"', outcome: 'converts' });
  else if (scalar && NUMERIC.includes(scalar)) out.push({ kind: 'number as string', json: '"123"', outcome: 'converts' });
  else out.push({ kind: 'number as string', json: '"123"', outcome: misfit(scalar === 'string' || scalar === 'atom' || scalar === 'json') });
  out.push({ kind: 'object', json: '{"unexpected":1}', outcome: misfit(type.kind === 'object' || scalar === 'json') });
  // An array where an object or a scalar was (inner events of a carrier are records of their own: no arrays there).
  if (type.kind !== 'list' && !inner) out.push({ kind: 'array', json: '[1,2]', outcome: misfit(scalar === 'json') });
  const outOfRange: Partial<Record<ScalarKind, string>> = { int32: '4294967296', int64: '18446744073709551616', timestamp: '-1', bool01: '2' };
  if (scalar && outOfRange[scalar]) out.push({ kind: 'out of range', json: outOfRange[scalar]!, outcome: 'warns' });
  return out;
}

function pathText(steps: readonly (string | number)[]): string {
  return steps.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : `${acc}.${s}`), 'event');
}

/** Every field path of a field map: each object type is expanded once on a path (ProcessSnapshot holds its PARENT). */
function fieldPaths(fields: FieldMap, steps: (string | number)[], seen: readonly string[], innerKey?: string): { steps: (string | number)[]; type: FieldType }[] {
  const out: { steps: (string | number)[]; type: FieldType }[] = [];
  for (const [key, type] of Object.entries(fields)) {
    const here = [...steps, key];
    out.push({ steps: here, type });
    if (key === innerKey) continue;
    out.push(...below(type, here, seen));
  }
  return out;
}

function below(type: FieldType, steps: (string | number)[], seen: readonly string[]): { steps: (string | number)[]; type: FieldType }[] {
  if (type.kind === 'object') {
    if (seen.includes(type.object)) return [];
    return fieldPaths(objectTypeSpec(type.object)!.fields, steps, [...seen, type.object]);
  }
  if (type.kind === 'list') return [{ steps: [...steps, 0], type: type.of }, ...below(type.of, [...steps, 0], seen)];
  return [];
}

export function oddCases(): OddCase[] {
  const cases: OddCase[] = [];
  for (const spec of allEventTypes()) {
    // The body itself: not an object.
    for (const [kind, json] of [['body is an array', '[1,2]'], ['body is a string', '"(truncated by proxy)"']] as const) {
      cases.push({ eventType: spec.name, steps: [], path: 'event', kind, json, outcome: 'warns', topField: null });
    }
    for (const { steps, type } of fieldPaths(spec.fields, [], [], spec.innerEvents)) {
      const inner = spec.innerEvents !== undefined && steps[0] === spec.innerEvents;
      for (const odd of oddValues(type, inner)) {
        cases.push({ eventType: spec.name, steps, path: pathText(steps), ...odd, topField: String(steps[0]) });
      }
    }
  }
  return cases;
}

/** The body's JSON text with the odd value placed at its steps (objects and one-element lists around it). */
export function bodyText(c: OddCase): string {
  let json = c.json;
  for (const step of [...c.steps].reverse()) json = typeof step === 'number' ? `[${json}]` : `{${JSON.stringify(step)}:${json}}`;
  return json;
}

/** One record per case, each its own atom, with a parent and a target so its edges can be checked. */
export function oddRecord(c: OddCase, index: number, oid: string): { atom: string; parent: string; target: string; text: string } {
  const atom = `odd-${index}`;
  const routing = {
    oid,
    sid: 'odd-sensor',
    hostname: 'odd-host',
    this: atom,
    parent: `odd-parent-${index % 97}`,
    target: `odd-target-${index % 89}`,
    event_type: c.eventType,
    event_time: 1_700_000_000_000 + index,
  };
  return { atom, parent: routing.parent, target: routing.target, text: `{"routing":${JSON.stringify(routing)},"event":${bodyText(c)}}` };
}
