/**
 * Replies to commands an analyst sends a sensor (the *_REP types). Each is described once: the
 * request it answers, the platforms that support it, and how its body is made from the host's state.
 */
import { randomBase64, randomHex } from '../ids';
import type { Prng } from '../prng';
import type { HostState, Proc } from '../sim/state';
import { expand } from '../sim/templates';
import { bodyTime } from './emit';
import { processFields } from './process';

type Body = Record<string, unknown>;

export interface ReplyContext {
  readonly state: HostState;
  readonly rng: Prng;
  readonly time: number;
  /** The process the command is about (memory and kill commands). */
  readonly target: Proc;
}

export interface ReplySpec {
  readonly type: string;
  readonly request: string;
  readonly windowsOnly?: boolean;
  readonly body: (c: ReplyContext) => Body;
}

function path(c: ReplyContext, pools: readonly string[]): string {
  const files = c.state.host.model.files;
  const pool = files[c.rng.pick(pools.filter((p) => files[p]))] ?? ['/tmp/x'];
  return expand(c.rng.pick(pool), { host: c.state.host, rng: c.rng, time: c.time });
}

const DOCS = ['documents', 'downloads'];
const ERROR = { ERROR: 0 };

function handles(c: ReplyContext, n: number): Body[] {
  const names = ['\\Device\\HarddiskVolume3\\Windows\\System32', '\\KnownDlls', '\\Sessions\\1\\BaseNamedObjects', '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Ole', '\\Device\\NamedPipe\\lsass'];
  const types = ['File', 'Directory', 'Key', 'Event', 'Mutant', 'Section'];
  return Array.from({ length: n }, () => ({ HANDLE_NAME: c.rng.pick(names), HANDLE_TYPE: c.rng.pick(types), HANDLE_VALUE: 4 * c.rng.int(1, 2000), PROCESS_ID: c.target.pid }));
}

