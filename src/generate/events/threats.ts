/**
 * Bodies of one process acting on another (REMOTE_PROCESS_HANDLE, NEW_REMOTE_THREAD), of the
 * containers that carry whole events (THREAD_INJECTION, SENSITIVE_PROCESS_ACCESS), and of the
 * sensor's own findings (EXEC_OOB, YARA_DETECTION, HIDDEN_MODULE_DETECTED, MODULE_MEM_DISK_MISMATCH).
 */
import type { Image } from '../images';
import type { Prng } from '../prng';
import type { Proc } from '../sim/state';
import { bodyTime } from './emit';
import { processMembers, snapshot } from './process';

type Body = Record<string, unknown>;

/** PROCESS_ID is the target, PARENT_PROCESS_ID the process acting, as LimaCharlie writes them. `extra` is JSON members. */
export function crossProcessBody(source: Proc, target: Proc, time: number, extra: string, snapshots: boolean): string {
  const snaps = snapshots ? `,"SOURCE":${snapshot(source)},"TARGET":${snapshot(target)}` : '';
  return `{${extra},"PARENT_PROCESS_ID":${source.pid},"PROCESS_ID":${target.pid},"TIMESTAMP":${time}${snaps}}`;
}

/** A body holding whole events (their JSON lines) in EVENTS. */
export function containerBody(innerLines: readonly string[]): string {
  return `{"EVENTS":[${innerLines.join(',')}]}`;
}

/**
 * EXEC_OOB: the process and stack traces whose frame addresses run past 2^53, as the seed's do.
 * Written as text so those integers stay exact.
 */
export function execOobBody(p: Proc, rng: Prng, time: number): string {
  const frames: string[] = [];
  let sp = 10_483_796 + 8 * rng.below(4096);
  for (let i = 0, n = rng.int(2, 5); i < n; i++) {
    const pc = i === 0 ? String(1_718_227_232 + rng.below(1 << 20)) : ((BigInt(rng.u32()) << 32n) | BigInt(rng.u32())).toString();
    frames.push(`{"STACK_TRACE_FRAME_SP":${sp + 8},"STACK_TRACE_FRAME_PC":${pc},"STACK_TRACE_FRAME_FP":${sp}}`);
    sp += 8;
  }
  const traces = `[{"STACK_TRACE_FRAMES":[${frames.join(',')}],"THREAD_ID":${4 * rng.int(100, 5000)}}]`;
  return `{${processMembers(p)},"TIMESTAMP":${bodyTime('EXEC_OOB', time)},"STACK_TRACES":${traces}}`;
}

export function yaraBody(p: Proc, path: string, rule: string, sha256: string, time: number): Body {
  return { RULE_NAME: rule, FILE_PATH: path, HASH: sha256, PROCESS_ID: p.pid, TIMESTAMP: time };
}

export function hiddenModuleBody(p: Proc, rng: Prng, time: number): Body {
  return { PROCESS_ID: p.pid, BASE_ADDRESS: 0x1c0000000 + 0x10000 * rng.below(4096), MEMORY_SIZE: 0x1000 * rng.int(16, 512), FILE_PATH: p.image.path, TIMESTAMP: time };
}

export function mismatchBody(p: Proc, module: Image, baseAddress: number, time: number): Body {
  return { PROCESS_ID: p.pid, FILE_PATH: module.path, MODULE_NAME: module.name, HASH: module.hashes.sha256, BASE_ADDRESS: baseAddress, MEMORY_SIZE: module.memory, TIMESTAMP: time };
}
