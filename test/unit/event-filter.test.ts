import { timeRange } from '../../src/api/filters';
import { closest } from '../../src/domain/suggest';
import { compileEventFilter, hostnameAnswersTo, unmatchedHostnames } from '../../src/graph/reader/event-filter';

describe('compileEventFilter', () => {
  it('puts every value in a parameter, never in the text', () => {
    const evil = `x' OR 1=1 //\`) MATCH (n) DETACH DELETE n`;
    const { where, params } = compileEventFilter({ hostnames: [evil], commandLine: { contains: evil }, eventTypes: [evil], targetFilePath: { endsWith: evil } });
    expect(where).not.toContain('DETACH');
    expect(where).not.toContain('1=1');
    for (const value of Object.values(params).flat()) expect([evil, evil.toLowerCase()]).toContain(value);
    expect(Object.keys(params)).toHaveLength(5); // hostnames, eventTypes, commandLine, target snapshot, target edge
  });

  it('compiles the hunt "PowerShell with an encoded command, last 24 hours"', () => {
    const { where, params } = compileEventFilter({ eventTypes: ['NEW_PROCESS'], from: 1000n, commandLine: { contains: ' -enc' }, filePath: { endsWith: 'powershell.exe' } });
    expect(where).toMatchInlineSnapshot(`
"e.placeholder = false
  AND e.time IS NOT NULL
  AND NOT e:Pruning
  AND e.type IN $f0
  AND e.time >= $f1
  AND (toLower(e.filePath) ENDS WITH $f2)
  AND (toLower(e.commandLine) CONTAINS $f3)"
`);
    expect(params).toEqual({ f0: ['NEW_PROCESS'], f1: 1000n, f2: 'powershell.exe', f3: ' -enc' });
  });

  it('matches case-sensitively only when asked, and scopes to orgs first', () => {
    const { where } = compileEventFilter({ commandLine: { equals: 'A', caseSensitive: true } }, 'e', ['org-1']);
    expect(where).toBe('e.oid IN $f0\n  AND e.placeholder = false\n  AND e.time IS NOT NULL\n  AND NOT e:Pruning\n  AND (e.commandLine = $f1)');
  });

  it('filters on the target through the TARGET edge as well as the snapshot', () => {
    const { where } = compileEventFilter({ targetFilePath: { endsWith: 'lsass.exe' } });
    expect(where).toContain('EXISTS { MATCH (e)-[:TARGET]->(t:Event) WHERE NOT t:Pruning AND toLower(t.filePath) ENDS WITH $f1 }');
  });

  it('finds named hosts among the sensors first, then their events through the (sid, type, time) or (sid, time) index', () => {
    const compiled = compileEventFilter({ hostnames: ['WS-1'], eventTypes: ['DNS_REQUEST'] }, 'e', ['org-1']);
    expect(compiled.prelude).toBe(
      "CALL () { MATCH (s:Sensor) WHERE (toLower(s.hostname) IN $f1 OR split(toLower(s.hostname), '.')[0] IN $f1) AND s.oid IN $f2 RETURN collect(DISTINCT s.sid) AS hostSids, collect(DISTINCT toLower(s.hostname)) AS hostNames }",
    );
    expect(compiled.where).toContain("e.sid IN hostSids\n  AND (toLower(e.hostname) IN $f1 OR split(toLower(e.hostname), '.')[0] IN $f1)");
    expect(compiled.hostNames).toBe('hostNames');
    expect(compiled.scope).toBe('hostSids');
    expect(compiled.hint).toBe('USING INDEX e:Event(sid, type, time)');
    expect(compileEventFilter({ hostnames: ['WS-1'] }).hint).toBe('USING INDEX e:Event(sid, time)');
    expect(compiled.params).toEqual({ f0: ['org-1'], f1: ['ws-1'], f2: ['org-1'], f3: ['DNS_REQUEST'] });
  });

  it('leaves the planner free when no host or sensor is named', () => {
    const compiled = compileEventFilter({ eventTypes: ['DNS_REQUEST'] });
    expect(compiled).toMatchObject({ prelude: '', scope: '', hint: '' });
  });

  it('compiles the "any of" forms as one parameter each, beside the single-value operators', () => {
    const { where, params } = compileEventFilter({ filePath: { endsWithAny: ['\\CMD.EXE', '\\powershell.exe'], contains: 'system32' }, user: { in: ['SYSTEM'], caseSensitive: true } });
    expect(where).toContain('(toLower(e.filePath) CONTAINS $f0 AND any(v IN $f1 WHERE toLower(e.filePath) ENDS WITH v))');
    expect(where).toContain('(e.userName IN $f2)');
    expect(params).toEqual({ f0: 'system32', f1: ['\\cmd.exe', '\\powershell.exe'], f2: ['SYSTEM'] });
  });

  it('says which requested hostnames no found host answers to (case and short name)', () => {
    expect(unmatchedHostnames(['WORKSTATION6', 'workstation6.theshire.local', 'ws9', 'ws9'], ['workstation6.theshire.local'])).toEqual(['ws9']);
    expect(hostnameAnswersTo('mordor.theshire.local', 'theshire')).toBe(false);
  });
});

describe('relative time ranges and suggestions', () => {
  const NOW = Date.parse('2026-01-02T00:00:00Z');
  it.each([
    ['24h', 86_400_000],
    ['30m', 1_800_000],
    ['7d', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['PT24H', 86_400_000],
    ['P1D', 86_400_000],
    ['P1DT12H', 1.5 * 86_400_000],
    ['pt90s', 90_000],
  ])('last: %s is from = now - %d ms, to untouched', (last, ms) => {
    expect(timeRange({ last, to: 5n }, NOW)).toEqual({ from: BigInt(NOW - ms), to: 5n });
  });

  it.each(['1y', 'P1M', 'P1Y', 'P', 'PT', '0h', 'yesterday', '24 h', '-1h'])('refuses last: %s with BAD_USER_INPUT', (last) => {
    expect(() => timeRange({ last }, NOW)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('refuses last together with from', () => {
    expect(() => timeRange({ last: '1h', from: 1n }, NOW)).toThrow(/either from or last/);
  });

  it('suggests the catalogue name for a wrong case or a prefix, nothing for a name unlike any', () => {
    const names = ['NEW_PROCESS', 'EXISTING_PROCESS', 'DNS_REQUEST', 'NEW_TCP4_CONNECTION'];
    expect(closest('new_process', names)[0]).toBe('NEW_PROCESS');
    expect(closest('NEW_PROC', names)[0]).toBe('NEW_PROCESS');
    expect(closest('xyzzy', names)).toEqual([]);
    expect(closest('WORKSTATION7', ['workstation6.theshire.local', 'mordor.theshire.local'])).toEqual(['workstation6.theshire.local']);
  });
});
