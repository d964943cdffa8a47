/**
 * Hosts' clocks (--clock-skew). A real host's clock is off by some fixed amount, and so is every
 * time its sensor reports: routing.event_time and every TIMESTAMP in its bodies, snapshots of its
 * processes included. Two hosts of one capture disagree by seconds (0.3-3.4 s on the shared
 * datasets), enough for a process on the destination of a lateral movement to look as if it started
 * before the connection that caused it. The simulation runs on the true clock; the error is applied
 * where a line is written (events/emit.ts), so what happens, and in what order, is the same with or
 * without it.
 *
 * Each host's error is drawn from its sensor id, uniformly within +-clockSkew. The hosts of the
 * attack stories are set the hard way round: each story's second host behind its victim. A host
 * can be the victim of one story and the second host of another, so they are ranked (victims
 * before their second hosts, along chains of stories) and spread from +clockSkew (rank 0) to
 * -clockSkew (the org's last rank), each 85-100% of its share: with one story per org, the two hosts
 * disagree by 1.7-2 x clockSkew, and from 2 s up the service started on the second host (1.2-1.8 s
 * after the connection) is reported before the victim's connection that started it.
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
  // Longest chain of stories above each host: a second host ranks below its victim. Bounded by the
  // number of hosts, so stories that form a cycle (A to B, B to A) cannot loop.
  const rank = new Map<number, number>();
  for (const cast of casts) {
    if (!cast.target) continue;
    if (!rank.has(cast.victim.index)) rank.set(cast.victim.index, 0);
    if (!rank.has(cast.target.index)) rank.set(cast.target.index, 0);
  }
  for (let round = 0, changed = true; changed && round < fleet.hosts.length; round++) {
    changed = false;
    for (const cast of casts) {
      if (!cast.target) continue;
      const below = (rank.get(cast.victim.index) as number) + 1;
      if ((rank.get(cast.target.index) as number) < below) {
        rank.set(cast.target.index, below);
        changed = true;
      }
    }
  }
  // Stories stay inside an org: each org's ranks are spread over the whole range.
  const lastOf = new Map<number, number>();
  for (const [index, r] of rank) {
    const org = (fleet.hosts[index] as Fleet['hosts'][number]).org.index;
    lastOf.set(org, Math.max(lastOf.get(org) ?? 0, r));
  }
  for (const [index, r] of rank) {
    const host = fleet.hosts[index] as Fleet['hosts'][number];
    const last = lastOf.get(host.org.index) as number;
    const share = last === 0 ? 1 : 1 - (2 * r) / last;
    skews[index] = Math.round(share * (0.85 + 0.15 * unit(`clock-story/${options.seed}/${host.sid}`)) * max);
  }
  return skews;
}
