/**
 * What a generation run is asked for, with the defaults, and the checking of raw (command-line)
 * values into it. Problems are returned together as data so the CLI can report them all at once.
 */
import { hash32 } from './prng';

export interface GenerateOptions {
  /** Sensors in the fleet. */
  readonly hosts: number;
  /** Approximate number of events: generation stops once reached, but never inside an attack story. */
  readonly events: number;
  readonly seed: string;
  /** Organisations the hosts are split between (each has its own oid, address range and stories). */
  readonly orgs: number;
  /** Capture start, epoch milliseconds; derived from the seed when not given. */
  readonly start: number;
  /** Attack stories planted (at least one per org by default). */
  readonly stories: number;
  /** Fraction of lines delivered late, up to shuffleWindow lines after their place. */
  readonly shuffle: number;
  readonly shuffleWindow: number;
  /** Fraction of lines delivered a second time, byte for byte. */
  readonly duplicates: number;
  /** Fraction of the processes running when a host's capture begins whose NEW_PROCESS is never sent. */
  readonly orphans: number;
  /** Fraction of lines that are malformed (truncated, wrongly typed, missing routing...). */
  readonly badFraction: number;
  /**
   * Largest clock error of a host, in seconds (0: every clock right). Each host's clock is off by a
   * fixed amount up to this, either way, and every time it reports (routing.event_time and every
   * TIMESTAMP in its bodies) is off by as much: see sim/clocks.ts.
   */
  readonly clockSkew: number;
  /** Also write the detections a rule set would raise (detection stream records, each after its event). */
  readonly detections: boolean;
}

export const DEFAULTS = {
  seed: '1',
  orgs: 1,
  shuffle: 0.02,
  shuffleWindow: 2000,
  duplicates: 0.001,
  orphans: 0.03,
  badFraction: 0,
  clockSkew: 0,
  detections: true,
} as const;

/** What `npm run demo` uses: real captures' hosts disagree by 0.3-3.4 s. */
export const DEMO_CLOCK_SKEW = 3;

export const LIMITS = { hosts: 100_000, events: 1_000_000_000, orgs: 1000, stories: 1000, shuffleWindow: 100_000, clockSkew: 3600 } as const;

/** Monday 2024-01-08 06:00 UTC plus a seed-chosen number of days: a plausible working-day morning. */
export function defaultStart(seed: string): number {
  return Date.UTC(2024, 0, 8, 6) + (hash32(`start/${seed}`) % 200) * 86_400_000;
}

/** The options with defaults filled in (for tests and the API). */
export function withDefaults(options: Partial<GenerateOptions> & Pick<GenerateOptions, 'hosts' | 'events'>): GenerateOptions {
  const seed = options.seed ?? DEFAULTS.seed;
  const orgs = options.orgs ?? DEFAULTS.orgs;
  return {
    seed,
    orgs,
    start: defaultStart(seed),
    stories: orgs,
    shuffle: DEFAULTS.shuffle,
    shuffleWindow: DEFAULTS.shuffleWindow,
    duplicates: DEFAULTS.duplicates,
    orphans: DEFAULTS.orphans,
    badFraction: DEFAULTS.badFraction,
    clockSkew: DEFAULTS.clockSkew,
    detections: DEFAULTS.detections,
    ...options,
  };
}

/** Real-feed wrinkles all off: every line is a well-formed event, once, in time order, every parent sent, every clock right. */
export const NO_WRINKLES = { shuffle: 0, duplicates: 0, orphans: 0, badFraction: 0, clockSkew: 0 } as const;

/** Raw values as the command line gives them (strings; undefined when not given). */
export interface RawGenerateOptions {
  hosts?: string;
  events?: string;
  seed?: string;
  orgs?: string;
  start?: string;
  stories?: string;
  shuffle?: string;
  shuffleWindow?: string;
  duplicates?: string;
  orphans?: string;
  badFraction?: string;
  clockSkew?: string;
  /** `on` or `off`. */
  detections?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export function parseGenerateOptions(raw: RawGenerateOptions): Parsed<GenerateOptions> {
  const errors: string[] = [];
  const whole = (flag: string, text: string | undefined, min: number, max: number, fallback?: number): number => {
    if (text === undefined) {
      if (fallback === undefined) errors.push(`--${flag} is required`);
      return fallback ?? min;
    }
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      errors.push(`--${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
      return min;
    }
    return n;
  };
  const fraction = (flag: string, text: string | undefined, fallback: number, max = 1, what = 'a fraction'): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
      errors.push(`--${flag} must be ${what} from 0 to ${max}, got ${JSON.stringify(text)}`);
      return fallback;
    }
    return n;
  };

  const before = errors.length;
  const hosts = whole('hosts', raw.hosts, 1, LIMITS.hosts);
  const hostsOk = errors.length === before;
  const events = whole('events', raw.events, 1, LIMITS.events);
  const orgs = whole('orgs', raw.orgs, 1, LIMITS.orgs, DEFAULTS.orgs);
  if (hostsOk && orgs > hosts) errors.push(`--orgs (${orgs}) cannot exceed --hosts (${hosts}): every org needs a host`);
  const stories = whole('stories', raw.stories, 0, LIMITS.stories, orgs);
  const seed = raw.seed ?? DEFAULTS.seed;
  if (seed.length === 0) errors.push('--seed must not be empty');
  let start = defaultStart(seed);
  if (raw.start !== undefined) {
    const parsed = /^\d+$/.test(raw.start.trim()) ? Number(raw.start) : Date.parse(raw.start);
    if (!Number.isSafeInteger(parsed) || parsed < Date.UTC(2000, 0, 1) || parsed > Date.UTC(2100, 0, 1)) {
      errors.push(`--start must be an ISO-8601 time or epoch milliseconds between 2000 and 2100, got ${JSON.stringify(raw.start)}`);
    } else {
      start = parsed;
    }
  }
  const onOff = (flag: string, text: string | undefined, fallback: boolean): boolean => {
    if (text === undefined) return fallback;
    if (text === 'on' || text === 'off') return text === 'on';
    errors.push(`--${flag} must be on or off, got ${JSON.stringify(text)}`);
    return fallback;
  };
  // Above one half, "malformed" would be the feed and not a wrinkle of it.
  const badFraction = fraction('bad-fraction', raw.badFraction, DEFAULTS.badFraction, 0.5);
  const options: GenerateOptions = {
    hosts,
    events,
    seed,
    orgs,
    start,
    stories,
    shuffle: fraction('shuffle', raw.shuffle, DEFAULTS.shuffle),
    shuffleWindow: whole('shuffle-window', raw.shuffleWindow, 1, LIMITS.shuffleWindow, DEFAULTS.shuffleWindow),
    duplicates: fraction('duplicates', raw.duplicates, DEFAULTS.duplicates, 0.5),
    orphans: fraction('orphans', raw.orphans, DEFAULTS.orphans),
    badFraction,
    clockSkew: fraction('clock-skew', raw.clockSkew, DEFAULTS.clockSkew, LIMITS.clockSkew, 'a number of seconds'),
    detections: onOff('detections', raw.detections, DEFAULTS.detections),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: options };
}
