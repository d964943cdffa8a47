import { compileEventFilter } from '../../src/graph/reader/event-filter';

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
  AND e.type IN $f0
  AND e.time >= $f1
  AND (toLower(e.filePath) ENDS WITH $f2)
  AND (toLower(e.commandLine) CONTAINS $f3)"
`);
    expect(params).toEqual({ f0: ['NEW_PROCESS'], f1: 1000n, f2: 'powershell.exe', f3: ' -enc' });
  });

  it('matches case-sensitively only when asked, and scopes to orgs first', () => {
    const { where } = compileEventFilter({ commandLine: { equals: 'A', caseSensitive: true } }, 'e', ['org-1']);
    expect(where).toBe('e.oid IN $f0\n  AND e.placeholder = false\n  AND e.time IS NOT NULL\n  AND (e.commandLine = $f1)');
  });

  it('filters on the target through the TARGET edge as well as the snapshot', () => {
    const { where } = compileEventFilter({ targetFilePath: { endsWith: 'lsass.exe' } });
    expect(where).toContain('EXISTS { MATCH (e)-[:TARGET]->(t:Event) WHERE toLower(t.filePath) ENDS WITH $f1 }');
  });

  it('finds named hosts among the sensors first, then their events through the (sid, type, time) or (sid, time) index', () => {
    const compiled = compileEventFilter({ hostnames: ['WS-1'], eventTypes: ['DNS_REQUEST'] }, 'e', ['org-1']);
    expect(compiled.prelude).toBe('CALL () { MATCH (s:Sensor) WHERE toLower(s.hostname) IN $f1 AND s.oid IN $f2 RETURN collect(DISTINCT s.sid) AS hostSids }');
    expect(compiled.where).toContain('e.sid IN hostSids\n  AND toLower(e.hostname) IN $f1');
    expect(compiled.scope).toBe('hostSids');
    expect(compiled.hint).toBe('USING INDEX e:Event(sid, type, time)');
    expect(compileEventFilter({ hostnames: ['WS-1'] }).hint).toBe('USING INDEX e:Event(sid, time)');
    expect(compiled.params).toEqual({ f0: ['org-1'], f1: ['ws-1'], f2: ['org-1'], f3: ['DNS_REQUEST'] });
  });

  it('leaves the planner free when no host or sensor is named', () => {
    const compiled = compileEventFilter({ eventTypes: ['DNS_REQUEST'] });
    expect(compiled).toMatchObject({ prelude: '', scope: '', hint: '' });
  });
});
