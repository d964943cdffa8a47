/**
 * Every event type atomgraph knows: the 51 of the classic catalogue (seed 000), EXISTING_PROCESS
 * (seed 002), the types in the shared samples and dataset, and the further types LimaCharlie
 * documents. Bodies are described unwrapped (the seed sometimes wraps one in a key equal to its
 * type). Every field is optional: a sensor leaves out what it does not know, and the dataset sends
 * null. A type the catalogue does not list is still stored, with its body as it came.
 *
 * `basis` says where a description comes from:
 * - `seed`: the seed's sample body (extended with what samples and the dataset show);
 * - `sample`: the shared samples or the dataset;
 * - `analogy`: no body seen; modelled on the named sibling type (see each one's comment);
 * - `none`: no body seen and no sibling to copy from: no fields, the body passes as it is.
 */
import { type FieldMap, bool01, int32, int64, json, list, obj, str, timestamp } from './fields';
import type { Family } from './families';
import { PROCESS_FIELDS, SERVICE_FIELDS } from './objects';
import { pascalCase } from './names';
import type { PromoteMap } from './promote';

export type Basis = 'seed' | 'sample' | 'analogy' | 'none';

export interface EventTypeSpec {
  /** routing.event_type, exactly as LimaCharlie sends it. */
  readonly name: string;
  readonly graphqlName: string;
  readonly family: Family;
  readonly description: string;
  readonly basis: Basis;
  readonly fields: FieldMap;
  /** Where the promoted hunting properties come from (see promote.ts). */
  readonly promote: PromoteMap;
  /** Body key holding whole inner events ({routing, event}) that are events in their own right. */
  readonly innerEvents?: string;
  /** Processes: these events are the nodes of the process tree (routing.parent is the parent process). */
  readonly processTree?: boolean;
  /**
   * Body keys holding a snapshot (a ProcessSnapshot) of the process routing.parent or routing.target
   * names: what a parent that never arrives is known by (docs/graph-model.md, Placeholders).
   */
  readonly snapshots?: { readonly parent?: string; readonly target?: string };
}

type EventTypeDef = Omit<EventTypeSpec, 'graphqlName' | 'promote' | 'fields'> & {
  fields?: FieldMap;
  promote?: PromoteMap;
};

function define(def: EventTypeDef): EventTypeSpec {
  return { ...def, graphqlName: pascalCase(def.name), fields: def.fields ?? {}, promote: def.promote ?? {} };
}

/** Field groups several types share. */
const TIMESTAMP = { TIMESTAMP: timestamp() };
const FILE_EVENT = { FILE_PATH: str(), PROCESS_ID: int32(), ...TIMESTAMP };
const REGISTRY_EVENT = { REGISTRY_KEY: str(), PROCESS_ID: int32(), ...TIMESTAMP };
const CONNECTION = {
  PROCESS_ID: int32(),
  SOURCE: obj('NetworkEndpoint'),
  DESTINATION: obj('NetworkEndpoint'),
  STATE: int32(),
  ...TIMESTAMP,
};
/** The seed's UDP body is flat (IP_ADDRESS/PORT: the local socket); the dataset's has SOURCE/DESTINATION. */
const UDP_CONNECTION = { ...CONNECTION, IP_ADDRESS: str('local address'), PORT: int32('local port') };
const CODE_IDENTITY = {
  FILE_PATH: str(),
  HASH: str('SHA-256'),
  HASH_MD5: str(),
  HASH_SHA1: str(),
  MEMORY_SIZE: int64(),
  SIGNATURE: obj('CodeSignature'),
  FILE_INFO: str('file version, e.g. 10.0.18362.1'),
  ORIGINAL_FILE_NAME: str(),
  ERROR: int64(),
  ...TIMESTAMP,
};
/** Handles and remote threads: PROCESS_ID is the target process, PARENT_PROCESS_ID the one acting. */
const CROSS_PROCESS = {
  PROCESS_ID: int32('the target process'),
  PARENT_PROCESS_ID: int32('the process acting on it'),
  SOURCE: obj('ProcessSnapshot', 'the process acting'),
  TARGET: obj('ProcessSnapshot', 'the target process (routing.target)'),
  ...TIMESTAMP,
};
/** The samples' SOURCE.THIS_ATOM is routing.parent, TARGET.THIS_ATOM routing.target. */
const CROSS_PROCESS_SNAPSHOTS = { parent: 'SOURCE', target: 'TARGET' } as const;
const INNER_EVENTS = { EVENTS: list(json(), 'whole events ({routing, event}), validated as events of their own') };
const USER = { USER_NAME: str(), ...TIMESTAMP };

