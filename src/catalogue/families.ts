/**
 * Families group event types the way hunters ask about activity ("its DNS, connections, files,
 * registry, modules, handles"). A closed set: an event type belongs to exactly one, and a type the
 * catalogue does not know is OTHER.
 */
export const FAMILIES = {
  PROCESS: 'Process start, existence, end and environment',
  NETWORK: 'Connections and network summaries',
  DNS: 'Name resolutions',
  FILE: 'File creation, change, deletion, reads and documents',
  PIPE: 'Named pipes',
  REGISTRY: 'Registry keys and values',
  MODULE: 'Modules (DLLs) loaded or found in memory',
  THREAD: 'Threads started or code run in another process',
  HANDLE: 'Handles opened to other processes',
  SERVICE: 'Services, drivers and autoruns (persistence)',
  IDENTITY: 'Hashes and signatures of code',
  USER: 'Users seen or logging in',
  DETECTION: 'Matches reported by the sensor itself (YARA)',
  SENSOR: 'Sensor lifecycle, receipts and notifications',
  REPLY: 'Replies to commands sent to a sensor (*_REP)',
  OTHER: 'Anything else, including event types the catalogue does not describe',
} as const;

export type Family = keyof typeof FAMILIES;

export const families: readonly Family[] = Object.keys(FAMILIES) as Family[];
