/**
 * Named object types nested in event bodies and shared between event types. The name is the
 * GraphQL type name too, so it must not collide with an event type's PascalCase name.
 */
import { type FieldMap, atom, bool01, int32, int64, list, obj, str, timestamp } from './fields';

export interface ObjectTypeSpec {
  readonly name: string;
  readonly description: string;
  readonly fields: FieldMap;
}

/**
 * A process as LimaCharlie describes it: the body of NEW_PROCESS/EXISTING_PROCESS and the
 * PARENT/SOURCE/TARGET/PROCESS snapshots inside other events. One list, so a body and its
 * snapshots can never drift apart.
 */
export const PROCESS_FIELDS = {
  PROCESS_ID: int32(),
  PARENT_PROCESS_ID: int32(),
  FILE_PATH: str(),
  COMMAND_LINE: str(),
  HASH: str('SHA-256 of the executable'),
  FILE_IS_SIGNED: bool01(),
  USER_NAME: str(),
  MEMORY_USAGE: int64('bytes'),
  THREADS: int32(),
  BASE_ADDRESS: int64(),
  CREATION_TIME: timestamp(),
  TIMESTAMP: timestamp(),
  THIS_ATOM: atom('the atom of this process'),
  PARENT_ATOM: atom('the atom of its parent process'),
  PARENT: obj('ProcessSnapshot', 'the parent process'),
  NETWORK_ACTIVITY: list(obj('NetworkActivity'), 'first connections (NETWORK_SUMMARY, NETWORK_CONNECTIONS)'),
} satisfies FieldMap;

/** A service or driver: OS_SERVICES_REP/OS_DRIVERS_REP entries and SERVICE_CHANGE/DRIVER_CHANGE bodies. */
export const SERVICE_FIELDS = {
  SVC_NAME: str(),
  SVC_DISPLAY_NAME: str(),
  SVC_TYPE: int32(),
  SVC_STATE: int32(),
  EXECUTABLE: str('image path with its arguments'),
  DLL: str('service DLL'),
  HASH: str(),
  FILE_IS_SIGNED: bool01(),
  PROCESS_ID: int32('0 when the service is not running'),
} satisfies FieldMap;

/** A code signature: CODE_IDENTITY's SIGNATURE. */
export const SIGNATURE_FIELDS = {
  FILE_PATH: str(),
  CERT_ISSUER: str(),
  CERT_SUBJECT: str(),
  CERT_CHAIN_STATUS: int64('certificate chain status bit mask'),
  FILE_IS_SIGNED: bool01(),
  FILE_CERT_IS_VERIFIED_LOCAL: bool01(),
} satisfies FieldMap;

const OBJECT_TYPES: readonly ObjectTypeSpec[] = [
  { name: 'ProcessSnapshot', description: 'A process at one moment', fields: PROCESS_FIELDS },
  { name: 'NetworkEndpoint', description: 'One end of a connection', fields: { IP_ADDRESS: str(), PORT: int32() } },
  {
    name: 'NetworkActivity',
    description: 'One connection made by a process',
    fields: {
      SOURCE: obj('NetworkEndpoint'),
      DESTINATION: obj('NetworkEndpoint'),
      PROTOCOL: str('tcp4, udp6...'),
      IS_OUTGOING: bool01(),
      STATE: int32(),
      PROCESS_ID: int32(),
      TIMESTAMP: timestamp(),
    },
  },
  { name: 'CodeSignature', description: 'Signature of an executable file', fields: SIGNATURE_FIELDS },
  {
    name: 'StackTrace',
    description: 'Stack of one thread (EXEC_OOB)',
    fields: { THREAD_ID: int32(), STACK_TRACE_FRAMES: list(obj('StackFrame')) },
  },
  {
    name: 'StackFrame',
    description: 'One frame: program counter, stack and frame pointers (64-bit, beyond 2^53 in the seed)',
    fields: { STACK_TRACE_FRAME_PC: int64(), STACK_TRACE_FRAME_SP: int64(), STACK_TRACE_FRAME_FP: int64() },
  },
  { name: 'ServiceEntry', description: 'A service or driver', fields: SERVICE_FIELDS },
  {
    name: 'AutorunEntry',
    description: 'A program started automatically, and where that is configured',
    fields: { REGISTRY_KEY: str(), FILE_PATH: str('path, possibly quoted and with arguments'), HASH: str() },
  },
  { name: 'PackageEntry', description: 'An installed package', fields: { PACKAGE_NAME: str(), PACKAGE_VERSION: str() } },
  {
    name: 'RegistryValue',
    description: 'A value under a registry key (REGISTRY_LIST_REP)',
    fields: { NAME: str(), TYPE: int32('REG_* type code'), VALUE: str() },
  },
  {
    name: 'HcpIdent',
    description: 'Sensor identity as the sensor reports it (ids without dashes)',
    fields: {
      HCP_ORG_ID: str(),
      HCP_SENSOR_ID: str(),
      HCP_INSTALLER_ID: str(),
      HCP_ARCHITECTURE: int32(),
      HCP_PLATFORM: int64('platform code, e.g. 0x10000000 windows'),
    },
  },
];

const BY_NAME = new Map(OBJECT_TYPES.map((o) => [o.name, o]));

export function objectTypeSpec(name: string): ObjectTypeSpec | undefined {
  return BY_NAME.get(name);
}

export function allObjectTypes(): readonly ObjectTypeSpec[] {
  return OBJECT_TYPES;
}
