/**
 * Reads the shared specification inputs (/work/shared, beside the repository): the seed markdown
 * and the sample events. Numbers are parsed losslessly (src/domain/json), so the seed's
 * STACK_TRACE_FRAME_PC 4035225266123964416 arrives as a bigint, exactly as ingest would see it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type JsonValue, parseJson } from '../../src/domain/json';

export const SHARED_DIR = path.resolve(__dirname, '../../../shared');
export const SEEDS_DIR = path.join(SHARED_DIR, 'seeds');
export const CLASSIC_CATALOGUE = path.join(SEEDS_DIR, '000_a1b86603f1b69e03.txt');
export const ENVELOPE_SPEC = path.join(SEEDS_DIR, '002_e6f7be4d696840e8.txt');

/** A file under /work/shared, e.g. sharedFile('samples', 'README.md'); fails loudly when it is not there. */
export function sharedFile(...parts: string[]): string {
  const file = path.join(SHARED_DIR, ...parts);
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: shared inputs are read from ${SHARED_DIR} (the repository's sibling "shared" folder); pass a path relative to it`);
  }
  return file;
}

function parseOrThrow(text: string, where: string): JsonValue {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(`${where}: ${parsed.reason}`);
  return parsed.value;
}

export function readJsonFile(...parts: string[]): JsonValue {
  const file = sharedFile(...parts);
  return parseOrThrow(readFileSync(file, 'utf8'), file);
}

/** Records of a JSON Lines file, each with its 1-based line number. */
export function readJsonLines(...parts: string[]): { line: number; value: JsonValue }[] {
  const file = sharedFile(...parts);
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim().length > 0)
    .map(({ text, line }) => ({ line, value: parseOrThrow(text, `${file}:${line}`) }));
}

export interface SeedSection {
  /** The `### EVENT_TYPE` heading. */
  eventType: string;
  /** Prose between the heading and the sample. */
  description: string;
  /** The sample body, unwrapped; absent when the section has no usable sample. */
  body?: Record<string, JsonValue>;
}

export interface SeedCatalogue {
  sections: SeedSection[];
  /** Samples that could not be used as they are, each saying what was done about it. */
  problems: string[];
}

const isRecord = (v: JsonValue | undefined): v is Record<string, JsonValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The seed abbreviates lists with `{ "..." : "..." }` entries; they are not data. */
function stripPlaceholders(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    return value
      .filter((v) => !(isRecord(v) && Object.keys(v).length === 1 && v['...'] === '...'))
      .map(stripPlaceholders);
  }
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripPlaceholders(v)]));
  return value;
}

function sampleBody(eventType: string, block: string, problems: string[]): Record<string, JsonValue> | undefined {
  let parsed = parseJson(block);
  if (!parsed.ok && block.trim().startsWith('"')) {
    // OS_PACKAGES_REP shows a bare member (`"PACKAGES": [...]`): read it as the object it belongs to.
    const repaired = parseJson(`{${block}}`);
    if (repaired.ok) {
      problems.push(`${eventType}: the sample is a bare member, not an object; read it wrapped in braces`);
      parsed = repaired;
    }
  }
  if (!parsed.ok) {
    problems.push(`${eventType}: the sample is not JSON (${parsed.reason}); skipped`);
    return undefined;
  }
  let body = stripPlaceholders(parsed.value);
  // Some samples wrap the body in a key equal to the type ({"STARTING_UP": {...}}).
  if (isRecord(body) && Object.keys(body).length === 1 && isRecord(body[eventType])) body = body[eventType];
  if (!isRecord(body)) {
    problems.push(`${eventType}: the sample is not an object; skipped`);
    return undefined;
  }
  return body;
}

