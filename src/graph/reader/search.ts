/**
 * Searching and counting events by filter (hunts 10-14), and listing sensors. The WHERE text comes
 * from compileEventFilter (fixed fragments, values as parameters); grouping keys and sort orders
 * come from the allowlists below.
 */
import type { Node } from 'neo4j-driver';
import type { GraphExecutor, NamedQuery } from '../executor';
import { decodeCursor, encodeCursor } from './cursor';
import { AppError, ErrorCode } from '../../errors/codes';
import { closest } from '../../domain/suggest';
import { compileEventFilter, hostnameMatch, unmatchedHostnames, type Compiled, type EventFilter } from './event-filter';
import { type OrgScope, toEventNode } from './events';
import { EVENT_ROLLUPS_MARKER, rollupsReady, type RollupMarker } from '../writer/rollup-state';
import { HOST_LEVEL, ORG_LEVEL } from '../writer/summed-rollups';
import type { Page } from './trees';
import { toBigInt as big, toStr as str } from './values';
import { orgScope } from './scope';

export type EventOrder = 'TIME_DESC' | 'TIME_ASC';
export type CountGroup = 'EVENT_TYPE' | 'HOSTNAME' | 'SENSOR' | 'MINUTE' | 'HOUR' | 'DAY';

const TIME_GROUPS: ReadonlySet<CountGroup> = new Set(['MINUTE', 'HOUR', 'DAY']);

const GROUP_KEYS: Record<CountGroup, string> = {
  EVENT_TYPE: 'e.type',
  HOSTNAME: 'e.hostname',
  SENSOR: 'e.sid',
  MINUTE: '(e.time / 60000) * 60000',
  HOUR: '(e.time / 3600000) * 3600000',
  DAY: '(e.time / 86400000) * 86400000',
};
/** Groupings by host keep the sensor in the key: two orgs' hosts with one name are two hosts. */
const HOST_GROUPS: ReadonlySet<CountGroup> = new Set(['HOSTNAME', 'SENSOR']);

const ORDER: Record<EventOrder, { by: string; after: string }> = {
  TIME_DESC: { by: 'e.time DESC, e.uid DESC', after: '(e.time < $after.t OR (e.time = $after.t AND e.uid < $after.uid))' },
  TIME_ASC: { by: 'e.time ASC, e.uid ASC', after: '(e.time > $after.t OR (e.time = $after.t AND e.uid > $after.uid))' },
};

type FilterText = Pick<Compiled, 'where' | 'prelude' | 'scope' | 'hint' | 'hostNames'>;

export function searchQuery(filter: FilterText, order: EventOrder): NamedQuery {
  const { where, prelude, scope, hint, hostNames } = filter;
  return {
    name: `events search (${order})`,
    cypher: `${prelude}
CALL (${scope}) { MATCH (e:Event) ${hint} WHERE ${where} RETURN count(e) AS total }
CALL (${scope}) {
  MATCH (e:Event) ${hint} WHERE ${where} AND ($after IS NULL OR ${ORDER[order].after})
  WITH e ORDER BY ${ORDER[order].by} LIMIT $limit
  RETURN collect(e) AS page
}
RETURN total, page, ${hostNames} AS hostNames`,
  };
}

/**
 * Counts by one key or two (`then`), every bucket with its org, and with its sensor when a key is
 * a host. Time buckets come in time order, others most first. One row always (the buckets as a
 * list), so the hostnames the filter found come back even when nothing was counted.
 */
export function countQuery(filter: FilterText, group: CountGroup, then: CountGroup | null = null): NamedQuery {
  const { where, prelude, scope, hint, hostNames } = filter;
  const byHost = HOST_GROUPS.has(group) || (then !== null && HOST_GROUPS.has(then));
  const order = TIME_GROUPS.has(group)
    ? `key ASC, ${then && TIME_GROUPS.has(then) ? 'thenKey ASC, ' : ''}n DESC, thenKey ASC, org ASC, sid ASC`
    : `n DESC, key ASC, thenKey ASC, org ASC, sid ASC`;
  return {
    name: `event counts (${group}${then ? ` x ${then}` : ''})`,
    cypher: `${prelude}
CALL (${scope}) {
  MATCH (e:Event) ${hint} WHERE ${where}
  WITH e.oid AS org, ${GROUP_KEYS[group]} AS key, ${then ? GROUP_KEYS[then] : 'null'} AS thenKey, ${byHost ? 'e.sid' : 'null'} AS sid, count(*) AS n
  WHERE key IS NOT NULL${then ? ' AND thenKey IS NOT NULL' : ''}
  WITH org, key, thenKey, sid, n ORDER BY ${order} LIMIT $limit
  RETURN collect({org: org, key: key, thenKey: thenKey, sid: sid, n: n}) AS buckets
}
RETURN buckets, ${hostNames} AS hostNames`,
  };
}

