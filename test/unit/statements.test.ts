/**
 * Every statement the readers run, rendered as Cypher text (as neo4j/graphql tests its translation
 * without a database): a changed statement shows in review as a changed snapshot, and a read that
 * forgets the caller's org scope fails here, before any test data could miss it.
 *
 * The statements are found, not listed: every exported NamedQuery constant of every module in
 * src/graph/reader/, so a statement added there is covered without editing this file. Statements
 * built per call (a depth, a filter) come from the exported `...Query` factories, rendered below;
 * a new factory fails until it has a rendering here.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedQuery } from '../../src/graph/executor';
import { compileDetectionFilter, detectionCountQuery, detectionRollupCountQuery, detectionSearchQuery } from '../../src/graph/reader/detections';
import { compileEventFilter } from '../../src/graph/reader/event-filter';
import { crossHostPathQuery, pathQuery } from '../../src/graph/reader/lateral';
import { countQuery, rollupCountQuery, searchQuery } from '../../src/graph/reader/search';
import { descendantsPageQuery, descendantsQuery } from '../../src/graph/reader/trees';
import { live, orgIn, orgScope } from '../../src/graph/reader/scope';

const READER_DIR = join(__dirname, '../../src/graph/reader');

/** Statements that read nothing of a tenant's, and why. */
const UNSCOPED: Record<string, string> = {
  'system.ts DBMS_COMPONENTS': "the database's own version and edition",
  'system.ts PING': 'reads nothing',
};

const isNamedQuery = (v: unknown): v is NamedQuery =>
  typeof v === 'object' && v !== null && typeof (v as NamedQuery).name === 'string' && typeof (v as NamedQuery).cypher === 'string';

const modules = readdirSync(READER_DIR)
  .filter((f) => f.endsWith('.ts'))
  .sort()
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the modules are found at run time, not named
  .map((file) => ({ file, exports: require(join(READER_DIR, file)) as Record<string, unknown> }));

const constants = modules.flatMap(({ file, exports }) =>
  Object.entries(exports)
    .filter(([, v]) => isNamedQuery(v))
    .map(([name, v]) => ({ id: `${file} ${name}`, query: v as NamedQuery })),
);

const factories = modules.flatMap(({ file, exports }) =>
  Object.entries(exports)
    .filter(([name, v]) => typeof v === 'function' && /Query$/.test(name))
    .map(([name]) => `${file} ${name}`),
);

/** The orgScope fragment on one variable or several, as scope.ts writes it. */
const SCOPE_FRAGMENT = /\(\(\$orgs IS NULL OR (?:\w+\.oid IN \$orgs|\(\w+\.oid IN \$orgs(?: AND \w+\.oid IN \$orgs)+\))\)(?: AND NOT \w+:Pruning)+\)/g;

/**
 * Event variables a statement binds but never tests with live() (directly or through orgScope):
 * retention may delete such an event while the statement reads it (src/graph/reader/scope.ts).
 */
export function unliveEvents(cypher: string): string[] {
  const bound = new Set([...cypher.matchAll(/\((\w+):Event\b/g)].map((m) => m[1]!));
  return [...bound].filter((v) => !cypher.includes(live(v)) && !WALKED_THROUGH.some((w) => w.test(cypher) && w.source.includes(`(${v}:Event`))).sort();
}

/**
 * Event variables only walked through, never returned, and why that is safe: the descendants walk
 * goes on below an event being pruned (its kept children stay in the tree) and tests the node it
 * returns, `d = last(x)`, with live().
 */
const WALKED_THROUGH: readonly RegExp[] = [/\(\(\)<-\[:PARENT\]-\(x:Event WHERE [^)]*\)\)\{1,\d+\}\s*WITH root, last\(x\) AS d[^\n]*\nWHERE d <> root AND NOT d:Pruning/];

/** What is wrong with a statement's tenancy, by the one rule: scoped with orgScope, never by hand. */
export function scopeProblems(cypher: string): string[] {
  const problems: string[] = [];
  const fragments = cypher.match(SCOPE_FRAGMENT) ?? [];
  if (fragments.length === 0) problems.push('reads without orgScope(...)');
  if (/\$orgs\b/.test(cypher.replace(SCOPE_FRAGMENT, ''))) problems.push('uses $orgs outside orgScope(...)');
  return problems;
}

/** A statement compiled for a caller limited to `orgs`: some `x.oid IN $p` whose parameter is exactly those orgs. */
function compiledScoped(cypher: string, params: Record<string, unknown>, orgs: readonly string[]): boolean {
  return [...cypher.matchAll(/(\w+)\.oid IN \$(\w+)/g)].some(([text, v, p]) => text === orgIn(v!, `$${p}`) && JSON.stringify(params[p!]) === JSON.stringify(orgs));
}

const ORGS = ['org-1', 'org-2'];

/**
 * Each factory's statements, rendered for a caller limited to ORGS; `params` are those the
 * statement is run with when its scope is compiled into it (filters), else absent.
 */
