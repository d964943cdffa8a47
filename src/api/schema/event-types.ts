/**
 * The event part of the GraphQL schema, generated from the catalogue so that fifty-odd event types
 * are described once (src/catalogue) and never again by hand. `npm run schema:generate` writes it
 * into schema.graphql between the GENERATED markers; CI fails when the file is stale.
 */
import { allEventTypes, allObjectTypes, FAMILIES, fieldsOf, type Family, type FieldType } from '../../catalogue';
import { pascalCase } from '../../catalogue/names';
import { UnreachableCaseError } from '../../errors/codes';
import { TREE_DEFAULTS } from '../events/tree-arguments';
import { FLOW_EVENT_TYPES, FLOW_TOLERANCE_DEFAULT_SECONDS, FLOW_TOLERANCE_MAX_SECONDS } from '../../graph/reader/flow';

export const BEGIN_MARKER = '# BEGIN GENERATED event types (npm run schema:generate; do not edit)';
export const END_MARKER = '# END GENERATED event types';

/** Fields every event has, in the Event interface and in every type implementing it. */
export const EVENT_INTERFACE_FIELDS = `  "The event's atom (routing.this); for events without one, \`event:<event_id>\`."
  atom: ID!
  "routing.event_type, e.g. NEW_PROCESS."
  eventType: String!
  "routing.event_time."
  eventTime: DateTime
  "routing.event_id."
  eventId: String
  "The organisation (routing.oid)."
  orgId: String!
  "The sensor (routing.sid)."
  sensorId: String
  hostname: String
  platform: Platform
  architecture: Architecture
  tags: [String!]!
  intIp: String
  extIp: String
  "routing.parent: for a process its parent process, for activity the process that did it."
  parentAtom: ID
  "routing.target: e.g. the process a remote thread went into."
  targetAtom: ID
  "The body's TIMESTAMP in milliseconds (seconds in older events are converted)."
  bodyTime: DateTime
  "The whole original event, lossless (integers beyond 2^53 as exact strings)."
  raw: JSON
  "The event routing.parent names; a MissingEvent when it never arrived. A MissingEvent's parent is the one a snapshot of it names (PARENT_ATOM), if any."
  parent: Event
  "The chain to the root, nearest first (this event first with includeSelf); ends at the root, or at a MissingEvent whose parent no snapshot names."
  ancestors(maxDepth: Int = ${TREE_DEFAULTS.ancestors.maxDepth}, includeSelf: Boolean = false): [Event!]!
  "Events whose parent this is (a process's child processes and activity), oldest first."
  children(eventTypes: [String!], first: Int = ${TREE_DEFAULTS.children.first}, after: String): EventConnection!
  "How many children of each type, most first: a summary before paging through children."
  childTypeCounts: [TypeCount!]!
  "The event routing.target names (e.g. the process a remote thread went into)."
  target: Event
  "Events whose target this is (remote threads, handles opened to this process), oldest first."
  targetedBy(first: Int = ${TREE_DEFAULTS.targetedBy.first}, after: String): EventConnection!
  "The host that sent it."
  sensor: Sensor
  "The tree below this event, breadth-first; each edge carries its depth."
  descendants(maxDepth: Int = ${TREE_DEFAULTS.descendants.maxDepth}, eventTypes: [String!], first: Int = ${TREE_DEFAULTS.descendants.first}, after: String): EventConnection!
  "Detections this event triggered, newest first (first at most 100)."
  detections(first: Int = 10): [Detection!]!`;

/**
 * An event named but never sent: what the events naming it say of it (docs/graph-model.md,
 * Placeholders). Its host is in hostname/sensorId/sensor, its parent (from a snapshot) in parentAtom/parent.
 */
const MISSING_EVENT_SDL = `"How what is known of a MissingEvent is known."
enum KnownFrom {
  "An event naming it carried a snapshot of it (NEW_PROCESS's PARENT, a handle's or remote thread's SOURCE/TARGET, NETWORK_SUMMARY's PROCESS)."
  SNAPSHOT
  "Only its host, from the routing of an event naming it (a parent or target is on the same host)."
  ROUTING
}

"""
An event that other events name (as parent or target) but that never arrived. What they say of it
is shown, from one of them (knownFromEvent): the same one whatever the order events arrive in. When
the event itself arrives it replaces all of this.
"""
type MissingEvent implements Event {
${EVENT_INTERFACE_FIELDS}
  "How what is shown is known; null when nothing is (only its atom)."
  knownFrom: KnownFrom
  "The event whose report is shown: of those naming it, one with a snapshot before one without, then the smallest key."
  knownFromEvent: Event
  "From the snapshot: the executable."
  filePath: String
  "From the snapshot."
  commandLine: String
  "From the snapshot."
  processId: Int
  "From the snapshot."
  userName: String
  "From the snapshot: SHA-256 of the executable."
  hash: String
}
`;