const PROCESS_PROMOTE = {
  filePath: 'FILE_PATH',
  commandLine: 'COMMAND_LINE',
  hash: 'HASH',
  userName: 'USER_NAME',
  processId: 'PROCESS_ID',
  parentProcessId: 'PARENT_PROCESS_ID',
} as const satisfies PromoteMap;
const NEW_PROCESS_PROMOTE = {
  ...PROCESS_PROMOTE,
  parentFilePath: 'PARENT.FILE_PATH',
  parentCommandLine: 'PARENT.COMMAND_LINE',
} as const satisfies PromoteMap;
const TCP_PROMOTE = {
  processId: 'PROCESS_ID',
  srcIp: 'SOURCE.IP_ADDRESS',
  srcPort: 'SOURCE.PORT',
  dstIp: 'DESTINATION.IP_ADDRESS',
  dstPort: 'DESTINATION.PORT',
} as const satisfies PromoteMap;
const UDP_PROMOTE = {
  ...TCP_PROMOTE,
  srcIp: ['SOURCE.IP_ADDRESS', 'IP_ADDRESS'],
  srcPort: ['SOURCE.PORT', 'PORT'],
} as const satisfies PromoteMap;
const FILE_PROMOTE = { filePath: 'FILE_PATH', processId: 'PROCESS_ID' } as const satisfies PromoteMap;
const REGISTRY_PROMOTE = { registryKey: 'REGISTRY_KEY', processId: 'PROCESS_ID' } as const satisfies PromoteMap;
const IDENTITY_PROMOTE = {
  filePath: 'FILE_PATH',
  hash: 'HASH',
  hashMd5: 'HASH_MD5',
  hashSha1: 'HASH_SHA1',
} as const satisfies PromoteMap;
const CROSS_PROCESS_PROMOTE = {
  processId: 'PROCESS_ID',
  parentProcessId: 'PARENT_PROCESS_ID',
  targetFilePath: 'TARGET.FILE_PATH',
} as const satisfies PromoteMap;
/** A service's EXECUTABLE is its command line: services installed to run `cmd /c powershell -enc ...` are a classic. */
const SERVICE_PROMOTE = {
  serviceName: 'SVC_NAME',
  commandLine: 'EXECUTABLE',
  hash: 'HASH',
  processId: 'PROCESS_ID',
} as const satisfies PromoteMap;

const reply = (name: string, description: string, fields?: FieldMap) =>
  define({ name, family: 'REPLY', description, basis: fields ? 'seed' : 'none', ...(fields ? { fields } : {}) });

