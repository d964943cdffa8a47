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