/** Fields of the connection types only (src/graph/reader/flow.ts): the other host's report of the same flow. */
export const FLOW_FIELDS = `  """
  The other host's report of the same flow (same addresses and ports, in either direction, from
  another sensor of the org, within toleranceSeconds; at most ${FLOW_TOLERANCE_MAX_SECONDS}), nearest in
  time; null when no other monitored host reported it.
  """
  peer(toleranceSeconds: Int = ${FLOW_TOLERANCE_DEFAULT_SECONDS}): Event`;
const FLOW_TYPES: ReadonlySet<string> = new Set(FLOW_EVENT_TYPES);

const INTERFACE_FIELD_NAMES = new Set([...EVENT_INTERFACE_FIELDS.matchAll(/^\s+(\w+)[(:]/gm)].map((m) => m[1]));

/** Body fields whose names would clash with the Event interface's get these names instead. */
const RENAMED: Record<string, string> = { PARENT: 'parentProcess', PARENT_ATOM: 'parentProcessAtom' };

/** The GraphQL name of a body field of an event type: camelCase, unless it clashes with Event's own fields. */
export function eventFieldName(key: string, camel: string): string {
  if (!INTERFACE_FIELD_NAMES.has(camel)) return camel;
  return RENAMED[key] ?? `body${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}

function scalarType(type: FieldType): string {
  switch (type.kind) {
    case 'object':
      return type.object;
    case 'list':
      return `[${scalarType(type.of)}]`;
    case 'scalar':
      switch (type.scalar) {
        case 'string':
          return 'String';
        case 'int32':
          return 'Int';
        case 'int64':
        case 'timestamp':
          return 'Long';
        case 'float':
          return 'Float';
        case 'bool01':
          return 'Boolean';
        case 'atom':
          return 'ID';
        case 'json':
          return 'JSON';
        default:
          throw new UnreachableCaseError(type.scalar);
      }
    default:
      throw new UnreachableCaseError(type);
  }
}

const describe = (text: string | undefined) => (text ? `  ${JSON.stringify(text.replace(/\s+/g, ' ').trim())}\n` : '');

/** A union per family, named after it: `union ProcessEvent = NewProcess | ExistingProcess | ...`. */
export function familyUnionName(family: Family): string {
  return `${pascalCase(family)}Event`;
}

export function eventTypesSdl(): string {
  const out: string[] = [
    `"A LimaCharlie event: one node of the graph, keyed by its atom."\ninterface Event {\n${EVENT_INTERFACE_FIELDS}\n}\n`,
    `"An event of a type the catalogue does not describe: its body is in raw."\ntype GenericEvent implements Event {\n${EVENT_INTERFACE_FIELDS}\n}\n`,
    MISSING_EVENT_SDL,
  ];
  for (const object of allObjectTypes()) {
    out.push(`${JSON.stringify(object.description)}\ntype ${object.name} {`);
    for (const f of fieldsOf(object.fields)) out.push(`${describe(f.description)}  ${f.graphqlName}: ${scalarType(f.type)}`);
    out.push('}\n');
  }
  const byFamily = new Map<Family, string[]>();
  for (const spec of allEventTypes()) {
    byFamily.set(spec.family, [...(byFamily.get(spec.family) ?? []), spec.graphqlName]);
    out.push(`${JSON.stringify(`${spec.name}: ${spec.description}`)}\ntype ${spec.graphqlName} implements Event {`);
    out.push(EVENT_INTERFACE_FIELDS);
    if (FLOW_TYPES.has(spec.name)) out.push(FLOW_FIELDS);
    for (const f of fieldsOf(spec.fields)) out.push(`${describe(f.description)}  ${eventFieldName(f.key, f.graphqlName)}: ${scalarType(f.type)}`);
    out.push('}\n');
  }
  for (const family of Object.keys(FAMILIES) as Family[]) {
    const members = family === 'OTHER' ? [...(byFamily.get(family) ?? []), 'GenericEvent'] : byFamily.get(family);
    if (!members || members.length === 0) continue;
    out.push(`${JSON.stringify(FAMILIES[family])}\nunion ${familyUnionName(family)} = ${members.join(' | ')}\n`);
  }
  const all = [...allEventTypes().map((s) => s.graphqlName), 'GenericEvent', 'MissingEvent'];
  out.push(`"Any event."\nunion AnyEvent = ${all.join(' | ')}`);
  return out.join('\n');
}

/** schema.graphql with its generated section replaced by the catalogue's current SDL. */
export function withGeneratedSection(schema: string): string {
  const start = schema.indexOf(BEGIN_MARKER);
  const end = schema.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`schema.graphql must contain the lines "${BEGIN_MARKER}" and "${END_MARKER}"`);
  return `${schema.slice(0, start)}${BEGIN_MARKER}\n${eventTypesSdl()}\n${schema.slice(end)}`;
}
