/**
 * The simulation's mutable state: running processes, each host's view (live processes, what its
 * sensor has already reported), and the actions waiting on the clock. Memory is bounded by the
 * processes alive at one time, never by the number of events generated.
 */
import type { Emitter } from '../events/emit';
import type { Fleet, Host } from '../fleet/hosts';
import { HostImages, type Image } from '../images';
import type { GenerateOptions } from '../options';
import type { Profile, Program } from '../platforms';
import type { Prng } from '../prng';
import type { Heap, Timed } from './heap';

export interface Conn {
  readonly protocol: 'tcp4' | 'tcp6' | 'udp4' | 'udp6';
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  readonly time: number;
  readonly outgoing: boolean;
}

export class Proc {
  /** Alive on its host (an index into HostState.live), or -1 once it exited. */
  liveIndex = -1;
  /** Connections since the last network summary (at most 10). */
  conns: Conn[] = [];
  /** A TCP connection that will be reported closed. */
  openConn: Conn | null = null;
  /** The address it last resolved: where its next connection most likely goes. */
  lastIp: string | null = null;
  /** Atom of its latest NEW_TCP*_CONNECTION, when the caller asked for it (stories report them). */
  lastConnectionAtom = '';
  /** Its fields as JSON members, rendered once (see events/process.ts). */
  json = '';
  /** Its pending tick, reused from one tick to the next. */
  tickAction: Action | null = null;
  /** Its program's activity profile (looked up once). */
  profile: Profile | null = null;
  /** The file pools its profile names, resolved once. */
  filePools: (readonly string[])[] | null = null;
  /**
   * Bytes its events repeat, encoded once: the end of the routing naming it as parent
   * (`","parent":"<atom>"},"event":`, for the atom it was encoded with) and `,"PROCESS_ID":<pid>`.
   */
  parentTail: Uint8Array | null = null;
  parentTailAtom = '';
  pidMember: Uint8Array | null = null;

  constructor(
    readonly state: HostState,
    /** Creation order on its host. */
    readonly seq: number,
    readonly key: string,
    readonly program: Program,
    readonly image: Image,
    /** Routing atom; renewed when a restarted sensor reports the process again as EXISTING_PROCESS. */
    public atom: string,
    /** The parent's atom when this process was reported; null for a root. */
    public parentAtom: string | null,
    readonly parent: Proc | null,
    readonly pid: number,
    readonly ppid: number,
    readonly commandLine: string,
    readonly userName: string,
    readonly start: number,
    /** Exit time (Infinity: runs until the host stops). */
    public end: number,
    readonly memory: number,
    readonly threads: number,
    readonly baseAddress: number,
    /** Started before the capture: its NEW_PROCESS is never sent. */
    readonly withheld: boolean,
    /** Driven by an attack story, not by background activity. */
    readonly story: boolean,
    /** Part of its host's initial boot (running when the capture begins). */
    readonly initial: boolean,
  ) {}

  get alive(): boolean {
    return this.liveIndex >= 0;
  }
}

export class HostState {
  readonly live: Proc[] = [];
  readonly images: HostImages;
  /** Files (path and hash: one Image per host) whose CODE_IDENTITY this sensor already sent. */
  readonly identified = new Set<Image>();
  readonly usersSeen = new Set<string>();
  /** The latest live process of each program (services, lsass, explorer...), for stories and incidents. */
  readonly anchors = new Map<string, Proc>();
  nextPid: number;
  seq = 0;
  booted = false;
  /** Part of an attack story: its boot is not skipped when the budget is reached. */
  essential = false;
  /** Decides which processes of the initial boot were started before the capture (--orphans). */
  readonly orphanRng: Prng;
  /**
   * Programs of the initial boot that are always started before the capture when --orphans is on
   * (a story's second host: its services.exe, as in the psexec capture, is known only from its
   * children's PARENT snapshots).
   */
  readonly withhold = new Set<string>();

  constructor(readonly host: Host) {
    this.images = new HostImages(host);
    this.nextPid = host.platform === 'windows' ? 88 : host.platform === 'linux' ? 380 : 80;
    this.orphanRng = host.rng.fork('orphans');
  }

  allocatePid(): number {
    const rng = this.host.rng;
    if (this.host.model.pidStep === 4) {
      this.nextPid += 4 * rng.int(1, 60);
      if (this.nextPid > 32_000) this.nextPid = 400 + 4 * rng.below(100);
    } else {
      this.nextPid += rng.int(1, 6);
      if (this.nextPid > 4_194_000) this.nextPid = 300;
    }
    return this.nextPid;
  }

  addLive(p: Proc): void {
    p.liveIndex = this.live.length;
    this.live.push(p);
    this.anchors.set(p.key, p);
  }

  removeLive(p: Proc): void {
    const i = p.liveIndex;
    if (i < 0) return;
    const last = this.live.pop() as Proc;
    if (last !== p) {
      this.live[i] = last;
      last.liveIndex = i;
    }
    p.liveIndex = -1;
    if (this.anchors.get(p.key) === p) this.anchors.delete(p.key);
  }

  /** A live process of `key`, if any. */
  anchor(key: string): Proc | undefined {
    const p = this.anchors.get(key);
    return p?.alive ? p : undefined;
  }
}

export type ActionKind = 'tick' | 'boot' | 'start' | 'reconnect' | 'incident' | 'story';

/**
 * Something due on the clock. One shape for every kind (unused fields null), so the heap's
 * comparisons and the dispatch stay monomorphic: this runs for every event generated.
 */
export interface Action extends Timed {
  readonly kind: ActionKind;
  readonly proc: Proc | null;
  readonly state: HostState | null;
  readonly index: number;
  readonly card: string;
  readonly step: ((time: number) => void) | null;
}

function make(kind: ActionKind, time: number, proc: Proc | null, state: HostState | null, index: number, card: string, step: ((time: number) => void) | null): Action {
  return { time, seq: 0, kind, proc, state, index, card, step };
}

/** What every part of the simulation works with. */
export interface World {
  readonly options: GenerateOptions;
  readonly fleet: Fleet;
  readonly states: readonly HostState[];
  readonly emitter: Emitter;
  readonly heap: Heap<Action>;
  /** The budget is spent: only attack stories (and the boots they need) still run. */
  draining: boolean;
  /** Attack stories not finished yet: the run does not end before they are. */
  pendingStories: number;
  /** Processes whose NEW_PROCESS was withheld (--orphans). */
  withheldProcesses: number;
}

/** The process's next tick. A process has one tick pending at most, so its action object is reused. */
export function scheduleTick(world: World, p: Proc, time: number): void {
  let action = p.tickAction;
  if (action) action.time = time;
  else action = p.tickAction = make('tick', time, p, null, 0, '', null);
  world.heap.push(action);
}

/** A tick of its own (the exit of a process whose regular ticks may also be pending). */
export function scheduleExit(world: World, p: Proc, time: number): void {
  world.heap.push(make('tick', time, p, null, 0, '', null));
}

export function scheduleBoot(world: World, p: Proc, index: number, time: number): void {
  world.heap.push(make('boot', time, p, null, index, '', null));
}

export function scheduleHost(world: World, state: HostState, kind: 'start' | 'reconnect', time: number): void {
  world.heap.push(make(kind, time, null, state, 0, '', null));
}

export function scheduleIncident(world: World, state: HostState, card: string, time: number): void {
  world.heap.push(make('incident', time, null, state, 0, card, null));
}

export function scheduleStory(world: World, time: number, step: (time: number) => void): void {
  world.heap.push(make('story', time, null, null, 0, '', step));
}
