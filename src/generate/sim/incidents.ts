/**
 * Rare things, dealt from a shuffled deck every few hundred events to a host that can have them:
 * an analyst's command and the sensor's reply (CLOUD_NOTIFICATION, RECEIPT, *_REP), a sensor
 * restart or reinstall, lost data, a driver or autorun change, a USB stick, the sensor's own findings (YARA,
 * hidden module, EXEC_OOB), and the benign injections real fleets are full of (the antivirus
 * opening lsass). A deck rather than odds guarantees every type appears in any run of a few
 * thousand events.
 */
import { type EmitExtra } from '../events/emit';
import { REPLIES, type ReplySpec } from '../events/replies';
import { autorunBody, connectedBody, enrollmentBody, lifecycleBody, notificationBody, serviceBody } from '../events/sensor';
import { containerBody, crossProcessBody, execOobBody, hiddenModuleBody, mismatchBody, yaraBody } from '../events/threats';
import { q } from '../events/json';
import { writeFile } from '../events/writers';
import type { Host } from '../fleet/hosts';
import { randomHex, uuid } from '../ids';
import type { Platform } from '../platforms';
import type { Prng } from '../prng';
import { otherLive } from './activity';
import { restartSensor } from './lifecycle';
import { baseAddress, programOf, spawn, terminate } from './processes';
import type { HostState, Proc, World } from './state';
import { expand } from './templates';

interface Card {
  readonly name: string;
  readonly platforms?: readonly Platform[];
  readonly workstation?: boolean;
  /** Needs these programs running (anchors). */
  readonly needs?: readonly string[];
  /** Changes the host in a way attack stories must not see (a sensor restart renews atoms). */
  readonly disruptive?: boolean;
  readonly run: (world: World, state: HostState, time: number) => void;
}

const YARA_RULES = ['PUA_Win_Adware_Bundler', 'Suspicious_Office_Macro_AutoOpen', 'HKTL_Mimikatz_Strings', 'PUA_CoinMiner_XMRig', 'Webshell_ASPX_Generic'];

function randomProc(state: HostState): Proc | undefined {
  const live = state.live;
  return live.length > 0 ? state.host.rng.pick(live) : undefined;
}

/** A user-facing process when there is one (where detections and analyst commands usually point). */
function userProc(state: HostState): Proc | undefined {
  const host = state.host;
  const candidates = state.live.filter((p) => p.userName === host.userName);
  return candidates.length > 0 ? host.rng.pick(candidates) : randomProc(state);
}

function command(spec: ReplySpec): Card {
  return {
    name: spec.type,
    ...(spec.windowsOnly ? { platforms: ['windows'] as const } : {}),
    run: (world, state, time) => {
      const host = state.host;
      const target = userProc(state);
      if (!target) return;
      const investigation = `${host.rng.pick(['digger', 'hunt', 'triage', 'ir'])}-${uuid(host.rng)}`;
      const task: EmitExtra = { noAtom: true, investigation };
      world.emitter.emit(host, 'CLOUD_NOTIFICATION', time, notificationBody(host, spec.request, investigation, Math.floor(time / 1000) + 3600), task);
      world.emitter.emit(host, 'RECEIPT', time + 40, { ERROR: 0 }, task);
      const at = time + host.rng.int(200, 3_000);
      world.emitter.emit(host, spec.type, at, spec.body({ state, rng: host.rng, time: at, target }), { investigation });
      // A kill really ends the process (only user programs: killing services would unsettle the host).
      if (spec.type === 'OS_KILL_PROCESS_REP' && target.end !== Infinity && !target.story) terminate(world, target, at + 5);
    },
  };
}