export const REPLIES: readonly ReplySpec[] = [
  { type: 'FILE_GET_REP', request: 'FILE_GET_REQ', body: (c) => ({ FILE_PATH: path(c, DOCS), FILE_SIZE: 48, FILE_CONTENT: randomBase64(c.rng, 48), ...ERROR }) },
  { type: 'FILE_DEL_REP', request: 'FILE_DEL_REQ', body: (c) => ({ FILE_PATH: path(c, ['downloads', 'temp', 'tmp']), ...ERROR }) },
  { type: 'FILE_MOV_REP', request: 'FILE_MOV_REQ', body: (c) => ({ SOURCE: path(c, ['downloads']), DESTINATION: path(c, DOCS), ...ERROR }) },
  { type: 'FILE_HASH_REP', request: 'FILE_HASH_REQ', body: (c) => ({ FILE_PATH: c.target.image.path, HASH: c.target.image.hashes.sha256, ...ERROR }) },
  {
    type: 'FILE_INFO_REP',
    request: 'FILE_INFO_REQ',
    body: (c) => ({ FILE_PATH: c.target.image.path, FILE_SIZE: c.target.image.memory, ATTRIBUTES: 32, CREATION_TIME: c.time - 86_400_000 * c.rng.int(30, 900), MODIFICATION_TIME: c.time - 86_400_000 * c.rng.int(1, 30), ACCESS_TIME: c.time, ...ERROR }),
  },
  {
    type: 'DIR_LIST_REP',
    request: 'DIR_LIST_REQ',
    body: (c) => {
      const files = Array.from({ length: c.rng.int(3, 8) }, () => path(c, DOCS));
      const root = files[0]?.replace(/[\\/][^\\/]*$/, '') ?? '/';
      return { ROOT: root, DIRECTORY_LIST: files.map((f) => ({ FILE_NAME: f.slice(root.length + 1), FILE_PATH: f, FILE_SIZE: c.rng.int(1_000, 5_000_000), ATTRIBUTES: 32 })), ...ERROR };
    },
  },
  {
    type: 'MEM_MAP_REP',
    request: 'MEM_MAP_REQ',
    body: (c) => ({
      PROCESS_ID: c.target.pid,
      MEMORY_MAP: Array.from({ length: c.rng.int(3, 8) }, (_, i) => ({ BASE_ADDRESS: c.target.baseAddress + 0x10000 * i, MEMORY_SIZE: 0x1000 * c.rng.int(1, 256), MEMORY_ACCESS: c.rng.pick([2, 4, 32, 64]), MEMORY_TYPE: c.rng.pick([0x20000, 0x40000, 0x1000000]) })),
    }),
  },
  { type: 'MEM_READ_REP', request: 'MEM_READ_REQ', body: (c) => ({ PROCESS_ID: c.target.pid, BASE_ADDRESS: c.target.baseAddress, MEMORY_SIZE: 64, MEMORY_DUMP: randomBase64(c.rng, 64) }) },
  { type: 'MEM_HANDLES_REP', request: 'MEM_HANDLES_REQ', windowsOnly: true, body: (c) => ({ PROCESS_ID: c.target.pid, HANDLES: handles(c, c.rng.int(3, 8)) }) },
  { type: 'MEM_FIND_HANDLES_REP', request: 'MEM_FIND_HANDLE_REQ', windowsOnly: true, body: (c) => ({ HANDLES: handles(c, c.rng.int(1, 4)) }) },
  {
    type: 'MEM_STRINGS_REP',
    request: 'MEM_STRINGS_REQ',
    body: (c) => ({ PROCESS_ID: c.target.pid, STRINGSA: [c.target.image.name, c.target.commandLine.slice(0, 60), 'GetProcAddress'], STRINGSW: [c.target.image.path, c.state.host.hostname] }),
  },
  {
    type: 'MEM_FIND_STRING_REP',
    request: 'MEM_FIND_STRING_REQ',
    body: (c) => ({ STRINGS: [{ PROCESS_ID: c.target.pid, BASE_ADDRESS: c.target.baseAddress + 0x1000 * c.rng.int(1, 4096), STRING: c.state.host.org.domain }] }),
  },
  {
    type: 'OS_SERVICES_REP',
    request: 'OS_SERVICES_REQ',
    body: (c) => ({
      SVCS: c.state.host.model.services.map((s) => {
        const entry: Body = { PROCESS_ID: 0, SVC_TYPE: s.type, SVC_NAME: s.name, SVC_STATE: c.rng.pick([1, 4, 4]), SVC_DISPLAY_NAME: s.display, EXECUTABLE: s.executable };
        if (s.dll) entry['DLL'] = s.dll;
        entry['HASH'] = randomHex(c.rng, 32);
        return entry;
      }),
    }),
  },
  {
    type: 'OS_DRIVERS_REP',
    request: 'OS_DRIVERS_REQ',
    body: (c) => ({ SVCS: c.state.host.model.drivers.map((d) => ({ PROCESS_ID: 0, SVC_TYPE: d.type, SVC_NAME: d.name, SVC_STATE: 1, SVC_DISPLAY_NAME: d.display, EXECUTABLE: d.executable })) }),
  },
  { type: 'OS_KILL_PROCESS_REP', request: 'OS_KILL_PROCESS_REQ', body: (c) => ({ PROCESS_ID: c.target.pid, ...ERROR }) },
  { type: 'OS_PROCESSES_REP', request: 'OS_PROCESSES_REQ', body: (c) => ({ PROCESSES: c.state.live.slice(0, 25).map(processFields) }) },
  {
    type: 'OS_AUTORUNS_REP',
    request: 'OS_AUTORUNS_REQ',
    body: (c) => ({
      TIMESTAMP: bodyTime('OS_AUTORUNS_REP', c.time),
      AUTORUNS: c.state.host.model.autoruns.map(([key, file]) => ({
        REGISTRY_KEY: expand(key, { host: c.state.host, rng: c.rng, time: c.time }),
        FILE_PATH: expand(file, { host: c.state.host, rng: c.rng, time: c.time }),
        HASH: randomHex(c.rng, 32),
      })),
    }),
  },
  { type: 'OS_PACKAGES_REP', request: 'OS_PACKAGES_REQ', windowsOnly: true, body: (c) => ({ PACKAGES: c.state.host.model.packages.map(([name, version]) => ({ PACKAGE_NAME: name, PACKAGE_VERSION: version })) }) },
  { type: 'HISTORY_DUMP_REP', request: 'HISTORY_DUMP_REQ', body: (c) => ({ TIMESTAMP: c.time }) },
  { type: 'GET_DOCUMENT_REP', request: 'GET_DOCUMENT_REQ', body: (c) => ({ FILE_PATH: path(c, DOCS), HASH: randomHex(c.rng, 32), FILE_CONTENT: randomBase64(c.rng, 48) }) },
  {
    type: 'REGISTRY_LIST_REP',
    request: 'REGISTRY_LIST_REQ',
    windowsOnly: true,
    body: (c) => ({
      REGISTRY_KEY: ['Classes', 'Clients', 'Google', 'Intel', 'Microsoft', 'ODBC', 'Policies', 'RegisteredApplications', 'VMware, Inc.', 'WOW6432Node'],
      ROOT: 'hklm\\software',
      REGISTRY_VALUE: [{ TYPE: 4, NAME: 'Order', VALUE: randomHex(c.rng, 4) }],
      ...ERROR,
    }),
  },
];