/** Keys the rollups hold (docs/graph-model.md, Rollups); MINUTE is finer than a rollup. */
const ROLLUP_KEYS: Partial<Record<CountGroup, string>> = {
  EVENT_TYPE: 'r.type',
  HOSTNAME: 'r.hostname',
  SENSOR: 'r.sid',
  HOUR: 'r.hour',
  DAY: '(r.hour / 86400000) * 86400000',
};
const HOUR = 3_600_000n;

/**
 * Whether the rollups answer this count exactly: grouped by keys they hold, filtered only by org,
 * sensor, event type and a time range on whole hours. Anything else (hostnames, which match an
 * event's own name case-insensitively and by short name; string filters; minutes; a range not on
 * hour boundaries) reads the events, as before.
 */
export function rollupsAnswer(group: CountGroup, then: CountGroup | null, filter: EventFilter | null): boolean {
  if (!(group in ROLLUP_KEYS) || (then !== null && !(then in ROLLUP_KEYS))) return false;
  const f = filter ?? {};
  const allowed = new Set(['orgIds', 'sensorIds', 'eventTypes', 'from', 'to']);
  for (const [k, v] of Object.entries(f)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    if (!allowed.has(k)) return false;
  }
  const aligned = (t: bigint | null | undefined) => t === null || t === undefined || t % HOUR === 0n;
  return aligned(f.from) && aligned(f.to);
}

/** Which rollups answer a count (summed-rollups.ts): the coarsest that holds every key the question names. */
export type RollupLevel = 'sensor' | 'host' | 'org';

/**
 * org: nothing in the question names a host (group, thenBy, sensorIds). host: no event type in it
 * (group, thenBy, eventTypes). sensor: both. Callers have checked rollupsAnswer first.
 */
export function rollupLevel(group: CountGroup, then: CountGroup | null, filter: EventFilter | null): RollupLevel {
  const names = (keys: ReadonlySet<CountGroup>) => keys.has(group) || (then !== null && keys.has(then));
  const needsHost = names(HOST_GROUPS) || (filter?.sensorIds?.length ?? 0) > 0;
  const needsType = names(TYPE_GROUPS) || (filter?.eventTypes?.length ?? 0) > 0;
  return !needsHost ? 'org' : needsType ? 'sensor' : 'host';
}

const TYPE_GROUPS: ReadonlySet<CountGroup> = new Set(['EVENT_TYPE']);
/** Each level's label and the marker that says readers may sum it. */
const LEVELS: Record<RollupLevel, { label: string; marker: RollupMarker }> = {
  sensor: { label: 'EventRollup', marker: EVENT_ROLLUPS_MARKER },
  host: HOST_LEVEL,
  org: ORG_LEVEL,
};

/** eventCounts summed from the rollups: the same buckets, in the same order, as countQuery. */
export function rollupCountQuery(group: CountGroup, then: CountGroup | null, level: RollupLevel): NamedQuery {
  const byHost = HOST_GROUPS.has(group) || (then !== null && HOST_GROUPS.has(then));
  const byType = TYPE_GROUPS.has(group) || (then !== null && TYPE_GROUPS.has(then));
  if ((byHost && level === 'org') || (byType && level === 'host')) throw new Error(`${level} rollups do not hold ${group}${then ? ` x ${then}` : ''}`);
  const order = TIME_GROUPS.has(group)
    ? `key ASC, ${then && TIME_GROUPS.has(then) ? 'thenKey ASC, ' : ''}n DESC, thenKey ASC, org ASC, sid ASC`
    : `n DESC, key ASC, thenKey ASC, org ASC, sid ASC`;
  return {
    name: `event counts from ${level} rollups (${group}${then ? ` x ${then}` : ''})`,
    cypher: `
CALL () {
  MATCH (r:${LEVELS[level].label})
  WHERE ${orgScope('r')} AND ($orgIds IS NULL OR r.oid IN $orgIds)${level !== 'org' ? ' AND ($sids IS NULL OR r.sid IN $sids)' : ''}
    ${level !== 'host' ? 'AND ($types IS NULL OR r.type IN $types) ' : ''}AND ($from IS NULL OR r.hour >= $from) AND ($to IS NULL OR r.hour < $to)
  WITH r.oid AS org, ${ROLLUP_KEYS[group]!} AS key, ${then ? ROLLUP_KEYS[then]! : 'null'} AS thenKey, ${byHost ? 'r.sid' : 'null'} AS sid, sum(r.count) AS n
  WHERE key IS NOT NULL${then ? ' AND thenKey IS NOT NULL' : ''} AND n > 0
  WITH org, key, thenKey, sid, n ORDER BY ${order} LIMIT $limit
  RETURN collect({org: org, key: key, thenKey: thenKey, sid: sid, n: n}) AS buckets
}
RETURN buckets, null AS hostNames`,
  };
}