const RENDERINGS: Record<string, () => { id: string; query: NamedQuery; params?: Record<string, unknown> }[]> = {
  'trees.ts descendantsQuery': () => [{ id: 'depth 3', query: descendantsQuery(3) }],
  'trees.ts descendantsPageQuery': () => [{ id: 'page, depth 3', query: descendantsPageQuery(3) }],
  'search.ts rollupCountQuery': () => [
    { id: 'rollups by type then hour', query: rollupCountQuery('EVENT_TYPE', 'HOUR', 'sensor') },
    { id: 'org rollups by type then hour', query: rollupCountQuery('EVENT_TYPE', 'HOUR', 'org') },
    { id: 'host rollups by sensor then day', query: rollupCountQuery('SENSOR', 'DAY', 'host') },
  ],
  'lateral.ts pathQuery': () => [{ id: '4 hops', query: pathQuery(4) }],
  'lateral.ts crossHostPathQuery': () => [{ id: '4 hops', query: crossHostPathQuery(4) }],
  'search.ts searchQuery': () => {
    const byHost = compileEventFilter({ hostnames: ['ws-1'], eventTypes: ['NEW_PROCESS'] }, 'e', ORGS);
    const plain = compileEventFilter({ commandLine: { contains: '-enc' } }, 'e', ORGS);
    return [
      { id: 'by host, newest first', query: searchQuery(byHost, 'TIME_DESC'), params: byHost.params },
      { id: 'by command line, oldest first', query: searchQuery(plain, 'TIME_ASC'), params: plain.params },
    ];
  },
  'search.ts countQuery': () => {
    const compiled = compileEventFilter({ sensorIds: ['s-1'] }, 'e', ORGS);
    return [{ id: 'by host then day', query: countQuery(compiled, 'HOSTNAME', 'DAY'), params: compiled.params }];
  },
  'detections.ts detectionSearchQuery': () => {
    const compiled = compileDetectionFilter({ tag: 'attack.t1059' }, ORGS)!;
    return [{ id: 'by tag, newest first', query: detectionSearchQuery(compiled, 'TIME_DESC'), params: compiled.params }];
  },
  'detections.ts detectionCountQuery': () => {
    const compiled = compileDetectionFilter({ minPriority: 3n }, ORGS)!;
    return [{ id: 'by rule', query: detectionCountQuery(compiled, 'RULE'), params: compiled.params }];
  },
  'detections.ts detectionRollupCountQuery': () => [
    { id: 'detection rollups by rule', query: detectionRollupCountQuery('RULE') },
    { id: 'detection tag rollups', query: detectionRollupCountQuery('TAG') },
  ],
};

describe('reader statements', () => {
  it('are found (every reader module is read)', () => {
    expect(constants.length).toBeGreaterThan(20);
    expect(modules.map((m) => m.file)).toEqual(expect.arrayContaining(['events.ts', 'trees.ts', 'search.ts', 'sightings.ts', 'detections.ts', 'lateral.ts']));
  });

  // Scoped to the caller's orgs (unless UNSCOPED says why not), and its text as reviewed.
  it.each(constants.map((c) => [c.id, c.query] as const))('%s', (id, query) => {
    expect(UNSCOPED[id] !== undefined ? [] : scopeProblems(query.cypher)).toEqual([]);
    expect({ id, unlive: unliveEvents(query.cypher) }).toEqual({ id, unlive: [] });
    expect(query.cypher).toMatchSnapshot();
  });

  it('every statement factory has a rendering here', () => {
    expect(factories.sort()).toEqual(Object.keys(RENDERINGS).sort());
  });

  it.each(Object.entries(RENDERINGS))('%s', (_factory, render) => {
    for (const { id, query, params } of render()) {
      if (params) expect({ id, scoped: compiledScoped(query.cypher, params, ORGS) }).toEqual({ id, scoped: true });
      else expect({ id, problems: scopeProblems(query.cypher) }).toEqual({ id, problems: [] });
      expect({ id, unlive: unliveEvents(query.cypher) }).toEqual({ id, unlive: [] });
      expect(query.cypher).toMatchSnapshot(id);
    }
  });

  it('only allows, as unscoped, statements that exist', () => {
    expect(Object.keys(UNSCOPED).filter((id) => !constants.some((c) => c.id === id))).toEqual([]);
  });
});

describe('the scope rule itself', () => {
  it('accepts the fragment on one node and on several, and nothing spelt by hand', () => {
    expect(scopeProblems(`MATCH (e:Event) WHERE ${orgScope('e')} RETURN e`)).toEqual([]);
    expect(scopeProblems(`MATCH (a), (b) WHERE ${orgScope('a', 'b')} RETURN a`)).toEqual([]);
    expect(scopeProblems('MATCH (e:Event) RETURN e')).toEqual(['reads without orgScope(...)']);
    expect(scopeProblems('MATCH (e:Event) WHERE $orgs IS NULL OR e.oid IN $orgs RETURN e')).toEqual(['reads without orgScope(...)', 'uses $orgs outside orgScope(...)']);
    expect(scopeProblems(`MATCH (e:Event), (s:Sensor) WHERE ${orgScope('e')} AND s.oid IN $orgs RETURN e`)).toEqual(['uses $orgs outside orgScope(...)']);
  });

  it('finds an event a statement reads without asking whether retention is deleting it', () => {
    expect(unliveEvents(`MATCH (e:Event) WHERE ${orgScope('e')} MATCH (e)-[:PARENT]->(p:Event) WHERE ${live('p')} RETURN p`)).toEqual([]);
    expect(unliveEvents(`MATCH (e:Event) WHERE ${orgScope('e')} MATCH (e)-[:PARENT]->(p:Event) RETURN p`)).toEqual(['p']);
  });

  it('finds a compiled filter scoped only when its parameter holds exactly the orgs', () => {
    const compiled = compileEventFilter(null, 'e', ORGS);
    expect(compiledScoped(compiled.where, compiled.params, ORGS)).toBe(true);
    const open = compileEventFilter(null, 'e', null);
    expect(compiledScoped(open.where, open.params, ORGS)).toBe(false);
  });
});
