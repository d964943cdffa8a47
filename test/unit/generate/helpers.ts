/**
 * Runs the generator in memory and gives its lines parsed, indexed by atom, for the tests to
 * check against each other and against the truth. Runs are cached by their options, so test files
 * share one run per configuration.
 */
import { generateText, NO_WRINKLES, withDefaults, type GenerateOptions, type Truth } from '../../../src/generate';
import { parseJson } from '../../../src/domain/json';

export type Rec = Record<string, unknown>;

export interface Event {
  readonly text: string;
  readonly routing: Rec;
  readonly event: Rec;
  readonly type: string;
  readonly atom: string | undefined;
  readonly parent: string | undefined;
  readonly target: string | undefined;
  readonly sid: string;
  readonly time: number;
}

export interface Run {
  readonly text: string;
  readonly lines: string[];
  readonly truth: Truth;
}

export type RunOptions = Partial<GenerateOptions> & Pick<GenerateOptions, 'hosts' | 'events'>;

const cache = new Map<string, Promise<Run>>();

export function run(options: RunOptions): Promise<Run> {
  const key = JSON.stringify(options);
  let result = cache.get(key);
  if (!result) {
    result = generateText(withDefaults(options)).then(({ text, truth }) => ({ text, lines: text.split('\n').filter((l) => l.length > 0), truth }));
    cache.set(key, result);
  }
  return result;
}

/** A run with every wrinkle off: each event once, in order, all parents sent, no malformed line. */
export function cleanRun(options: RunOptions): Promise<Run> {
  return run({ ...options, ...NO_WRINKLES });
}

export const asRecord = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});

export function parseLine(text: string): Event {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(`parseLine(text): the line is not JSON (${parsed.reason}); use it only on well-formed lines`);
  const record = asRecord(parsed.value);
  const routing = asRecord(record['routing']);
  const str = (k: string) => (typeof routing[k] === 'string' ? (routing[k] as string) : undefined);
  return {
    text,
    routing,
    event: asRecord(record['event']),
    type: String(routing['event_type']),
    atom: str('this'),
    parent: str('parent'),
    target: str('target'),
    sid: String(routing['sid']),
    time: Number(routing['event_time']),
  };
}

/** Events by routing.this (the feed's atoms are unique). */
export function byAtom(events: readonly Event[]): Map<string, Event> {
  const map = new Map<string, Event>();
  for (const e of events) if (e.atom) map.set(e.atom, e);
  return map;
}

export const isProcess = (e: Event | undefined): boolean => e !== undefined && (e.type === 'NEW_PROCESS' || e.type === 'EXISTING_PROCESS');
