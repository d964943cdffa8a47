/**
 * The simulation loop of one shard (see shards.ts): pops the next action off the clock and runs it.
 * Hosts boot, processes tick, incidents are dealt every few hundred events, stories run their
 * steps. Once the shard's budget is spent only the attack stories (and the boots of their hosts)
 * go on, until each has finished, so a story is never cut short.
 */
import { Emitter, type LineSink } from '../events/emit';
import { buildFleet, type Fleet } from '../fleet/hosts';
import type { GenerateOptions } from '../options';
import { Prng } from '../prng';
import { castStories, type LateralMovementStory, planStories } from '../stories/lateral-movement';
import { clockSkews } from './clocks';
import { type ShardPlan, shardCasts } from './shards';
import { tick } from './activity';
import { Heap } from './heap';
import { cardNamed, Deck } from './incidents';
import { reconnect, startHost } from './lifecycle';
import { bootStep } from './processes';
import { type Action, HostState, scheduleHost, scheduleIncident, type Proc, type World } from './state';

/**
 * One incident card per this many events: often at first, so that even a run of some thousands of
 * events has every event type, then at a pace closer to a real fleet's.
 */
const CARD_EVERY_EARLY = 120;
const CARD_EVERY = 1_000;
const EARLY_ROUNDS = 3;

function essential(action: Action): boolean {
  switch (action.kind) {
    case 'story':
      return true;
    case 'boot':
      return (action.proc as Proc).state.essential;
    case 'start':
      return (action.state as HostState).essential;
    default:
      return false;
  }
}

export class Engine implements World {
  readonly heap = new Heap<Action>();
  readonly fleet: Fleet;
  readonly states: readonly HostState[];
  readonly emitter: Emitter;
  readonly stories: readonly LateralMovementStory[];
  draining = false;
  pendingStories = 0;
  withheldProcesses = 0;
  /** Nothing more will be generated. */
  done = false;
  private nextCard = CARD_EVERY_EARLY;
  private dealt = 0;
  private readonly deck: Deck;
  private readonly deckRng: Prng;

  constructor(
    readonly options: GenerateOptions,
    sink: LineSink,
    readonly shard: ShardPlan,
  ) {
    this.fleet = buildFleet(options.seed, options.hosts, options.orgs);
    // Every host has a state (stories and templates look hosts up by index); only the shard's run.
    this.states = this.fleet.hosts.map((h) => new HostState(h));
    const mine = shard.hosts.map((i) => this.states[i] as HostState);
    this.emitter = new Emitter(sink, clockSkews(this.fleet, castStories(this.fleet, options.stories), options));
    this.deckRng = new Prng(`atomgraph/${options.seed}`).fork(`incidents/${shard.index}`);
    this.deck = new Deck(this.deckRng, mine);
    this.stories = planStories(this, options.seed, shardCasts(this.fleet, shard, options.stories), shard.budget);
    for (const state of mine) scheduleHost(this, state, 'start', options.start + state.host.bootOffset);
    if (mine.length === 0) this.done = true;
  }

  /** Runs actions until `pause()` says so (the output buffer is full) or the run is over. */
  run(pause: () => boolean): void {
    const { heap, emitter } = this;
    const budget = this.shard.budget;
    while (!this.done && !pause()) {
      if (!this.draining && emitter.generated >= budget) this.draining = true;
      if (this.draining && this.pendingStories === 0) {
        this.done = true;
        break;
      }
      const action = heap.pop();
      if (!action) {
        this.done = true;
        break;
      }
      if (this.draining && !essential(action)) continue;
      this.dispatch(action);
      if (!this.draining && emitter.generated >= this.nextCard) {
        this.dealt += 1;
        this.nextCard += this.dealt < EARLY_ROUNDS * this.deck.size ? CARD_EVERY_EARLY : CARD_EVERY;
        const dealt = this.deck.deal();
        if (dealt) scheduleIncident(this, dealt.state, dealt.card.name, action.time + this.deckRng.int(0, 5_000));
      }
    }
  }

  private dispatch(action: Action): void {
    switch (action.kind) {
      case 'tick':
        tick(this, action.proc as Proc, action.time);
        return;
      case 'boot':
        bootStep(this, action.proc as Proc, action.index, action.time);
        return;
      case 'start':
        startHost(this, action.state as HostState, action.time);
        return;
      case 'reconnect':
        reconnect(this, action.state as HostState, action.time);
        return;
      case 'incident':
        cardNamed(action.card).run(this, action.state as HostState, action.time);
        return;
      case 'story':
        (action.step as (time: number) => void)(action.time);
        return;
    }
  }
}