export interface CountBucket {
  key: string;
  thenKey: string | null;
  orgId: string;
  sensorId: string | null;
  count: number;
}

/** The hostnames of the sensors in scope, for suggesting a name when one matched nothing. */
export const HOSTNAMES_IN_SCOPE: NamedQuery = {
  name: 'hostnames in scope',
  cypher: `
MATCH (s:Sensor)
WHERE ${orgScope('s')} AND s.hostname IS NOT NULL
RETURN DISTINCT s.hostname AS hostname LIMIT $limit`,
};

/** Which of these event types (unknown to the catalogue) the graph holds in the caller's orgs: one index seek each. */
export const STORED_TYPES: NamedQuery = {
  name: 'stored event types',
  cypher: `
UNWIND $types AS t
RETURN t AS type, EXISTS { MATCH (e:Event) WHERE e.type = t AND ${orgScope('e')} } AS stored`,
};

/**
 * Sensors filtered by hostname: every match is read, since the names that matched nothing are an
 * error the caller reports (UNKNOWN_HOST). A small set: one org's hosts of those names.
 */
export const SENSORS_BY_HOSTNAME: NamedQuery = {
  name: 'sensors by hostname',
  cypher: `
MATCH (s:Sensor)
WHERE ${orgScope('s')}
  AND ($orgIds IS NULL OR s.oid IN $orgIds)
  AND ${hostnameMatch('s.hostname', '$hostnames')}
WITH s ORDER BY s.uid
WITH collect(s) AS rows
RETURN size(rows) AS total, [x IN rows WHERE $after IS NULL OR x.uid > $after][0..$limit] AS page,
       [x IN rows | toLower(x.hostname)] AS hostNames`,
};

/**
 * A page of sensors in key order, read from the uid index in order from the cursor: its cost does
 * not grow with the fleet. The total is a separate question, asked only when the client selects it.
 */
export const SENSORS_PAGE: NamedQuery = {
  name: 'sensors page',
  cypher: `
MATCH (s:Sensor)
WHERE s.uid > coalesce($after, '') AND ${orgScope('s')} AND ($orgIds IS NULL OR s.oid IN $orgIds)
WITH s ORDER BY s.uid LIMIT $limit
RETURN collect(s) AS page`,
};

export const SENSORS_TOTAL: NamedQuery = {
  name: 'sensors total',
  cypher: `
MATCH (s:Sensor)
WHERE ${orgScope('s')} AND ($orgIds IS NULL OR s.oid IN $orgIds)
RETURN count(s) AS total`,
};

export const SENSORS_BY_UID: NamedQuery = {
  name: 'sensors by uid',
  cypher: `
UNWIND $uids AS uid
MATCH (s:Sensor {uid: uid})
WHERE ${orgScope('s')}
RETURN s`,
};

export interface SensorNode {
  uid: string;
  oid: string;
  sid: string;
  hostname: string | null;
  intIp: string | null;
  extIp: string | null;
  plat: bigint | null;
  arch: bigint | null;
  tags: string[];
  firstSeen: bigint | null;
  lastSeen: bigint | null;
  eventCount: number;
}


export function toSensorNode(node: Node): SensorNode {
  const p = node.properties as Record<string, unknown>;
  return {
    uid: String(p['uid']),
    oid: String(p['oid']),
    sid: String(p['sid']),
    hostname: str(p['hostname']),
    intIp: str(p['intIp']),
    extIp: str(p['extIp']),
    plat: big(p['plat']),
    arch: big(p['arch']),
    tags: Array.isArray(p['tags']) ? (p['tags'] as unknown[]).filter((t): t is string => typeof t === 'string') : [],
    firstSeen: big(p['firstSeen']),
    lastSeen: big(p['lastSeen']),
    eventCount: Number(p['eventCount'] ?? 0),
  };
}

