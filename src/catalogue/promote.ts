/**
 * Promoted hunting properties: a few body values copied onto the event under one canonical name
 * whatever the event type, so hunts filter on `filePath` or `dstIp` without knowing where each
 * type keeps them. Each event type says where they come from as data — paths into its body — and
 * this module is the only code that reads those paths.
 *
 * Path syntax: keys joined by dots (`PARENT.FILE_PATH`); `KEY[]` steps into every element of a
 * list (`NETWORK_ACTIVITY[].DESTINATION.IP_ADDRESS`). A property may list several paths: a
 * single-valued property takes the first that yields a value, a list property collects them all.
 */
import type { IndicatorKind } from '../domain/indicators';
import type { FieldMap, FieldType } from './fields';
import { eventTypeSpec } from './lookup';
import { objectTypeSpec } from './objects';

interface PromotedSpec {
  readonly value: 'string' | 'int' | 'stringList';
  /** The Indicator kind the value feeds, when it is something hunters pivot on across hosts. */
  readonly indicator?: IndicatorKind;
}

/**
 * The canonical names the graph writer relies on. Paths of other processes (parent, target) are
 * properties for filtering, not indicators: the indicator belongs to that process's own event.
 */
export const PROMOTED_PROPERTIES = {
  filePath: { value: 'string', indicator: 'FILE_PATH' },
  commandLine: { value: 'string', indicator: 'COMMAND_LINE' },
  hash: { value: 'string', indicator: 'HASH' },
  hashMd5: { value: 'string', indicator: 'HASH' },
  hashSha1: { value: 'string', indicator: 'HASH' },
  domain: { value: 'string', indicator: 'DOMAIN' },
  /** Remote addresses where a type has no source/destination split (DNS answers, connection lists). */
  ip: { value: 'stringList', indicator: 'IP' },
  srcIp: { value: 'string', indicator: 'IP' },
  dstIp: { value: 'string', indicator: 'IP' },
  srcPort: { value: 'int' },
  dstPort: { value: 'int' },
  userName: { value: 'string', indicator: 'USER' },
  processId: { value: 'int' },
  parentProcessId: { value: 'int' },
  registryKey: { value: 'string' },
  moduleName: { value: 'string' },
  serviceName: { value: 'string' },
  parentFilePath: { value: 'string' },
  parentCommandLine: { value: 'string' },
  targetFilePath: { value: 'string' },
  accessFlags: { value: 'int' },
} as const satisfies Record<string, PromotedSpec>;

export type PromotedProperty = keyof typeof PROMOTED_PROPERTIES;

export type PromoteMap = Readonly<Partial<Record<PromotedProperty, string | readonly string[]>>>;

/** Values read from a body: strings, integers as bigint (exact, and what Neo4j stores as INTEGER), IP lists. */
export type PromotedValues = Partial<Record<PromotedProperty, string | bigint | string[]>>;

interface Step {
  key: string;
  each: boolean;
}

function steps(path: string): Step[] {
  return path.split('.').map((segment) =>
    segment.endsWith('[]') ? { key: segment.slice(0, -2), each: true } : { key: segment, each: false },
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every value at `path` in `body` (several when the path steps through lists); absent and null values are skipped. */
export function readPath(body: unknown, path: string): unknown[] {
  return readSteps(body, steps(path));
}

function readSteps(body: unknown, path: readonly Step[]): unknown[] {
  let values: unknown[] = [body];
  for (const { key, each } of path) {
    const next: unknown[] = [];
    for (const value of values) {
      const child = isRecord(value) ? value[key] : undefined;
      if (child === undefined || child === null) continue;
      if (each) {
        if (Array.isArray(child)) next.push(...child.filter((c) => c !== undefined && c !== null));
      } else {
        next.push(child);
      }
    }
    values = next;
  }
  return values;
}

/** The field a path names in a field map, or undefined when the path leaves the description. */
export function fieldAtPath(fields: FieldMap, path: string): FieldType | undefined {
  let current: FieldMap | undefined = fields;
  let type: FieldType | undefined;
  for (const { key, each } of steps(path)) {
    type = current?.[key];
    if (!type) return undefined;
    if (each) {
      if (type.kind !== 'list') return undefined;
      type = type.of;
    }
    current = type.kind === 'object' ? objectTypeSpec(type.object)?.fields : undefined;
  }
  return type;
}

function firstString(values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.length > 0);
}

function firstInteger(values: unknown[]): bigint | undefined {
  for (const v of values) {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  }
  return undefined;
}

interface Promotion {
  name: PromotedProperty;
  value: PromotedSpec['value'];
  paths: Step[][];
}

/** Each known type's promotions with their paths parsed, built on first use: they are read for every event. */
const promotions = new Map<string, Promotion[]>();

function promotionsOf(eventType: string): Promotion[] {
  let list = promotions.get(eventType);
  if (!list) {
    const spec = eventTypeSpec(eventType);
    if (!spec) return [];
    list = Object.entries(spec.promote).map(([name, paths]) => ({
      name: name as PromotedProperty,
      value: PROMOTED_PROPERTIES[name as PromotedProperty].value,
      paths: (typeof paths === 'string' ? [paths] : paths).map(steps),
    }));
    promotions.set(eventType, list);
  }
  return list;
}

/** The promoted properties of one event body; an event type the catalogue does not know promotes nothing. */
export function promotedValues(eventType: string, body: unknown): PromotedValues {
  const out: PromotedValues = {};
  for (const { name, value: kind, paths } of promotionsOf(eventType)) {
    const values = paths.flatMap((path) => readSteps(body, path));
    const value =
      kind === 'stringList'
        ? [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))]
        : kind === 'string'
          ? firstString(values)
          : firstInteger(values);
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) out[name] = value;
  }
  return out;
}
