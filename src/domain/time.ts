/**
 * LimaCharlie body timestamps come in seconds in older events and milliseconds in newer ones
 * (the seeds show both); routing.event_time is always milliseconds. This brings an epoch value of
 * any of the usual units to milliseconds, judging the unit by magnitude: a seconds value for any
 * date before 5138 is below 1e11, a milliseconds value after 1973 is above it.
 */
export function normalizeEpochMs(value: unknown): bigint | null {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isFinite(value)) n = BigInt(Math.trunc(value));
  else return null;
  if (n < 0n) return null;
  if (n < 100_000_000_000n) return n * 1000n; // seconds
  if (n < 100_000_000_000_000n) return n; // milliseconds
  if (n < 100_000_000_000_000_000n) return n / 1000n; // microseconds
  return n / 1_000_000n; // nanoseconds
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** The longest relative range accepted: ten years of days, far beyond any retention. */
export const MAX_RELATIVE_MS = 3650 * 86_400_000;
const SHORT = /^(\d{1,7})([smhdw])$/;
// ISO-8601 durations of weeks, days, hours, minutes and seconds. Years and months have no fixed
// length, so they are refused rather than guessed.
const ISO = /^P(?:(\d{1,7})W|(?:(\d{1,7})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,7})M)?(?:(\d{1,7}(?:\.\d{1,3})?)S)?)?)$/;

/**
 * A relative time range as milliseconds: `24h`, `30m`, `7d`, `2w`, `90s`, or an ISO-8601 duration
 * (`PT24H`, `P1D`, `P1DT12H`, `P2W`). Returns a reason instead when the text is none of these.
 */
export function parseRelativeRange(text: string): { ms: number } | { reason: string } {
  const t = text.trim();
  const short = SHORT.exec(t.toLowerCase());
  let ms: number | null = null;
  if (short) ms = Number(short[1]) * UNIT_MS[short[2]!]!;
  else {
    const iso = ISO.exec(t.toUpperCase());
    if (iso && t.toUpperCase() !== 'P' && !t.toUpperCase().endsWith('T')) {
      const [, w, d, h, m, s] = iso;
      ms = Number(w ?? 0) * UNIT_MS['w']! + Number(d ?? 0) * UNIT_MS['d']! + Number(h ?? 0) * UNIT_MS['h']! + Number(m ?? 0) * UNIT_MS['m']! + Math.round(Number(s ?? 0) * 1000);
    } else if (/^P.*[YM]/i.test(t) && !/T.*M/i.test(t)) {
      return { reason: `"${text}": years and months have no fixed length; give days or weeks (P30D, P4W)` };
    }
  }
  if (ms === null) return { reason: `"${text}" is not a relative range: use a number and a unit (90s, 30m, 24h, 7d, 2w) or an ISO-8601 duration (PT24H, P1D, P1DT12H, P2W)` };
  if (ms <= 0) return { reason: `"${text}" is an empty range` };
  if (ms > MAX_RELATIVE_MS) return { reason: `"${text}" is longer than 3650 days` };
  return { ms };
}

/**
 * A cutoff for `prune --before`: an ISO-8601 time (`2024-04-10T00:00:00Z`), epoch milliseconds, or
 * a relative range meaning that long before `now` (`30d`, `PT12H`). Returns a reason when it is none.
 */
export function parseCutoff(text: string, now: number = Date.now()): { ms: bigint } | { reason: string } {
  const t = text.trim();
  if (/^\d{1,16}$/.test(t)) return { ms: BigInt(t) };
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) return { reason: `"${text}" is not a valid ISO-8601 time` };
    return { ms: BigInt(ms) };
  }
  const relative = parseRelativeRange(t);
  if ('reason' in relative) {
    return { reason: `"${text}" is not a time: give an ISO-8601 time (2024-04-10T00:00:00Z), epoch milliseconds, or an age (30d, 12h, P4W)` };
  }
  return { ms: BigInt(now - relative.ms) };
}
