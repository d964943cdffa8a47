/**
 * Sensor lifecycle on a host: first boot (enrollment for new sensors, STARTING_UP, CONNECTED, then
 * the process tree from its root), reconnections, and sensor restarts, after which the sensor reports
 * every running process again as EXISTING_PROCESS under a fresh atom, as a restarted sensor would.
 */
import { processBody } from '../events/process';
import { connectedBody, enrollmentBody, lifecycleBody } from '../events/sensor';
import { atom } from '../ids';
import { programOf, spawn } from './processes';
import { type HostState, scheduleHost, type World } from './state';

const HOUR = 3_600_000;

export function startHost(world: World, state: HostState, time: number): void {
  const host = state.host;
  const { emitter } = world;
  if (host.enrolls) emitter.emit(host, 'enrollment', time - 800, enrollmentBody(host));
  emitter.emit(host, 'STARTING_UP', time, lifecycleBody('STARTING_UP', time));
  emitter.emit(host, 'CONNECTED', time + 400, connectedBody());
  state.booted = true;
  spawn(world, state, null, host.model.root, programOf(host, host.model.root), time + 1_500, { initial: true });
  scheduleHost(world, state, 'reconnect', time + Math.round(host.rng.exp(8 * HOUR)));
}

/** The sensor's cloud connection drops and comes back now and then. */
export function reconnect(world: World, state: HostState, time: number): void {
  world.emitter.emit(state.host, 'CONNECTED', time, connectedBody());
  scheduleHost(world, state, 'reconnect', time + Math.round(state.host.rng.exp(8 * HOUR)));
}

export function restartSensor(world: World, state: HostState, time: number): void {
  const host = state.host;
  const { emitter } = world;
  emitter.emit(host, 'SHUTTING_DOWN', time, lifecycleBody('SHUTTING_DOWN', time));
  const up = time + host.rng.int(5_000, 30_000);
  emitter.emit(host, 'STARTING_UP', up, lifecycleBody('STARTING_UP', up));
  emitter.emit(host, 'CONNECTED', up + 300, connectedBody());
  // Parents before children, so each child names its parent's new atom.
  const live = [...state.live].sort((a, b) => a.seq - b.seq);
  let t = up + 600;
  for (const p of live) {
    p.atom = atom(host.rng, t);
    p.parentAtom = p.parent?.alive ? p.parent.atom : null;
    emitter.emit(host, 'EXISTING_PROCESS', t, processBody('EXISTING_PROCESS', p, t), { atom: p.atom, parent: p.parentAtom });
    t += host.rng.int(0, 3);
  }
}