/** Every `### EVENT_TYPE` section under "## Events Listing" of the classic catalogue (seed 000). */
export function readSeedCatalogue(file = CLASSIC_CATALOGUE): SeedCatalogue {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === '## Events Listing');
  if (start < 0) throw new Error(`${file} has no "## Events Listing" heading; is it the classic event catalogue?`);
  const sections: SeedSection[] = [];
  const problems: string[] = [];
  let i = start + 1;
  while (i < lines.length) {
    const heading = /^### (\S+)\s*$/.exec(lines[i] ?? '');
    i += 1;
    if (!heading?.[1]) continue;
    const eventType = heading[1];
    const prose: string[] = [];
    let block: string[] | undefined;
    for (; i < lines.length && !/^##/.test(lines[i] ?? ''); i += 1) {
      const line = lines[i] ?? '';
      if (block === undefined && line.startsWith('```')) block = [];
      else if (block !== undefined && line.startsWith('```')) {
        i += 1;
        break;
      } else if (block !== undefined) block.push(line);
      else if (line.trim().length > 0) prose.push(line.trim());
    }
    const body = block === undefined ? undefined : sampleBody(eventType, block.join('\n'), problems);
    sections.push({ eventType, description: prose.join(' '), ...(body === undefined ? {} : { body }) });
  }
  return { sections, problems };
}

/** Seed 002's JSON snippets have trailing commas (`"tags": ["server"],\n}`); JSON does not. */
const withoutTrailingCommas = (text: string) => text.replace(/,(\s*[}\]])/g, '$1');

function between(text: string, from: string, to: string, file: string): string {
  const a = text.indexOf(from);
  const b = text.indexOf(to, a + from.length);
  if (a < 0 || b < 0) throw new Error(`${file}: cannot find the text between "${from}" and "${to}"`);
  return text.slice(a + from.length, b);
}

/** Seed 002: the envelope's JSON schema (routing property -> allowed JSON types) and its sample event. */
export function readEnvelopeSpec(file = ENVELOPE_SPEC): {
  routingTypes: Record<string, string[]>;
  sample: JsonValue;
} {
  const text = readFileSync(file, 'utf8');
  const schemaText = between(text, 'standard formatted JSON.', 'The following is a sample event', file);
  const schema = parseOrThrow(withoutTrailingCommas(schemaText), `${file} (schema)`);
  const routing = isRecord(schema) && isRecord(schema['properties']) ? schema['properties']['routing'] : undefined;
  const properties = isRecord(routing) ? routing['properties'] : undefined;
  if (!isRecord(properties)) throw new Error(`${file}: the schema has no properties.routing.properties`);
  const routingTypes = Object.fromEntries(
    Object.entries(properties).map(([key, prop]) => {
      const type = isRecord(prop) ? prop['type'] : undefined;
      return [key, (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string')];
    }),
  );
  const sampleText = between(text, 'utilizing the above schema:', 'Specific Event schemas', file);
  return { routingTypes, sample: parseOrThrow(withoutTrailingCommas(sampleText), `${file} (sample)`) };
}

/**
 * The extra event types the samples README lists ("More event types exist than the seed catalogue
 * lists: ..."), with its slash shorthands expanded: TERMINATE_TCP4/6_CONNECTION,
 * NEW_TCP6/UDP6_CONNECTION, NEW_NAMED_PIPE/OPEN_NAMED_PIPE, and back-quoted cloud types.
 */
export function readmeEventTypes(): string[] {
  const text = readFileSync(sharedFile('samples', 'README.md'), 'utf8');
  const listText = between(text, 'More event types exist than the seed catalogue lists:', 'Any type not modelled', 'samples/README.md');
  const names: string[] = [];
  // UPPER_SNAKE names, possibly with a slash shorthand, and back-quoted lower-case names.
  for (const [, item = '', quoted] of listText.matchAll(/([A-Z][A-Z0-9_]*(?:\/[A-Z0-9_]+)?)|`([a-z_]+)`/g)) {
    if (quoted) {
      names.push(quoted);
      continue;
    }
    const [first = '', second] = item.split('/');
    if (second === undefined) {
      names.push(first);
      continue;
    }
    const head = second.slice(0, second.indexOf('_'));
    const tail = second.slice(second.indexOf('_'));
    if (first.endsWith(tail)) {
      names.push(first, second); // two whole names
    } else {
      // A shared tail: the part after the slash replaces the end of the first name's last word.
      const variant = /^\d+$/.test(head) ? first.replace(/\d+$/, head) : first.replace(/[^_]+$/, head);
      names.push(first + tail, variant + tail);
    }
  }
  return names;
}