/** How many hostnames suggestions are chosen from (a fleet's worth). */
const MAX_HOSTNAMES_SUGGESTED_FROM = 20_000;
const STORED_TYPE_TTL_MS = 60_000;

export class SearchReader {
  /** `<orgs>|<type>` -> until when it is known to be stored. */
  private readonly storedCache = new Map<string, number>();

  constructor(private readonly executor: GraphExecutor) {}

  async events(filter: EventFilter | null, order: EventOrder, first: number, after: string | null, orgs: OrgScope): Promise<Page> {
    const { params, ...text } = compileEventFilter(filter, 'e', orgs);
    const key = decodeCursor('events', after);
    const result = await this.executor.read(searchQuery(text, order), {
      ...params,
      after: key ? { t: BigInt(key.t), uid: key.uid } : null,
      limit: BigInt(first + 1),
    });
    const record = result.records[0];
    await this.checkHosts(filter?.hostnames, record?.get('hostNames'), orgs);
    const nodes = ((record?.get('page') as Node[] | undefined) ?? []).map(toEventNode);
    const edges = nodes.slice(0, first).map((node) => ({ node, depth: 0, cursor: encodeCursor('events', { t: String(node.time ?? 0n), uid: node.uid }) }));
    return { totalCount: Number(record?.get('total') ?? 0), edges, hasNextPage: nodes.length > first };
  }

  /** Which rollup levels hold every stored event (a positive answer is kept: it never turns back). */
  private readonly rollupsReady: Record<RollupLevel, boolean> = { sensor: false, host: false, org: false };

  private async ready(level: RollupLevel): Promise<boolean> {
    if (!this.rollupsReady[level]) this.rollupsReady[level] = await rollupsReady(this.executor, LEVELS[level].marker);
    return this.rollupsReady[level];
  }

  /** The rollups that answer this count exactly, the coarsest first; null: read the events. */
  private async useRollups(group: CountGroup, then: CountGroup | null, filter: EventFilter | null): Promise<RollupLevel | null> {
    if (!rollupsAnswer(group, then, filter)) return null;
    const level = rollupLevel(group, then, filter);
    if (level !== 'sensor' && (await this.ready(level))) return level;
    return (await this.ready('sensor')) ? 'sensor' : null;
  }

  /** Buckets, most `limit`; `hasMore` says the limit cut some off. From the rollups when they answer exactly. */
  async counts(group: CountGroup, then: CountGroup | null, filter: EventFilter | null, limit: number, orgs: OrgScope): Promise<{ buckets: CountBucket[]; hasMore: boolean }> {
    let result;
    const level = await this.useRollups(group, then, filter);
    if (level !== null) {
      const list = <T>(v: readonly T[] | null | undefined) => (v && v.length > 0 ? [...v] : null);
      result = await this.executor.read(rollupCountQuery(group, then, level), {
        orgs,
        orgIds: list(filter?.orgIds),
        sids: list(filter?.sensorIds),
        types: list(filter?.eventTypes),
        from: filter?.from ?? null,
        to: filter?.to ?? null,
        limit: BigInt(limit + 1),
      });
    } else {
      const { params, ...text } = compileEventFilter(filter, 'e', orgs);
      result = await this.executor.read(countQuery(text, group, then), { ...params, limit: BigInt(limit + 1) });
    }
    const record = result.records[0];
    await this.checkHosts(filter?.hostnames, record?.get('hostNames'), orgs);
    const rows = (record?.get('buckets') as { org: string; key: unknown; thenKey: unknown; sid: unknown; n: unknown }[] | undefined) ?? [];
    const asKey = (g: CountGroup, v: unknown) => (TIME_GROUPS.has(g) ? new Date(Number(String(v))).toISOString() : String(v));
    const buckets = rows.slice(0, limit).map((r) => ({
      key: asKey(group, r.key),
      thenKey: then && r.thenKey !== null ? asKey(then, r.thenKey) : null,
      orgId: String(r.org),
      sensorId: typeof r.sid === 'string' ? r.sid : null,
      count: Number(r.n),
    }));
    return { buckets, hasMore: rows.length > limit };
  }