export const EVENT_TYPES: readonly EventTypeSpec[] = [
  // Sensor lifecycle
  define({ name: 'STARTING_UP', family: 'SENSOR', description: 'The sensor started.', basis: 'seed', fields: TIMESTAMP }),
  define({ name: 'SHUTTING_DOWN', family: 'SENSOR', description: 'The sensor is shutting down (may be missing after an abrupt host shutdown).', basis: 'seed', fields: TIMESTAMP }),
  define({
    name: 'CONNECTED',
    family: 'SENSOR',
    description: 'The sensor connected to the cloud; IS_SEGREGATED says whether it is network-isolated.',
    basis: 'seed',
    fields: { IS_SEGREGATED: bool01() },
  }),
  define({
    name: 'CLOUD_NOTIFICATION',
    family: 'SENSOR',
    description: 'Receipt from the sensor for a task sent to it, with high-level errors if any.',
    basis: 'seed',
    fields: {
      NOTIFICATION_ID: str('the task, e.g. DNS_RESOLVE_REQ'),
      NOTIFICATION: json('the task parameters; their keys depend on the task'),
      HCP_IDENT: obj('HcpIdent'),
      EXPIRY: timestamp('0 when the task does not expire'),
    },
  }),
  define({ name: 'RECEIPT', family: 'SENSOR', description: 'Acknowledgement of a command, with its error code.', basis: 'sample', fields: { ERROR: int64() } }),
  define({ name: 'DATA_DROPPED', family: 'SENSOR', description: 'The sensor was offline long enough that its buffer overflowed and events were lost.', basis: 'none' }),
  // Cloud-side deployment event; shape from LimaCharlie's deployment-events page, lower-case keys included.
  define({
    name: 'enrollment',
    family: 'SENSOR',
    description: 'A sensor enrolled into the organization for the first time.',
    basis: 'analogy',
    fields: { public_ip: str(), internal_ip: str(), host_name: str() },
  }),

  // Processes
  define({
    name: 'NEW_PROCESS',
    family: 'PROCESS',
    description: 'A new process started.',
    basis: 'seed',
    fields: PROCESS_FIELDS,
    promote: NEW_PROCESS_PROMOTE,
    processTree: true,
    snapshots: { parent: 'PARENT' },
  }),
  // Seed 002: same body as NEW_PROCESS, sent for processes already running when the sensor starts.
  define({
    name: 'EXISTING_PROCESS',
    family: 'PROCESS',
    description: 'A process already running when the sensor started.',
    basis: 'analogy',
    fields: PROCESS_FIELDS,
    promote: NEW_PROCESS_PROMOTE,
    processTree: true,
    snapshots: { parent: 'PARENT' },
  }),
  define({
    name: 'TERMINATE_PROCESS',
    family: 'PROCESS',
    description: 'A process exited.',
    basis: 'seed',
    fields: { PROCESS_ID: int32(), PARENT_PROCESS_ID: int32(), ...TIMESTAMP },
    promote: { processId: 'PROCESS_ID', parentProcessId: 'PARENT_PROCESS_ID' },
  }),
  // LimaCharlie documents ENVIRONMENT as a list of NAME=value strings.
  define({
    name: 'PROCESS_ENVIRONMENT',
    family: 'PROCESS',
    description: 'The environment variables of a process.',
    basis: 'analogy',
    fields: { PROCESS_ID: int32(), ENVIRONMENT: list(str(), 'NAME=value'), ...TIMESTAMP },
    promote: { processId: 'PROCESS_ID' },
  }),

  // DNS
  define({
    name: 'DNS_REQUEST',
    family: 'DNS',
    description: 'A DNS answer: the requested domain and one answer (N answers make N events).',
    basis: 'seed',
    fields: {
      DOMAIN_NAME: str(),
      IP_ADDRESS: str('the answer'),
      DNS_TYPE: int32('record type, 1 A, 28 AAAA...'),
      DNS_FLAGS: int32(),
      MESSAGE_ID: int32(),
      PROCESS_ID: int32(),
      ...TIMESTAMP,
    },
    promote: { domain: 'DOMAIN_NAME', ip: 'IP_ADDRESS', processId: 'PROCESS_ID' },
  }),

  // Network
  define({ name: 'NEW_TCP4_CONNECTION', family: 'NETWORK', description: 'A TCPv4 connection was established, inbound or outbound.', basis: 'seed', fields: CONNECTION, promote: TCP_PROMOTE }),
  define({ name: 'NEW_UDP4_CONNECTION', family: 'NETWORK', description: 'A UDPv4 socket "connection" was established, inbound or outbound.', basis: 'seed', fields: UDP_CONNECTION, promote: UDP_PROMOTE }),
  // The v6 and termination types by analogy with NEW_TCP4_CONNECTION / NEW_UDP4_CONNECTION.
  define({ name: 'NEW_TCP6_CONNECTION', family: 'NETWORK', description: 'A TCPv6 connection was established, inbound or outbound.', basis: 'analogy', fields: CONNECTION, promote: TCP_PROMOTE }),
  define({ name: 'NEW_UDP6_CONNECTION', family: 'NETWORK', description: 'A UDPv6 socket "connection" was established, inbound or outbound.', basis: 'analogy', fields: UDP_CONNECTION, promote: UDP_PROMOTE }),
  define({ name: 'TERMINATE_TCP4_CONNECTION', family: 'NETWORK', description: 'A TCPv4 connection ended.', basis: 'analogy', fields: CONNECTION, promote: TCP_PROMOTE }),
  define({ name: 'TERMINATE_TCP6_CONNECTION', family: 'NETWORK', description: 'A TCPv6 connection ended.', basis: 'analogy', fields: CONNECTION, promote: TCP_PROMOTE }),
  define({
    name: 'NETWORK_SUMMARY',
    family: 'NETWORK',
    description: 'A process with its first connections, sent when it exits or reaches 10 connections.',
    basis: 'seed',
    fields: { PROCESS: obj('ProcessSnapshot') },
    promote: {
      filePath: 'PROCESS.FILE_PATH',
      commandLine: 'PROCESS.COMMAND_LINE',
      hash: 'PROCESS.HASH',
      userName: 'PROCESS.USER_NAME',
      processId: 'PROCESS.PROCESS_ID',
      parentProcessId: 'PROCESS.PARENT_PROCESS_ID',
      ip: 'PROCESS.NETWORK_ACTIVITY[].DESTINATION.IP_ADDRESS',
    },
    // routing.parent is "the process that generated the network connections" (seed 000).
    snapshots: { parent: 'PROCESS' },
  }),
  define({
    name: 'NETWORK_CONNECTIONS',
    family: 'NETWORK',
    description: 'A process and the connections it made (NETWORK_ACTIVITY).',
    basis: 'sample',
    fields: PROCESS_FIELDS,
    promote: { ...PROCESS_PROMOTE, ip: 'NETWORK_ACTIVITY[].DESTINATION.IP_ADDRESS' },
  }),
  define({ name: 'HTTP_REQUEST', family: 'NETWORK', description: 'An HTTP request made by a browser (Chrome/Edge sensors).', basis: 'none' }),

  // Files
  define({ name: 'FILE_CREATE', family: 'FILE', description: 'A file was created.', basis: 'seed', fields: FILE_EVENT, promote: FILE_PROMOTE }),
  define({ name: 'FILE_DELETE', family: 'FILE', description: 'A file was deleted.', basis: 'seed', fields: FILE_EVENT, promote: FILE_PROMOTE }),
  define({ name: 'FILE_MODIFIED', family: 'FILE', description: 'A file was modified.', basis: 'seed', fields: FILE_EVENT, promote: FILE_PROMOTE }),
  define({ name: 'FILE_READ', family: 'FILE', description: 'A file was read.', basis: 'sample', fields: FILE_EVENT, promote: FILE_PROMOTE }),
  define({
    name: 'NEW_DOCUMENT',
    family: 'FILE',
    description: 'A file matching the document locations and extensions was created and cached (doc_cache_get).',
    basis: 'seed',
    fields: { ...FILE_EVENT, HASH: str() },
    promote: { ...FILE_PROMOTE, hash: 'HASH' },
  }),
  define({
    name: 'FILE_TYPE_ACCESSED',
    family: 'FILE',
    description: 'A new process touched a watched file type (like .doc); a sign of exfiltration.',
    basis: 'seed',
    fields: { ...FILE_EVENT, RULE_NAME: json('the rule that matched; the seed shows an integer where the name suggests a string') },
    promote: FILE_PROMOTE,
  }),
  define({ name: 'VOLUME_MOUNT', family: 'FILE', description: 'A volume was mounted.', basis: 'none' }),

  // Named pipes (the dataset's OPEN_NAMED_PIPE has the same body as NEW_NAMED_PIPE)
  define({ name: 'NEW_NAMED_PIPE', family: 'PIPE', description: 'A named pipe was created.', basis: 'sample', fields: FILE_EVENT, promote: FILE_PROMOTE }),
  define({ name: 'OPEN_NAMED_PIPE', family: 'PIPE', description: 'A named pipe was opened.', basis: 'sample', fields: FILE_EVENT, promote: FILE_PROMOTE }),

  // Registry
  define({ name: 'REGISTRY_CREATE', family: 'REGISTRY', description: 'A registry key or value was created.', basis: 'seed', fields: REGISTRY_EVENT, promote: REGISTRY_PROMOTE }),
  define({ name: 'REGISTRY_DELETE', family: 'REGISTRY', description: 'A registry key or value was deleted.', basis: 'seed', fields: REGISTRY_EVENT, promote: REGISTRY_PROMOTE }),
  define({
    name: 'REGISTRY_WRITE',
    family: 'REGISTRY',
    description: 'A registry value was written.',
    basis: 'seed',
    fields: { ...REGISTRY_EVENT, REGISTRY_VALUE: str('the data written, base64'), SIZE: int64('bytes'), TYPE: int32('REG_* type code') },
    promote: REGISTRY_PROMOTE,
  }),

  // Modules
  define({
    name: 'MODULE_LOAD',
    family: 'MODULE',
    description: 'A module (a DLL on Windows) was loaded into a process.',
    basis: 'seed',
    fields: { FILE_PATH: str(), MODULE_NAME: str(), HASH: str(), FILE_IS_SIGNED: bool01(), MEMORY_SIZE: int64(), BASE_ADDRESS: int64(), PROCESS_ID: int32(), ...TIMESTAMP },
    promote: { filePath: 'FILE_PATH', moduleName: 'MODULE_NAME', hash: 'HASH', processId: 'PROCESS_ID' },
  }),
  define({ name: 'HIDDEN_MODULE_DETECTED', family: 'MODULE', description: 'An executable module was found in memory without the operating system knowing it.', basis: 'none' }),
  define({ name: 'MODULE_MEM_DISK_MISMATCH', family: 'MODULE', description: 'A module in memory differs from its file on disk (possible process hollowing).', basis: 'none' }),

  // Threads and code running where it should not
  define({
    name: 'NEW_REMOTE_THREAD',
    family: 'THREAD',
    description: 'A process created a thread in another process (routing.target), typical of code injection.',
    basis: 'seed',
    fields: { ...CROSS_PROCESS, THREAD_ID: int32() },
    promote: CROSS_PROCESS_PROMOTE,
    snapshots: CROSS_PROCESS_SNAPSHOTS,
  }),
  define({
    name: 'EXEC_OOB',
    family: 'THREAD',
    description: 'Code executing out of bounds (like a thread injection), with stack traces.',
    basis: 'seed',
    fields: { ...PROCESS_FIELDS, STACK_TRACES: list(obj('StackTrace')) },
    promote: PROCESS_PROMOTE,
  }),
  define({
    name: 'THREAD_INJECTION',
    family: 'THREAD',
    description: 'A thread injection, carried as the events that make it up (EVENTS).',
    basis: 'sample',
    fields: INNER_EVENTS,
    innerEvents: 'EVENTS',
  }),

  // Handles
  define({
    name: 'REMOTE_PROCESS_HANDLE',
    family: 'HANDLE',
    description: 'A process opened a handle to another (routing.target) with VM_READ, VM_WRITE or PROCESS_CREATE_THREAD.',
    basis: 'seed',
    fields: { ...CROSS_PROCESS, ACCESS_FLAGS: int64('the access mask') },
    promote: { ...CROSS_PROCESS_PROMOTE, accessFlags: 'ACCESS_FLAGS' },
    snapshots: CROSS_PROCESS_SNAPSHOTS,
  }),
  // By analogy with THREAD_INJECTION: public detections show EVENTS[] holding the accessed process and the handle.
  define({
    name: 'SENSITIVE_PROCESS_ACCESS',
    family: 'HANDLE',
    description: 'A sensitive process (like lsass.exe) was accessed, carried as the events that make it up (EVENTS).',
    basis: 'analogy',
    fields: INNER_EVENTS,
    innerEvents: 'EVENTS',
  }),

  // Services, drivers, autoruns
  define({ name: 'SERVICE_CHANGE', family: 'SERVICE', description: 'A service was changed.', basis: 'seed', fields: { ...SERVICE_FIELDS, ...TIMESTAMP }, promote: SERVICE_PROMOTE }),
  define({ name: 'DRIVER_CHANGE', family: 'SERVICE', description: 'A driver was changed.', basis: 'seed', fields: { ...SERVICE_FIELDS, ...TIMESTAMP }, promote: SERVICE_PROMOTE }),
  // By analogy with an OS_AUTORUNS_REP entry.
  define({
    name: 'AUTORUN_CHANGE',
    family: 'SERVICE',
    description: 'An autorun was changed.',
    basis: 'analogy',
    fields: { REGISTRY_KEY: str(), FILE_PATH: str(), HASH: str(), ...TIMESTAMP },
    promote: { registryKey: 'REGISTRY_KEY', filePath: 'FILE_PATH', hash: 'HASH' },
  }),

  // Code identity
  define({ name: 'CODE_IDENTITY', family: 'IDENTITY', description: 'A file hash and path combination seen for the first time.', basis: 'seed', fields: CODE_IDENTITY, promote: IDENTITY_PROMOTE }),
  define({ name: 'ONGOING_IDENTITY', family: 'IDENTITY', description: 'Code signature information, sent even when not new (CODE_IDENTITY without the first-seen filter).', basis: 'analogy', fields: CODE_IDENTITY, promote: IDENTITY_PROMOTE }),

  // Users (the login types by analogy with USER_OBSERVED)
  define({ name: 'USER_OBSERVED', family: 'USER', description: 'A user was seen on the host.', basis: 'seed', fields: USER, promote: { userName: 'USER_NAME' } }),
  define({ name: 'USER_LOGIN', family: 'USER', description: 'A user logged in.', basis: 'analogy', fields: USER, promote: { userName: 'USER_NAME' } }),
  define({ name: 'SSH_LOGIN', family: 'USER', description: 'A user logged in over SSH.', basis: 'analogy', fields: USER, promote: { userName: 'USER_NAME' } }),

  // Sensor-side detections
  define({ name: 'YARA_DETECTION', family: 'DETECTION', description: 'A YARA scan found a match.', basis: 'none' }),

  // Replies to commands
  reply('FILE_GET_REP', 'Reply to a file retrieval request.'),
  reply('FILE_DEL_REP', 'Reply to a file deletion request.'),
  reply('FILE_MOV_REP', 'Reply to a file move request.'),
  reply('FILE_HASH_REP', 'Reply to a file hash request.'),
  reply('FILE_INFO_REP', 'Reply to a file information request.'),
  reply('DIR_LIST_REP', 'Reply to a directory list request.'),
  reply('MEM_MAP_REP', 'Reply to a memory map request.'),
  reply('MEM_READ_REP', 'Reply to a memory read request.'),
  reply('MEM_HANDLES_REP', 'Reply to a request listing memory handles.'),
  reply('MEM_FIND_HANDLES_REP', 'Reply to a find handles request.'),
  reply('MEM_STRINGS_REP', 'Reply to a request listing the strings in memory.'),
  reply('MEM_FIND_STRING_REP', 'Reply to a find string in memory request.'),
  reply('OS_SERVICES_REP', 'Reply to a services listing request.', { SVCS: list(obj('ServiceEntry')) }),
  reply('OS_DRIVERS_REP', 'Reply to a drivers listing request.', { SVCS: list(obj('ServiceEntry')) }),
  reply('OS_KILL_PROCESS_REP', 'Reply to a kill process request.'),
  reply('OS_PROCESSES_REP', 'Reply to a process listing request.'),
  reply('OS_AUTORUNS_REP', 'Reply to an autoruns listing request.', { AUTORUNS: list(obj('AutorunEntry')), ...TIMESTAMP }),
  reply('OS_PACKAGES_REP', 'Packages installed on the system (os_packages).', { PACKAGES: list(obj('PackageEntry')) }),
  reply('HISTORY_DUMP_REP', 'Reply to a history dump request; the historic events come alongside, not inside.'),
  reply('GET_DOCUMENT_REP', 'Reply to a doc_cache_get request for a cached document.'),
  reply('REGISTRY_LIST_REP', 'Keys and values under a registry key (reg_list).', {
    ROOT: str('the key listed'),
    REGISTRY_KEY: list(str(), 'names of the sub-keys'),
    REGISTRY_VALUE: list(obj('RegistryValue')),
    ERROR: int64(),
  }),
];
