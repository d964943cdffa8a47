/**
 * Hosts' clocks (--clock-skew). A real host's clock is off by some fixed amount, and so is every
 * time its sensor reports: routing.event_time and every TIMESTAMP in its bodies, snapshots of its
 * processes included. Two hosts of one capture disagree by seconds (0.3-3.4 s on the shared
 * datasets), enough for a process on the destination of a lateral movement to look as if it started
 * before the connection that caused it. The simulation runs on the true clock; the error is applied
 * where a line is written (events/emit.ts), so what happens, and in what order, is the same with or
 * without it.
 *
 * Each host's error is drawn from its sensor id, uniformly within +-clockSkew. The hosts of an
 * attack story are set the hard way round: the victim's clock ahead and the second host's behind,
 * each by 50-100% of clockSkew, so they disagree by clockSkew or more and, from 2 s up, the service
 * started on the second host (1.2-1.8 s after the connection) is reported before the victim's
 * connection that started it.
 */
import type { Fleet } from '../fleet/hosts';
import type { GenerateOptions } from '../options';
import { hash32 } from '../prng';
import type { StoryCast } from '../stories/lateral-movement';

/** A fraction in [0, 1) from a name: the same for every shard and run. */
function unit(name: string): number {
  return hash32(name) / 0x1_0000_0000;
}

/** Each host's clock error in milliseconds (added to the true time), by fleet index. */
export function clockSkews(fleet: Fleet, casts: readonly StoryCast[], options: Pick<GenerateOptions, 'seed' | 'clockSkew'>): number[] {
  const max = options.clockSkew * 1000;
  if (max === 0) return fleet.hosts.map(() => 0);
  const skews = fleet.hosts.map((h) => Math.round((2 * unit(`clock/${options.seed}/${h.sid}`) - 1) * max));
  const magnitude = (sid: string) => Math.max(1, Math.round((0.5 + 0.5 * unit(`clock-story/${options.seed}/${sid}`)) * max));
  const set = new Set<number>();
  // Second hosts first: a host that is both keeps its clock behind.
  for (const cast of casts) {
    if (!cast.target) continue;
    skews[cast.target.index] = -magnitude(cast.target.sid);
    set.add(cast.target.index);
  }
  for (const cast of casts) {
    if (!cast.target || set.has(cast.victim.index)) continue;
    skews[cast.victim.index] = magnitude(cast.victim.sid);
    set.add(cast.victim.index);
  }
  return skews;
}
