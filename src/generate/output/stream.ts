/**
 * The generator as a Node stream of JSON Lines. Lines are produced only when the consumer wants
 * more (read()), so a slow disk or a paused pipe holds generation back instead of buffering
 * (backpressure), and memory stays flat at any size. The fleet's two shards run in worker threads
 * when asked (the CLI does) and the compiled worker is there, else in-process: same bytes.
 */
import { Readable } from 'node:stream';
import { buildFleet } from '../fleet/hosts';
import type { GenerateOptions } from '../options';
import { Prng } from '../prng';
import { planShards } from '../sim/shards';
import type { GenerationSummary, StoryTruth, Truth } from '../stories/truth';
import { LocalSource, Merger, type Source, WorkerSource, workerScript } from './merge';
import { CHUNK_BYTES, type ShardResult } from './shard';
import { Wrinkles } from './wrinkles';

export interface Generation {
  /** JSON Lines, one event per line. */
  readonly stream: Readable;
  /** The ground truth; available once the stream has ended. */
  truth(): Truth;
  /** Events generated so far (progress; generation runs only as fast as the stream is read). */
  generated(): number;
  /** Whether the shards run in worker threads. */
  readonly threaded: boolean;
}

export interface RunOptions {
  /** Run the shards in worker threads (when the compiled worker is available). */
  readonly threads?: boolean;
}

export function generate(options: GenerateOptions, run: RunOptions = {}): Generation {
  const fleet = buildFleet(options.seed, options.hosts, options.orgs);
  const plans = planShards(fleet, options.stories, options.events);
  const script = run.threads ? workerScript() : null;
  const sources: Source[] = plans.map((plan) => (script ? new WorkerSource(script, options, plan) : new LocalSource(options, plan)));
  const wrinkles = new Wrinkles(options, new Prng(`atomgraph/${options.seed}`).fork('wrinkles'));
  const out = wrinkles.buffer;
  const merger = new Merger(sources, wrinkles);
  let results: ShardResult[] | null = null;
  let busy = false;

  const stream = new Readable({
    // Room for a few chunks: generation goes on while the previous chunk is being written.
    highWaterMark: 4 * CHUNK_BYTES,
    read() {
      if (busy) return;
      busy = true;
      const produce = async (): Promise<boolean> => {
        const done = await merger.fill(CHUNK_BYTES);
        if (done && !results) {
          wrinkles.end();
          results = await Promise.all(sources.map((s) => s.result()));
        }
        return done;
      };
      produce().then(
        (done) => {
          busy = false;
          if (out.off > 0) this.push(out.take());
          if (done) this.push(null);
        },
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
    destroy(error, callback) {
      for (const s of sources) s.close();
      callback(error);
    },
  });

  const truth = (): Truth => {
    if (!results) throw new Error('the truth is known once the generated stream has been read to its end');
    return assemble(options, fleet.orgs, results, wrinkles);
  };

  return { stream, truth, generated: () => sources.reduce((n, s) => n + s.generated, 0), threaded: script !== null };
}

function assemble(options: GenerateOptions, orgs: ReturnType<typeof buildFleet>['orgs'], results: readonly ShardResult[], wrinkles: Wrinkles): Truth {
  const types = new Map<string, number>();
  for (const r of results) for (const [type, n] of r.types) types.set(type, (types.get(type) ?? 0) + n);
  const sum = (f: (r: ShardResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const summary: GenerationSummary = {
    events: sum((r) => r.generated),
    lines: wrinkles.lines,
    eventsSent: sum((r) => r.sent),
    withheldEvents: sum((r) => r.suppressed),
    withheldProcesses: sum((r) => r.withheldProcesses),
    duplicateLines: wrinkles.duplicateLines,
    shuffledLines: wrinkles.shuffledLines,
    badLines: wrinkles.badLines,
    eventTypes: Object.fromEntries([...types].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    firstEventTime: Math.min(...results.map((r) => r.firstTime)),
    lastEventTime: Math.max(...results.map((r) => r.lastTime)),
  };
  const stories: StoryTruth[] = results.flatMap((r) => r.stories).sort((a, b) => Number(a.id.slice(6)) - Number(b.id.slice(6)));
  return {
    format: 'atomgraph-truth/1',
    generator: {
      seed: options.seed,
      hosts: options.hosts,
      orgs: options.orgs,
      events: options.events,
      start: options.start,
      stories: options.stories,
      wrinkles: { shuffle: options.shuffle, shuffleWindow: options.shuffleWindow, duplicates: options.duplicates, orphans: options.orphans, badFraction: options.badFraction, clockSkew: options.clockSkew },
    },
    orgs: orgs.map((o) => ({ name: o.name, oid: o.oid, hosts: o.hosts.length })),
    summary,
    stories,
  };
}

/** A whole (small) run in memory: for tests and fixtures, not for big runs. */
export async function generateText(options: GenerateOptions, run: RunOptions = {}): Promise<{ text: string; truth: Truth }> {
  const { stream, truth } = generate(options, run);
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return { text: Buffer.concat(parts).toString('utf8'), truth: truth() };
}
