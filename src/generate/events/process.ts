/**
 * Bodies built around a process: NEW_PROCESS/EXISTING_PROCESS (with the PARENT snapshot carrying
 * THIS_ATOM and PARENT_ATOM), TERMINATE_PROCESS, PROCESS_ENVIRONMENT, and the process snapshots other
 * events embed (SOURCE/TARGET, NETWORK_SUMMARY's PROCESS, NETWORK_CONNECTIONS). A process's own
 * fields never change, so their JSON is rendered once and reused by every event that embeds it.
 */
import type { Conn, Proc } from '../sim/state';
import { bodyTime } from './emit';
import { flat, q } from './json';

/** The fields describing a process, as JSON members (no braces). */
export function processMembers(p: Proc): string {
  let json = p.json;
  if (json === '') {
    json =
      `"PROCESS_ID":${p.pid},"PARENT_PROCESS_ID":${p.ppid},"FILE_PATH":${q(p.image.path)},"COMMAND_LINE":${q(p.commandLine)},` +
      `"USER_NAME":${q(p.userName)},"HASH":"${p.image.hashes.sha256}","MEMORY_USAGE":${p.memory},"THREADS":${p.threads},"BASE_ADDRESS":${p.baseAddress}`;
    // Linux sensors do not report signatures.
    if (p.state.host.platform !== 'linux') json += `,"FILE_IS_SIGNED":${p.image.signer ? 1 : 0}`;
    json = flat(json);
    p.json = json;
  }
  return json;
}

/** The process's fields as an object (for the rare bodies built as objects, e.g. OS_PROCESSES_REP). */
export function processFields(p: Proc): Record<string, unknown> {
  return JSON.parse(`{${processMembers(p)}}`) as Record<string, unknown>;
}

/** A process as embedded in another event: its fields, start time and atoms (`atom` overrides THIS_ATOM). */
export function snapshot(p: Proc, withParent = false, atom = p.atom): string {
  let json = `{${processMembers(p)},"TIMESTAMP":${p.start},"THIS_ATOM":"${atom}"`;
  if (p.parentAtom) json += `,"PARENT_ATOM":"${p.parentAtom}"`;
  if (withParent && p.parent) json += `,"PARENT":${snapshot(p.parent)}`;
  return `${json}}`;
}

/** NEW_PROCESS or EXISTING_PROCESS: the PARENT snapshot is how the parent was when this one started. */
export function processBody(type: 'NEW_PROCESS' | 'EXISTING_PROCESS', p: Proc, time: number): string {
  const parent = p.parent && p.parentAtom ? `,"PARENT":${snapshot(p.parent, false, p.parentAtom)}` : '';
  return `{${processMembers(p)},"TIMESTAMP":${bodyTime(type, time)}${parent}}`;
}

export function terminateBody(p: Proc, time: number): string {
  return `{"PARENT_PROCESS_ID":${p.ppid},"PROCESS_ID":${p.pid},"TIMESTAMP":${bodyTime('TERMINATE_PROCESS', time)}}`;
}

const WINDOWS_ENV = ['ALLUSERSPROFILE=C:\\ProgramData', 'COMPUTERNAME={host}', 'ComSpec=C:\\Windows\\system32\\cmd.exe', 'NUMBER_OF_PROCESSORS=8', 'OS=Windows_NT', 'PROCESSOR_ARCHITECTURE=AMD64', 'SystemRoot=C:\\Windows', 'TEMP=C:\\Users\\{user}\\AppData\\Local\\Temp', 'USERDOMAIN={domain}', 'USERNAME={user}', 'USERPROFILE=C:\\Users\\{user}', 'windir=C:\\Windows'];
const UNIX_ENV = ['HOME={home}', 'LANG=en_US.UTF-8', 'LOGNAME={user}', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'PWD={home}', 'SHELL={shell}', 'TERM=xterm-256color', 'USER={user}', 'SSH_CONNECTION={peer} 52114 {ip} 22'];

export function environmentBody(p: Proc, time: number): Record<string, unknown> {
  const host = p.state.host;
  const home = host.platform === 'macos' ? `/Users/${host.user}` : `/home/${host.user}`;
  const fill = (line: string) =>
    line
      .replace('{host}', host.hostname.split('.')[0] ?? host.hostname)
      .replace(/\{user\}/g, host.user)
      .replace('{domain}', host.org.netbios)
      .replace(/\{home\}/g, home)
      .replace('{shell}', host.platform === 'macos' ? '/bin/zsh' : '/bin/bash')
      .replace('{peer}', host.org.hosts[0]?.intIp ?? host.intIp)
      .replace('{ip}', host.intIp);
  const lines = host.platform === 'windows' ? WINDOWS_ENV : UNIX_ENV;
  return { PROCESS_ID: p.pid, ENVIRONMENT: lines.map(fill), TIMESTAMP: time };
}

/** One connection as NETWORK_ACTIVITY lists it; the classic summary uses seconds and no protocol. */
function activityEntry(c: Conn, pid: number, classic: boolean): string {
  const ends = `"SOURCE":{"IP_ADDRESS":"${c.srcIp}","PORT":${c.srcPort}},"DESTINATION":{"IP_ADDRESS":"${c.dstIp}","PORT":${c.dstPort}}`;
  return classic
    ? `{${ends},"TIMESTAMP":${Math.floor(c.time / 1000)},"STATE":5,"PROCESS_ID":${pid}}`
    : `{${ends},"TIMESTAMP":${c.time},"PROTOCOL":"${c.protocol}","IS_OUTGOING":${c.outgoing ? 1 : 0}}`;
}

/** NETWORK_SUMMARY (the seed's shape: everything under PROCESS, with its PARENT). */
export function networkSummaryBody(p: Proc, conns: readonly Conn[], time: number): string {
  const atoms = `,"THIS_ATOM":"${p.atom}"${p.parentAtom ? `,"PARENT_ATOM":"${p.parentAtom}"` : ''}`;
  const parent = p.parent ? `,"PARENT":${snapshot(p.parent)}` : '';
  const activity = conns.map((c) => activityEntry(c, p.pid, true)).join(',');
  return `{"PROCESS":{${processMembers(p)}${atoms}${parent},"NETWORK_ACTIVITY":[${activity}],"TIMESTAMP":${bodyTime('NETWORK_SUMMARY', time)}}}`;
}

/** NETWORK_CONNECTIONS (newer sensors: the process fields at the top level). */
export function networkConnectionsBody(p: Proc, conns: readonly Conn[], time: number): string {
  return `{${processMembers(p)},"NETWORK_ACTIVITY":[${conns.map((c) => activityEntry(c, p.pid, false)).join(',')}],"TIMESTAMP":${time}}`;
}
