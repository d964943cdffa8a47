/**
 * EventFilter -> Cypher WHERE text and parameters. Pure, so its output is unit-tested as text.
 * Only these fixed fragments ever enter the query; every value is a $parameter. Case-insensitive
 * matching compares lower-cased values, as analysts expect for paths, domains and users.
 */
export type MatchOp = 'equals' | 'startsWith' | 'endsWith' | 'contains';

export interface StringMatch {
  equals?: string | null;
  startsWith?: string | null;
  endsWith?: string | null;
  contains?: string | null;
  caseSensitive?: boolean | null;
}

export interface EventFilter {
  orgIds?: readonly string[] | null;
  sensorIds?: readonly string[] | null;
  hostnames?: readonly string[] | null;
  eventTypes?: readonly string[] | null;
  /** Epoch ms, inclusive. */
  from?: bigint | null;
  /** Epoch ms, exclusive. */
  to?: bigint | null;
  filePath?: StringMatch | null;
  commandLine?: StringMatch | null;
  domain?: StringMatch | null;
  hash?: StringMatch | null;
  ip?: StringMatch | null;
  user?: StringMatch | null;
  parentFilePath?: StringMatch | null;
  parentCommandLine?: StringMatch | null;
  /** The target's path: the event's TARGET snapshot, or the path of the process its TARGET edge points at. */
  targetFilePath?: StringMatch | null;
}

export interface Compiled {
  where: string;
  params: Record<string, unknown>;
}

const OPS: Record<MatchOp, string> = { equals: '=', startsWith: 'STARTS WITH', endsWith: 'ENDS WITH', contains: 'CONTAINS' };

/** Which event properties a string filter reads (lists are matched element-wise). */
const STRING_FIELDS = {
  filePath: ['filePath'],
  commandLine: ['commandLine'],
  domain: ['domain'],
  hash: ['hash', 'hashMd5', 'hashSha1'],
  ip: ['srcIp', 'dstIp'],
  user: ['userName'],
  parentFilePath: ['parentFilePath'],
  parentCommandLine: ['parentCommandLine'],
} as const;

export function compileEventFilter(filter: EventFilter | null | undefined, alias = 'e', orgs: readonly string[] | null = null): Compiled {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  let n = 0;
  const param = (value: unknown) => {
    const name = `f${n++}`;
    params[name] = value;
    return `$${name}`;
  };
  if (orgs) clauses.push(`${alias}.oid IN ${param(orgs)}`);
  clauses.push(`${alias}.placeholder = false`);
  const f = filter ?? {};
  if (f.orgIds?.length) clauses.push(`${alias}.oid IN ${param(f.orgIds)}`);
  if (f.sensorIds?.length) clauses.push(`${alias}.sid IN ${param(f.sensorIds)}`);
  if (f.hostnames?.length) clauses.push(`toLower(${alias}.hostname) IN ${param(f.hostnames.map((h) => h.toLowerCase()))}`);
  if (f.eventTypes?.length) clauses.push(`${alias}.type IN ${param(f.eventTypes)}`);
  if (f.from !== undefined && f.from !== null) clauses.push(`${alias}.time >= ${param(f.from)}`);
  if (f.to !== undefined && f.to !== null) clauses.push(`${alias}.time < ${param(f.to)}`);

  const matchOn = (expr: string, m: StringMatch): string[] => {
    const out: string[] = [];
    for (const op of Object.keys(OPS) as MatchOp[]) {
      const value = m[op];
      if (value === undefined || value === null) continue;
      const sensitive = m.caseSensitive === true;
      out.push(`${sensitive ? expr : `toLower(${expr})`} ${OPS[op]} ${param(sensitive ? value : value.toLowerCase())}`);
    }
    return out;
  };
  for (const [name, props] of Object.entries(STRING_FIELDS) as [keyof typeof STRING_FIELDS, readonly string[]][]) {
    const m = f[name];
    if (!m) continue;
    // Any of the properties may match; each op given must hold on that property.
    const alternatives = props.map((p) => matchOn(`${alias}.${p}`, m).join(' AND ')).filter((c) => c.length > 0);
    if (name === 'ip') {
      const listMatch = matchOn('x', m).join(' AND ');
      if (listMatch) alternatives.push(`any(x IN coalesce(${alias}.ip, []) WHERE ${listMatch})`);
    }
    if (alternatives.length > 0) clauses.push(`(${alternatives.join(' OR ')})`);
  }
  if (f.targetFilePath) {
    const own = matchOn(`${alias}.targetFilePath`, f.targetFilePath).join(' AND ');
    const viaEdge = matchOn('t.filePath', f.targetFilePath).join(' AND ');
    if (own) clauses.push(`(${own} OR EXISTS { MATCH (${alias})-[:TARGET]->(t:Event) WHERE ${viaEdge} })`);
  }
  return { where: clauses.join('\n  AND '), params };
}
