/**
 * The most frequent events (files, pipes, registry, modules, connections, DNS: three quarters of a
 * feed) written member by member into the output buffer, with no body string in between. Each
 * writer emits one event hanging off process `p` and returns its atom when asked (stories record
 * them). Keys are pre-encoded; paths and registry keys arrive as JSON string literals (expandJson).
 * A writer leaves its body's closing brace to Emitter.end(), which writes it with the line's end.
 */
import type { Image } from '../images';
import { utf8 } from '../output/lines';
import type { Prng } from '../prng';
import type { Conn, Proc } from '../sim/state';
import { bodyTime, type Emitter } from './emit';
import { q } from './json';

const FILE_PATH = utf8('{"FILE_PATH":');
const TIMESTAMP = utf8(',"TIMESTAMP":');
const REG_PID = utf8('{"PROCESS_ID":');
const REG_KEY = utf8(',"REGISTRY_KEY":');
const REG_VALUE = utf8(',"REGISTRY_VALUE":"');
const REG_SIZE = utf8('","SIZE":');
const REG_TYPE = utf8(',"TYPE":');
const BASE_ADDRESS = utf8(',"BASE_ADDRESS":');
const DESTINATION = utf8(',"DESTINATION":{"IP_ADDRESS":"');
const PORT = utf8('","PORT":');
const STATE = utf8('},"STATE":5,"TIMESTAMP":');
const SOURCE = utf8(',"SOURCE":{"IP_ADDRESS":"');
const CLOSE = utf8('}');
const UDP_TS = utf8('{"TIMESTAMP":');
const IP_ADDRESS = utf8(',"IP_ADDRESS":"');
const DNS_TYPE = utf8('{"DNS_TYPE":');
const DNS_FLAGS = utf8(',"DNS_FLAGS":0,"DOMAIN_NAME":"');
const MESSAGE_ID = utf8('","MESSAGE_ID":');
const QUOTE_IP = utf8('","IP_ADDRESS":"');

/** `,"PROCESS_ID":<pid>` for a process, encoded once. */
function pidMember(p: Proc): Uint8Array {
  return (p.pidMember ??= utf8(`,"PROCESS_ID":${p.pid}`));
}

/** FILE_*, NEW_NAMED_PIPE, OPEN_NAMED_PIPE. */
export function writeFile(e: Emitter, p: Proc, type: string, time: number, pathJson: string, wantAtom = false): string {
  const out = e.begin(p.state.host, type, time, p);
  if (!out) return '';
  out.bytes(FILE_PATH);
  out.text(pathJson);
  out.bytes(pidMember(p));
  out.bytes(TIMESTAMP);
  out.time(time);
  return e.end(wantAtom);
}

const REG_TYPES = [1, 3, 4, 4, 4, 11];
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').map((c) => c.charCodeAt(0));

/** REGISTRY_CREATE/DELETE (the key), REGISTRY_WRITE (and the value written, base64, its size and REG_* type). */
export function writeRegistry(e: Emitter, p: Proc, type: string, time: number, keyJson: string, rng: Prng, wantAtom = false): string {
  const write = type === 'REGISTRY_WRITE';
  // Drawn before the line is begun, in the same order whether or not the event is sent.
  const regType = write ? rng.pick(REG_TYPES) : 0;
  const size = regType === 4 ? 4 : regType === 11 ? 8 : write ? rng.int(2, 64) : 0;
  const out = e.begin(p.state.host, type, time, p);
  if (!out) return '';
  out.bytes(REG_PID);
  out.int(p.pid);
  out.bytes(REG_KEY);
  out.text(keyJson);
  if (write) {
    out.bytes(REG_VALUE);
    // Base64 of min(size, 16) random bytes, padded.
    const n = Math.min(size, 16);
    for (let i = 0; i < n; i += 3) {
      const rest = n - i;
      const v = rng.u32() & 0xffffff;
      out.byte(B64[(v >>> 18) & 63] as number);
      out.byte(B64[(v >>> 12) & 63] as number);
      out.byte(rest > 1 ? (B64[(v >>> 6) & 63] as number) : 61);
      out.byte(rest > 2 ? (B64[v & 63] as number) : 61);
    }
    out.bytes(REG_SIZE);
    out.int(size);
    out.bytes(REG_TYPE);
    out.int(regType);
  }
  out.bytes(TIMESTAMP);
  out.time(time);
  return e.end(wantAtom);
}

/** What a module load says about the file, encoded once per image. */
const moduleMembers = new WeakMap<Image, Uint8Array>();

export function writeModule(e: Emitter, p: Proc, image: Image, baseAddress: number, time: number, suppress = false): void {
  const host = p.state.host;
  let members = moduleMembers.get(image);
  if (!members) {
    let json = `{"FILE_PATH":${q(image.path)},"MODULE_NAME":${q(image.name)},"HASH":"${image.hashes.sha256}","MEMORY_SIZE":${image.memory}`;
    if (host.platform !== 'linux') json += `,"FILE_IS_SIGNED":${image.signer ? 1 : 0}`;
    members = utf8(json);
    moduleMembers.set(image, members);
  }
  const out = e.begin(host, 'MODULE_LOAD', time, p, suppress);
  if (!out) return;
  out.bytes(members);
  out.bytes(BASE_ADDRESS);
  out.int(baseAddress);
  out.bytes(pidMember(p));
  out.bytes(TIMESTAMP);
  out.time(time);
  e.end();
}

/** NEW_TCP4/6_CONNECTION, TERMINATE_TCP4/6_CONNECTION, UDP with both ends. */
export function writeConnection(e: Emitter, p: Proc, type: string, c: Conn, time: number, wantAtom = false): string {
  const out = e.begin(p.state.host, type, time, p);
  if (!out) return '';
  out.bytes(REG_PID);
  out.int(p.pid);
  out.bytes(DESTINATION);
  out.ascii(c.dstIp);
  out.bytes(PORT);
  out.int(c.dstPort);
  out.bytes(STATE);
  out.time(time);
  out.bytes(SOURCE);
  out.ascii(c.srcIp);
  out.bytes(PORT);
  out.int(c.srcPort);
  out.bytes(CLOSE);
  return e.end(wantAtom);
}

/** NEW_UDP4/6_CONNECTION as the seed shows it: the local socket only. */
export function writeUdpSocket(e: Emitter, p: Proc, type: string, localIp: string, localPort: number, time: number): void {
  const out = e.begin(p.state.host, type, time, p);
  if (!out) return;
  out.bytes(UDP_TS);
  out.time(time);
  out.bytes(pidMember(p));
  out.bytes(IP_ADDRESS);
  out.ascii(localIp);
  out.bytes(PORT);
  out.int(localPort);
  e.end();
}

/** DNS_REQUEST: one answer. Domains are host names (letters, digits, dots, dashes): written as they are. */
export function writeDns(e: Emitter, p: Proc, domain: string, answer: string, messageId: number, time: number, wantAtom = false): string {
  const out = e.begin(p.state.host, 'DNS_REQUEST', time, p);
  if (!out) return '';
  out.bytes(DNS_TYPE);
  out.int(1);
  out.bytes(TIMESTAMP);
  out.int(bodyTime('DNS_REQUEST', time));
  out.bytes(DNS_FLAGS);
  out.text(domain);
  out.bytes(QUOTE_IP);
  out.ascii(answer);
  out.bytes(MESSAGE_ID);
  out.int(messageId);
  out.bytes(pidMember(p));
  return e.end(wantAtom);
}
