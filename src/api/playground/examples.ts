/**
 * The saved queries the playground opens as tabs, in order. The first two run as they are on any
 * loaded graph and give the atoms and hashes the others take as variables. A unit test validates
 * each against the schema (and its variables against the operation), an integration test runs each.
 * Wherever an event may be a MissingEvent (a parent that never arrived), the tab selects
 * `__typename` and `atom`, so a newcomer sees what it is instead of an empty object; the unit test
 * enforces it.
 */
export interface PlaygroundExample {
  /** The operation, named: GraphiQL titles the tab with the operation's name. */
  query: string;
  /** JSON text for the variables editor, or undefined when the operation takes none. */
  variables?: string;
}

const vars = (values: Record<string, unknown>): string => JSON.stringify(values, null, 2);

export const PLAYGROUND_EXAMPLES: readonly PlaygroundExample[] = [
  {
    query: `# Dashboard: events of each type, and the hosts.
# Runs as it is: the run button, or Ctrl-Enter.
# More in the other tabs: ancestry, process trees,
# a hash across hosts, lateral movement, live feed.
query Overview {
  eventCounts(groupBy: EVENT_TYPE, limit: 20) {
    key
    orgId
    count
  }
  sensors(first: 10) {
    totalCount
    nodes { hostname platform intIp lastSeen eventCount }
  }
}
`,
  },
  {
    query: `# The newest processes. Copy an atom or a hash from
# here into the variables of the next tabs.
query RecentProcesses {
  events(first: 10, filter: { eventTypes: ["NEW_PROCESS"] }) {
    totalCount
    nodes {
      __typename
      atom
      hostname
      eventTime
      ... on NewProcess { filePath commandLine hash userName }
    }
  }
}
`,
  },
  {
    query: `# What launched this process, all the way up
# (nearest first). A parent that never arrived
# is a MissingEvent, with what its children said.
query ProcessAncestry($atom: ID!) {
  ancestors(atom: $atom, maxDepth: 32) {
    __typename
    atom
    hostname
    eventTime
    ... on NewProcess { filePath commandLine userName }
    ... on MissingEvent { knownFrom filePath commandLine userName }
  }
}
`,
    variables: vars({ atom: 'an atom from RecentProcesses' }),
  },
  {
    query: `# The process tree below a process, breadth-first:
# draw it from parentAtom and depth.
query ProcessTree($atom: ID!) {
  descendants(atom: $atom, eventTypes: ["NEW_PROCESS", "EXISTING_PROCESS"], maxDepth: 8, first: 100) {
    totalCount
    edges {
      depth
      node {
        __typename
        atom
        parentAtom
        hostname
        ... on NewProcess { filePath commandLine }
      }
    }
  }
}
`,
    variables: vars({ atom: 'an atom from RecentProcesses' }),
  },
  {
    query: `# A hash across hosts: how rare it is, and every
# host that ran it, first and last seen there.
query HashAcrossHosts($hash: String!) {
  prevalence(kind: HASH, value: $hash) {
    hosts
    totalHosts
    ratio
    firstSeen
    lastSeen
  }
  sightings(kind: HASH, value: $hash, first: 20) {
    totalCount
    nodes {
      hostname
      count
      firstSeen
      lastSeen
      events(first: 3) {
        nodes { __typename atom eventTime ... on NewProcess { filePath commandLine } }
      }
    }
  }
}
`,
    variables: vars({ hash: 'a SHA-256 from RecentProcesses' }),
  },
  {
    query: `# Lateral movement: connections from one monitored
# host to another, the destination's own report of each
# (matched by the flow, not the clock), the process that
# accepted it there, and what started there: its
# descendants first. Narrow it: filter: { sourceHostnames:
# [...], destinationPorts: [445], from: "..." }
query LateralMovement {
  lateralMovement(first: 20) {
    sourceHost { hostname }
    destinationHost { hostname }
    clockOffsetMs
    connection {
      __typename
      atom
      eventTime
      ... on NewTcp4Connection { destination { ipAddress port } }
    }
    sourceProcess { __typename atom ... on NewProcess { filePath commandLine } }
    destinationConnection { __typename atom eventTime }
    acceptingProcess { __typename atom ... on NewProcess { filePath } }
    startedThere(first: 10) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        reason
        offsetMs
        node { __typename atom eventTime ... on NewProcess { filePath commandLine } }
      }
    }
  }
}
`,
  },
  {
    query: `# The live feed: new processes as they are stored
# (POST /ingest or ingestEvents on this server).
# Runs until you press stop.
subscription LiveProcesses {
  eventAdded(filter: { eventTypes: ["NEW_PROCESS"] }) {
    droppedBefore
    event {
      __typename
      atom
      hostname
      eventTime
      ... on NewProcess { filePath commandLine }
    }
  }
}
`,
  },
];
