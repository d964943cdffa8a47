/**
 * Activity comes in bursts (a browser fetches several resources, an installer writes many keys, a
 * scanner reads a directory): a tick does one kind of thing 1 to 8 times, about three times on
 * average. Program rates are events per minute; BURST_MEAN turns them into ticks per minute.
 */
import type { Prng } from '../prng';

export const BURST_MEAN = 3;

/** 1 + geometric(0.68), at most 8: mean close to BURST_MEAN. */
export function burstSize(rng: Prng): number {
  let n = 1;
  while (n < 8 && rng.float() < 0.68) n += 1;
  return n;
}