const CARDS: readonly Card[] = [
  ...REPLIES.map(command),
  { name: 'sensor-restart', disruptive: true, run: (world, state, time) => restartSensor(world, state, time) },
  {
    // An administrator logs in over SSH (sshd also starts sessions on its own, less often).
    name: 'ssh-session',
    platforms: ['linux'],
    needs: ['sshd'],
    run: (world, state, time) => {
      const sshd = state.anchor('sshd');
      if (sshd) spawn(world, state, sshd, 'sshd-session', programOf(state.host, 'sshd-session'), time);
    },
  },
  {
    // A sensor reinstalled: the cloud sees it enroll again.
    name: 're-enrollment',
    run: (world, state, time) => {
      world.emitter.emit(state.host, 'enrollment', time, enrollmentBody(state.host));
    },
  },
  {
    name: 'data-dropped',
    run: (world, state, time) => {
      world.emitter.emit(state.host, 'DATA_DROPPED', time, lifecycleBody('DATA_DROPPED', time));
      world.emitter.emit(state.host, 'CONNECTED', time + 2_000, connectedBody());
    },
  },
  {
    name: 'driver-change',
    run: (world, state, time) => {
      const driver = state.host.rng.pick(state.host.model.drivers);
      world.emitter.emit(state.host, 'DRIVER_CHANGE', time, serviceBody(driver, state.host.rng.pick([1, 4]), 0, time));
    },
  },
  {
    name: 'autorun-change',
    run: (world, state, time) => {
      const host = state.host;
      const [key, file] = host.rng.pick(host.model.autoruns);
      const ctx = { host, rng: host.rng, time };
      world.emitter.emit(host, 'AUTORUN_CHANGE', time, autorunBody(expand(key, ctx), expand(file, ctx), randomHex(host.rng, 32), time));
    },
  },
  {
    name: 'volume-mount',
    workstation: true,
    run: (world, state, time) => {
      const host = state.host;
      const [volume, device] =
        host.platform === 'windows' ? ['E:\\', '\\Device\\HarddiskVolume7'] : host.platform === 'macos' ? ['/Volumes/UNTITLED', '/dev/disk4s1'] : [`/media/${host.user}/USB DISK`, '/dev/sdb1'];
      world.emitter.emit(host, 'VOLUME_MOUNT', time, { VOLUME_PATH: volume, DEVICE_NAME: device, TIMESTAMP: time });
    },
  },
  {
    name: 'yara',
    run: (world, state, time) => {
      const host = state.host;
      const p = userProc(state);
      const pool = host.model.files['downloads'] ?? host.model.files['home'] ?? [];
      if (!p || pool.length === 0) return;
      const path = expand(host.rng.pick(pool), { host, rng: host.rng, time });
      writeFile(world.emitter, p, 'FILE_CREATE', time - 2_000, q(path));
      world.emitter.emit(host, 'YARA_DETECTION', time, yaraBody(p, path, host.rng.pick(YARA_RULES), randomHex(host.rng, 32), time), { parent: p.atom });
    },
  },
  {
    name: 'exec-oob',
    platforms: ['windows'],
    run: (world, state, time) => {
      const p = userProc(state);
      if (p) world.emitter.emit(state.host, 'EXEC_OOB', time, execOobBody(p, state.host.rng, time), { parent: p.atom });
    },
  },
  {
    name: 'hidden-module',
    platforms: ['windows'],
    run: (world, state, time) => {
      const p = randomProc(state);
      if (p) world.emitter.emit(state.host, 'HIDDEN_MODULE_DETECTED', time, hiddenModuleBody(p, state.host.rng, time), { parent: p.atom });
    },
  },
  {
    name: 'module-mismatch',
    platforms: ['windows'],
    run: (world, state, time) => {
      const host = state.host;
      const p = randomProc(state);
      if (!p) return;
      const module = state.images.get(host.rng.pick(host.model.baseModules));
      world.emitter.emit(host, 'MODULE_MEM_DISK_MISMATCH', time, mismatchBody(p, module, baseAddress(host, host.rng, true), time), { parent: p.atom });
    },
  },
  {
    // Antivirus reading lsass memory: the benign twin of credential theft.
    name: 'av-lsass',
    platforms: ['windows'],
    needs: ['msmpeng', 'lsass'],
    run: (world, state, time) => {
      const av = state.anchor('msmpeng');
      const lsass = state.anchor('lsass');
      if (!av || !lsass) return;
      const host = state.host;
      const handle = world.emitter.emitText(host, 'REMOTE_PROCESS_HANDLE', time, crossProcessBody(av, lsass, time, '"ACCESS_FLAGS":5136', true), { parent: av.atom, target: lsass.atom });
      world.emitter.emit(host, 'SENSITIVE_PROCESS_ACCESS', time + 2, containerBody([handle.text]), { parent: av.atom, target: lsass.atom });
    },
  },
  {
    // Software that legitimately injects (accessibility tools, overlays, security products).
    name: 'benign-injection',
    platforms: ['windows'],
    needs: ['msmpeng'],
    run: (world, state, time) => {
      const source = state.anchor('msmpeng');
      const target = source ? otherLive(source) : undefined;
      if (!source || !target) return;
      const host = state.host;
      const extra = { parent: source.atom, target: target.atom };
      const handle = world.emitter.emitText(host, 'REMOTE_PROCESS_HANDLE', time, crossProcessBody(source, target, time, '"ACCESS_FLAGS":2097151', true), extra);
      const thread = world.emitter.emitText(host, 'NEW_REMOTE_THREAD', time + 1, crossProcessBody(source, target, time + 1, `"THREAD_ID":${4 * host.rng.int(100, 9000)}`, true), extra);
      world.emitter.emit(host, 'THREAD_INJECTION', time + 3, containerBody([handle.text, thread.text]), extra);
    },
  },
];

/** The cards, dealt in shuffled rounds, each to a host that can have it. */
export class Deck {
  private order: Card[] = [];

  constructor(
    private readonly rng: Prng,
    private readonly states: readonly HostState[],
  ) {}

  /** Cards in one round. */
  get size(): number {
    return CARDS.length;
  }

  /** The next card and a host for it, or null when no host fits (a small fleet without that platform). */
  deal(): { card: Card; state: HostState } | null {
    if (this.order.length === 0) this.order = this.rng.shuffle([...CARDS]);
    const card = this.order.pop() as Card;
    for (let attempt = 0; attempt < 12; attempt++) {
      const state = this.rng.pick(this.states);
      if (fits(card, state)) return { card, state };
    }
    const state = this.states.find((s) => fits(card, s));
    return state ? { card, state } : null;
  }
}

function fits(card: Card, state: HostState): boolean {
  const host: Host = state.host;
  if (!state.booted) return false;
  if (card.platforms && !card.platforms.includes(host.platform)) return false;
  if (card.workstation && host.role !== 'workstation') return false;
  if (card.disruptive && state.essential) return false;
  return (card.needs ?? []).every((key) => state.anchor(key) !== undefined);
}

export function cardNamed(name: string): Card {
  const card = CARDS.find((c) => c.name === name);
  if (!card) throw new Error(`no incident card named ${name}`);
  return card;
}
