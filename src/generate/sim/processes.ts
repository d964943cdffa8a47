/**
 * Process lifecycle: start (NEW_PROCESS, then what a sensor reports as a process comes up: its code
 * identity the first time the host sees the file, the modules it loads, its environment, the user),
 * boot children, the activity clock, and exit (NETWORK_SUMMARY, TERMINATE_PROCESS).
 */
import { processBody, environmentBody, networkSummaryBody, terminateBody } from '../events/process';
import { identityBody } from '../events/files';
import { writeConnection, writeModule } from '../events/writers';
import { serviceBody, userBody } from '../events/sensor';
import type { Host } from '../fleet/hosts';
import { atom } from '../ids';
import type { Image } from '../images';
import type { Program } from '../platforms';
import { hash32, type Prng } from '../prng';
import { BURST_MEAN } from './burst';
import { type HostState, Proc, scheduleBoot, scheduleExit, scheduleTick, type World } from './state';
import { expand } from './templates';

export interface SpawnOptions {
  /** Part of the host's initial boot: running when its capture begins (--orphans may withhold it). */
  readonly initial?: boolean;
  /** Driven by an attack story: no background activity of its own. */
  readonly story?: boolean;
  readonly image?: Image;
  readonly cmd?: string;
  /** USER_NAME as written; default from the program. */
  readonly user?: string;
  /** Lifetime in ms (default from the program). */
  readonly life?: number;
}

export function programOf(host: Host, key: string): Program {
  const program = host.model.programs[key];
  if (!program) throw new Error(`the ${host.platform} platform has no program ${JSON.stringify(key)}`);
  return program;
}

function accountName(host: Host, user: string | undefined): string {
  if (user === undefined || user === '$system') return host.model.systemAccount;
  if (user === '$user') return host.userName;
  return user;
}

function defaultCmd(path: string): string {
  return path.includes(' ') ? `"${path}"` : path;
}

/** Where an image is mapped: high canonical addresses on 64-bit Windows, PIE ranges on Linux, slid images on macOS. */
export function baseAddress(host: Host, rng: Prng, module = false): number {
  if (host.platform === 'windows') {
    if (host.arch === 1) return module ? 0x70000000 + 0x10000 * rng.below(0x1000) : 0x400000;
    return (module ? 0x7ffa00000000 : 0x7ff600000000) + 0x10000 * rng.below(0x400000);
  }
  if (host.platform === 'linux') return (module ? 0x7f0000000000 : 0x550000000000) + 0x1000 * rng.below(0x10000000);
  return (module ? 0x180000000 : 0x100000000) + 0x4000 * rng.below(0x40000);
}

export function spawn(world: World, state: HostState, parent: Proc | null, key: string, program: Program, time: number, opts: SpawnOptions = {}): Proc {
  const host = state.host;
  const rng = host.rng;
  const image = opts.image ?? state.images.get(program.image);
  const isRoot = parent === null && key === host.model.root;
  const pid = isRoot ? (host.platform === 'windows' ? 4 : 1) : state.allocatePid();
  const cmd = opts.cmd ?? expand(program.cmd ?? defaultCmd(image.path), { host, rng, time });
  const life = opts.life ?? (program.life ? Math.round(rng.logUniform(program.life[0], program.life[1])) : Infinity);
  const initial = opts.initial ?? false;
  // Always drawn for initial processes, whatever --orphans says, so the rest of the run does not depend on it.
  const withheld = initial && (state.orphanRng.float() < world.options.orphans || (world.options.orphans > 0 && state.withhold.has(key)));
  if (withheld) world.withheldProcesses += 1;
  const proc = new Proc(
    state,
    state.seq++,
    key,
    program,
    image,
    atom(rng, time),
    parent?.atom ?? null,
    parent,
    pid,
    parent?.pid ?? 0,
    cmd,
    opts.user ?? accountName(host, program.user),
    time,
    time + life,
    Math.floor((image.memory * (0.7 + 0.7 * rng.float())) / 4096) * 4096,
    Math.max(1, Math.round(image.threads * (0.7 + 0.6 * rng.float()))),
    baseAddress(host, rng),
    withheld,
    opts.story ?? false,
    initial,
  );
  state.addLive(proc);
  started(world, proc, time);
  if (program.boot && program.boot.length > 0) {
    scheduleBoot(world, proc, 0, time + bootDelay(program.boot[0], rng));
  }
  if (!proc.story) planTick(world, proc, time);
  return proc;
}

function bootDelay(child: Program['boot'] extends readonly (infer C)[] | undefined ? C | undefined : never, rng: Prng): number {
  return typeof child === 'object' && child.delay !== undefined ? child.delay : rng.int(40, 600);
}

