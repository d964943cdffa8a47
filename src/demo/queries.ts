/**
 * The three queries the demo prints: each finds a part of a planted attack, with the atoms, hashes
 * and sensors taken from the generator's ground truth so they hit on the first try. The time range
 * is the story's on the true clock with a minute either side: each host's clock is off by seconds.
 */
import type { StoryTruth } from '../generate';
import type { DetectionTruth } from '../generate/stories/detections';

export interface ExampleQuery {
  title: string;
  query: string;
}

/** `top`: the attack's highest-priority detection; a SOC's day starts from it, so the queries do too. */
export function demoQueries(story: StoryTruth, top: DetectionTruth | null = null): ExampleQuery[] {
  const org = story.org.oid;
  const queries: ExampleQuery[] = [];
  if (top) {
    queries.push({
      title: `The attack's top detection (${top.cat}, priority ${top.priority}) on ${top.hostname}: its event's ancestry, its tree two levels down, and who else ran the hash`,
      query: `{ detection(id: "${top.id}", orgId: "${org}") { name priority level techniques detectTime hostname
    event { __typename atom ... on NewProcess { filePath commandLine }
      ancestors { atom ... on NewProcess { filePath commandLine } }
      descendants(maxDepth: 2) { nodes { __typename atom ... on NewProcess { filePath commandLine } } } }
    hashSightings { nodes { hostname firstSeen count } } }
  detections(filter: { orgIds: ["${org}"], minPriority: 7 }) { totalCount nodes { name priority hostname detectTime eventAtom } } }`,
    });
  }
  queries.push(
    {
      title: `What launched the dropper on ${story.victim.hostname}, all the way up?`,
      query: `{ ancestors(atom: "${story.processes.payload.atom}", orgId: "${org}") {
    __typename atom hostname eventTime ... on NewProcess { filePath commandLine userName } } }`,
    },
    {
      title: `Which hosts ran the dropper's hash, and how rare is it?`,
      query: `{ prevalence(kind: HASH, value: "${story.dropper.sha256}", orgId: "${org}") { hosts totalHosts }
  sightings(kind: HASH, value: "${story.dropper.sha256}", orgId: "${org}") {
    nodes { hostname firstSeen lastSeen count } } }`,
    },
  );
  if (story.lateral) {
    queries.push({
      title: `Did ${story.lateral.source.hostname} connect to another monitored host, what accepted it there, and what started there?`,
      query: `{ lateralMovement(filter: { orgIds: ["${org}"], sensorIds: ["${story.lateral.source.sid}"], destinationPorts: [${story.lateral.connections.map((c) => c.port).join(', ')}],
    from: "${iso(story.startTime - 60_000)}", to: "${iso(story.endTime + 60_000)}" }) {
    sourceHost { hostname } destinationHost { hostname } clockOffsetMs
    connection { eventTime ... on NewTcp4Connection { destination { ipAddress port } } }
    sourceProcess { ... on NewProcess { filePath } }
    acceptingProcess { __typename atom ... on NewProcess { filePath } }
    startedThere(first: 5) { totalCount edges { reason offsetMs node { ... on NewProcess { filePath commandLine } } } } } }`,
    });
  } else {
    queries.push({
      title: `Which hosts resolved the beacon domain?`,
      query: `{ sightings(kind: DOMAIN, value: "${story.beacon.domain}", orgId: "${org}") { nodes { hostname count firstSeen } } }`,
    });
  }
  return queries;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The queries as a shell-pasteable block: each as GraphQL and as a curl command. */
export function formatDemoQueries(url: string, queries: readonly ExampleQuery[]): string {
  return queries
    .map((q, i) => {
      const body = JSON.stringify({ query: q.query.replace(/\s+/g, ' ') });
      return `# ${i + 1}. ${q.title}\n${q.query}\n\ncurl -s ${url} -H 'content-type: application/json' -d '${body.replace(/'/g, "'\\''")}'\n`;
    })
    .join('\n');
}

/**
 * The explorer opened on the attack: the process that moved laterally (or the dropper), with the
 * chain above it, the dropper and its cross-links below, the other host's process in its lane,
 * and the dropper's panel open. `base` is the server's origin, e.g. http://127.0.0.1:4000.
 */
export function explorerLink(base: string, story: StoryTruth): string {
  const atom = story.lateral?.connections[0]?.processAtom ?? story.processes.payload.atom;
  const params = new URLSearchParams({ view: 'process', org: story.org.oid, atom, panel: story.processes.payload.atom });
  return `${base.replace(/\/+$/, '')}/explorer?${params.toString()}`;
}