  /**
   * A host filter whose names matched no host in scope is the client's mistake, not an empty
   * answer: UNKNOWN_HOST, with the nearest hostnames (one more query, on this path only).
   */
  private async checkHosts(requested: readonly string[] | null | undefined, found: unknown, orgs: OrgScope): Promise<void> {
    if (!requested?.length || !Array.isArray(found)) return;
    const unknown = unmatchedHostnames(requested, found.filter((h): h is string => typeof h === 'string'));
    if (unknown.length === 0) return;
    const result = await this.executor.read(HOSTNAMES_IN_SCOPE, { orgs, limit: BigInt(MAX_HOSTNAMES_SUGGESTED_FROM) });
    const hostnames = result.records.map((r) => String(r.get('hostname')));
    const suggestions = Object.fromEntries(unknown.map((name) => [name, closest(name, hostnames)]));
    const hints = unknown.map((name) => `${name}${suggestions[name]!.length ? ` (did you mean ${suggestions[name]!.join(', ')}?)` : ''}`);
    throw new AppError(ErrorCode.UNKNOWN_HOST, `no host in scope is named ${hints.join('; ')}: hostnames match LimaCharlie's hostname in any case, or its short name`, { unknown, suggestions });
  }

  /** Which of `types` the graph holds in scope; positive answers are kept a minute (a type, once stored, stays). */
  async storedTypes(types: readonly string[], orgs: OrgScope): Promise<Set<string>> {
    const scopeKey = orgs ? [...orgs].sort().join(',') : '*';
    const now = Date.now();
    const stored = new Set(types.filter((t) => (this.storedCache.get(`${scopeKey}|${t}`) ?? 0) > now));
    const ask = types.filter((t) => !stored.has(t));
    if (ask.length === 0) return stored;
    const result = await this.executor.read(STORED_TYPES, { types: ask, orgs });
    if (this.storedCache.size > 10_000) this.storedCache.clear();
    for (const r of result.records) {
      if (r.get('stored') !== true) continue;
      const t = String(r.get('type'));
      stored.add(t);
      this.storedCache.set(`${scopeKey}|${t}`, now + STORED_TYPE_TTL_MS);
    }
    return stored;
  }

  /** For DataLoader: answers in key order. */
  async sensorsByUid(uids: readonly string[], orgs: OrgScope): Promise<(SensorNode | null)[]> {
    const result = await this.executor.read(SENSORS_BY_UID, { uids, orgs });
    const found = new Map(result.records.map((r) => {
      const s = toSensorNode(r.get('s') as Node);
      return [s.uid, s] as const;
    }));
    return uids.map((uid) => found.get(uid) ?? null);
  }

  async sensors(
    filter: { orgIds?: readonly string[] | null; hostnames?: readonly string[] | null } | null,
    first: number,
    after: string | null,
    orgs: OrgScope,
    withTotal = true,
  ) {
    const params = { orgs, orgIds: filter?.orgIds?.length ? filter.orgIds : null, after: decodeCursor('sensors', after)?.uid ?? null, limit: BigInt(first + 1) };
    let nodes: SensorNode[];
    let totalCount = 0;
    if (filter?.hostnames?.length) {
      const record = (await this.executor.read(SENSORS_BY_HOSTNAME, { ...params, hostnames: filter.hostnames.map((h) => h.toLowerCase()) })).records[0];
      await this.checkHosts(filter.hostnames, record?.get('hostNames'), orgs);
      nodes = ((record?.get('page') as Node[] | undefined) ?? []).map(toSensorNode);
      totalCount = Number(record?.get('total') ?? 0);
    } else {
      const [page, total] = await Promise.all([
        this.executor.read(SENSORS_PAGE, params),
        withTotal ? this.executor.read(SENSORS_TOTAL, params) : null,
      ]);
      nodes = ((page.records[0]?.get('page') as Node[] | undefined) ?? []).map(toSensorNode);
      totalCount = Number(total?.records[0]?.get('total') ?? 0);
    }
    const slice = nodes.slice(0, first);
    // first: 0 is a count-only question: an empty page, and no cursor to continue from.
    const last = slice[slice.length - 1];
    return {
      totalCount,
      nodes: slice,
      hasNextPage: nodes.length > first,
      endCursor: last ? encodeCursor('sensors', { uid: last.uid }) : null,
    };
  }
}
