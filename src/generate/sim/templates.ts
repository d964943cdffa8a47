/**
 * Placeholder expansion for the platform data ({user}, {hex8}, {GUID}...). Templates are compiled
 * once into literal pieces and placeholder names, since file and registry events expand one each.
 * expandJson() gives the result as a JSON string literal directly: the literal pieces are escaped
 * at compile time and placeholder values never hold characters JSON escapes (a test checks it), so
 * Windows paths need no escaping per event. An unknown placeholder fails loudly.
 */
import type { Host } from '../fleet/hosts';
import { DOCUMENTS } from '../fleet/names';
import { hex32, randomHex, uuid } from '../ids';
import type { Prng } from '../prng';

export interface TemplateContext {
  readonly host: Host;
  readonly rng: Prng;
  readonly time: number;
}

type Piece = string | ((c: TemplateContext) => string);

const DLLS = ['kernel32.dll', 'ntdll.dll', 'user32.dll', 'advapi32.dll', 'combase.dll', 'ole32.dll', 'shell32.dll', 'ws2_32.dll', 'crypt32.dll', 'wininet.dll', 'msvcp_win.dll', 'gdi32full.dll', 'windows.storage.dll', 'propsys.dll'];
const EXES = ['svchost', 'chrome', 'explorer', 'msedge', 'OUTLOOK', 'Teams', 'OneDrive', 'WINWORD', 'EXCEL', 'notepad', 'taskhostw', 'RuntimeBroker', 'SearchApp', 'MsMpEng', 'backgroundTaskHost'];
const VALUE_NAMES = ['LastScanRun', 'StartTime', 'LastCheck', 'Version', 'State', 'Flags', 'LastSuccessTime', 'UpdateTime', 'Enabled', 'Count', 'MRUListEx', 'LastWriteTime', 'InstallTime', 'Status', 'Data', 'Timestamp', 'LastRun'];
const EXTENSIONS = ['docx', 'xlsx', 'pdf', 'pptx', 'txt', 'csv'];
const LINUX_SERVICES = ['nginx', 'ssh', 'cron', 'systemd-resolved', 'docker', 'postgresql', 'rsyslog'];

function other(c: TemplateContext): Host {
  const hosts = c.host.org.hosts;
  if (hosts.length === 1) return c.host;
  const pick = c.rng.pick(hosts);
  return pick === c.host ? (hosts[(pick.ordinal + 1) % hosts.length] as Host) : pick;
}

function server(c: TemplateContext): Host {
  const servers = c.host.org.servers;
  return servers.length > 0 ? c.rng.pick(servers) : other(c);
}

const PLACEHOLDERS: Readonly<Record<string, (c: TemplateContext) => string>> = {
  user: (c) => c.host.user,
  org: (c) => c.host.org.name,
  Org: (c) => c.host.org.display,
  domain: (c) => c.host.org.domain,
  sid: (c) => c.host.userSid,
  host: (c) => c.host.hostname,
  hex4: (c) => randomHex(c.rng, 2),
  hex6: (c) => randomHex(c.rng, 3),
  hex8: (c) => hex32(c.rng.u32()),
  hex16: (c) => hex32(c.rng.u32()) + hex32(c.rng.u32()),
  HEX4: (c) => randomHex(c.rng, 2).toUpperCase(),
  HEX8: (c) => hex32(c.rng.u32()).toUpperCase(),
  HEX16: (c) => (hex32(c.rng.u32()) + hex32(c.rng.u32())).toUpperCase(),
  guid: (c) => `{${uuid(c.rng)}}`,
  GUID: (c) => `{${uuid(c.rng).toUpperCase()}}`,
  uuid: (c) => uuid(c.rng).toUpperCase(),
  n: (c) => String(c.rng.int(1, 9999)),
  digit: (c) => String(c.rng.below(10)),
  doc: (c) => c.rng.pick(DOCUMENTS),
  date: (c) => dayText(c.time),
  dll: (c) => c.rng.pick(DLLS),
  exe: (c) => c.rng.pick(EXES),
  EXE: (c) => `${c.rng.pick(EXES).toUpperCase()}.EXE`,
  Name: (c) => c.rng.pick(VALUE_NAMES),
  ext: (c) => c.rng.pick(EXTENSIONS),
  svc: (c) => (c.host.platform === 'windows' ? c.rng.pick(c.host.model.services).name : c.rng.pick(LINUX_SERVICES)),
  peer: (c) => other(c).intIp,
  peerName: (c) => server(c).hostname.split('.')[0] ?? c.host.hostname,
  site: (c) => c.rng.pick(c.host.model.domains['browser'] ?? ['www.google.com']),
};

let lastDay = -1;
let lastDayText = '';

/** YYYYMMDD of an epoch-ms time (cached: consecutive events share their day). */
function dayText(time: number): string {
  const day = Math.floor(time / 86_400_000);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = new Date(day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  }
  return lastDayText;
}

const compiled = new Map<string, readonly Piece[]>();
const compiledJson = new Map<string, readonly Piece[]>();

function compile(template: string, json: boolean): readonly Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{([A-Za-z0-9]+)\}/g)) {
    const name = match[1] as string;
    const fill = PLACEHOLDERS[name];
    if (!fill) throw new Error(`unknown placeholder {${name}} in template ${JSON.stringify(template)}; known: ${Object.keys(PLACEHOLDERS).join(', ')}`);
    if (match.index > last) pieces.push(literal(template.slice(last, match.index), json));
    pieces.push(fill);
    last = match.index + match[0].length;
  }
  if (last < template.length) pieces.push(literal(template.slice(last), json));
  if (json) {
    pieces.unshift('"');
    pieces.push('"');
  }
  return pieces;
}

function literal(text: string, json: boolean): string {
  return json ? JSON.stringify(text).slice(1, -1) : text;
}

function run(pieces: readonly Piece[], c: TemplateContext): string {
  let out = '';
  for (const piece of pieces) out += typeof piece === 'string' ? piece : piece(c);
  return out;
}

export function expand(template: string, c: TemplateContext): string {
  let pieces = compiled.get(template);
  if (!pieces) {
    pieces = compile(template, false);
    compiled.set(template, pieces);
  }
  return run(pieces, c);
}

/** The expansion as a JSON string literal, quotes included. */
export function expandJson(template: string, c: TemplateContext): string {
  let pieces = compiledJson.get(template);
  if (!pieces) {
    pieces = compile(template, true);
    compiledJson.set(template, pieces);
  }
  return run(pieces, c);
}

/** Every placeholder's value for a host (for the test that they never need JSON escaping). */
export function placeholderValues(c: TemplateContext): Record<string, string> {
  return Object.fromEntries(Object.entries(PLACEHOLDERS).map(([name, fill]) => [name, fill(c)]));
}

/** The placeholder names a template uses (for the platform data's consistency test). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z0-9]+)\}/g)].map((m) => m[1] as string);
}

export const KNOWN_PLACEHOLDERS: ReadonlySet<string> = new Set(Object.keys(PLACEHOLDERS));
