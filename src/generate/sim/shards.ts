/**
 * The fleet is simulated as two shards, each its own engine with its own hosts, budget, incident
 * deck and stories, and their lines are merged by time. Hosts never interact except through a
 * story, so a story's hosts share a shard; everything else is split evenly. The split depends
 * only on the options, never on the machine, so the output is the same whether the shards run
 * in two threads or one after the other.
 */
import type { Fleet } from '../fleet/hosts';
import { castStories, type StoryCast } from '../stories/lateral-movement';

export const SHARDS = 2;

/** Plain data (it crosses to worker threads): which hosts and stories a shard runs, and its share of --events. */
export interface ShardPlan {
  readonly index: number;
  readonly hosts: readonly number[];
  readonly stories: readonly number[];
  readonly budget: number;
}

export function planShards(fleet: Fleet, stories: number, events: number): ShardPlan[] {
  const casts = castStories(fleet, stories);
  // Hosts linked by a story form one component (union-find).
  const parent = fleet.hosts.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  for (const cast of casts) {
    if (cast.target) {
      const a = find(cast.victim.index);
      const b = find(cast.target.index);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const shards = Array.from({ length: SHARDS }, () => [] as number[]);
  const shardOf = new Map<number, number>();
  for (let i = 0; i < fleet.hosts.length; i++) {
    const root = find(i);
    let shard = shardOf.get(root);
    if (shard === undefined) {
      // Components in order of their first host, each to the smaller shard.
      shard = shards.reduce((best, hosts, s) => (hosts.length < (shards[best] as number[]).length ? s : best), 0);
      shardOf.set(root, shard);
    }
    (shards[shard] as number[]).push(i);
  }
  const total = fleet.hosts.length;
  return shards.map((hosts, index) => ({
    index,
    hosts,
    stories: casts.filter((c) => shardOf.get(find(c.victim.index)) === index).map((c) => c.index),
    budget: hosts.length === 0 ? 0 : Math.max(1, Math.round((events * hosts.length) / total)),
  }));
}

/** The casts of a shard's stories (rebuilt from the fleet: a worker gets only the plan's numbers). */
export function shardCasts(fleet: Fleet, plan: ShardPlan, stories: number): StoryCast[] {
  const all = castStories(fleet, stories);
  return plan.stories.map((i) => all[i] as StoryCast);
}