/** What the sensor reports as a process comes up. Withheld processes generate it all but send none. */
function started(world: World, p: Proc, time: number): void {
  const { emitter } = world;
  const host = p.state.host;
  const suppress = p.withheld;
  const program = p.program;
  emitter.emit(host, 'NEW_PROCESS', time, processBody('NEW_PROCESS', p, time), { atom: p.atom, parent: p.parentAtom, suppress });
  let t = time + 1;
  identify(world, p, p.image, t, suppress);
  if (!p.state.usersSeen.has(p.userName)) {
    p.state.usersSeen.add(p.userName);
    emitter.emit(host, 'USER_OBSERVED', ++t, userBody(p.userName, t), { suppress });
  }
  if (program.logon) emitter.emit(host, program.logon, ++t, userBody(p.userName, t), { suppress });
  if (program.service && !p.initial) {
    emitter.emit(host, 'SERVICE_CHANGE', t + 300, serviceBody(program.service, 4, p.pid, t + 300, p.image.hashes.sha256), { suppress });
  }
  if (program.env) emitter.emit(host, 'PROCESS_ENVIRONMENT', ++t, environmentBody(p, t), { parent: p.atom, suppress });
  const modules = host.model.baseModules.concat(program.modules ?? []);
  for (const key of modules) {
    t += 1 + host.rng.below(4);
    loadModule(world, p, p.state.images.get(key), t, suppress);
  }
  if (program.console && host.platform === 'windows') {
    spawn(world, p.state, p, 'conhost', programOf(host, 'conhost'), t + 2, { initial: p.initial, life: Number.isFinite(p.end) ? Math.max(1_000, p.end - time) : undefined });
  }
}

/** CODE_IDENTITY the first time this host sees a file (by path and hash). */
function identify(world: World, p: Proc, image: Image, time: number, suppress = false): void {
  if (p.state.identified.has(image)) return;
  p.state.identified.add(image);
  world.emitter.emit(p.state.host, 'CODE_IDENTITY', time, identityBody('CODE_IDENTITY', image, p.state.host.platform, time), { parent: p.atom, suppress });
}

export function loadModule(world: World, p: Proc, image: Image, time: number, suppress = false): void {
  const host = p.state.host;
  writeModule(world.emitter, p, image, baseAddress(host, host.rng, true), time, suppress);
  identify(world, p, image, time + 1, suppress);
}

/** Ticks per minute: activity bursts (see burst.ts) and spawns. */
function ticksPerMinute(program: Program): number {
  return program.rate / BURST_MEAN + (program.spawns ? program.spawns.perHour / 60 : 0);
}

/** Schedules the process's next tick: after an exponential wait at its rate, or its exit if sooner. */
export function planTick(world: World, p: Proc, from: number): void {
  const rate = ticksPerMinute(p.program);
  let next = rate > 0 ? from + 1 + Math.round(p.state.host.rng.exp(60_000 / rate)) : Infinity;
  if (next > p.end) next = p.end;
  if (next === Infinity) return;
  scheduleTick(world, p, next);
}

/** The next boot child of `p` (children are started one after another, a little apart). */
export function bootStep(world: World, p: Proc, index: number, time: number): void {
  const boot = p.program.boot ?? [];
  const child = boot[index];
  const host = p.state.host;
  if (!p.alive || child === undefined) return;
  const spec = typeof child === 'string' ? { program: child } : child;
  const roleOk = spec.role === undefined || spec.role === host.role;
  // Shares are decided per host by name, not by the random stream: the same host always has the same software.
  const shareOk = spec.share === undefined || hash32(`${host.sid}/${p.key}/${index}/${spec.program}`) % 1000 < spec.share * 1000;
  if (roleOk && shareOk) spawn(world, p.state, p, spec.program, programOf(host, spec.program), time, { initial: p.initial });
  const next = boot[index + 1];
  if (next !== undefined) {
    scheduleBoot(world, p, index + 1, time + bootDelay(next, host.rng));
  } else if (p.program.exitAfterBoot) {
    p.end = time + host.rng.int(500, 4_000);
    scheduleExit(world, p, p.end);
  }
}

export function terminate(world: World, p: Proc, time: number): void {
  if (!p.alive) return;
  const { emitter } = world;
  const host = p.state.host;
  if (p.openConn) {
    const c = p.openConn;
    writeConnection(emitter, p, c.protocol === 'tcp6' ? 'TERMINATE_TCP6_CONNECTION' : 'TERMINATE_TCP4_CONNECTION', c, time - 1);
    p.openConn = null;
  }
  if (p.conns.length > 0) {
    emitter.emit(host, 'NETWORK_SUMMARY', time, networkSummaryBody(p, p.conns, time), { parent: p.atom });
    p.conns = [];
  }
  emitter.emit(host, 'TERMINATE_PROCESS', time, terminateBody(p, time), { parent: p.atom });
  if (p.program.service && !p.initial) emitter.emit(host, 'SERVICE_CHANGE', time + 200, serviceBody(p.program.service, 1, 0, time + 200));
  p.state.removeLive(p);
}
