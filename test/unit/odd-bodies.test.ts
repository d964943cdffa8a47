// Issue 16, section 5: no event is lost because of its body. Every catalogued event type, every
// field it describes, each kind of odd value once: the event is kept, with its parent and target,
// `raw` as sent, and a warning naming the field exactly when the value does not fit.
import { normalizeRecord } from '../../src/ingest/normalize';
import { parseJson } from '../../src/domain/json';
import { oddCases, oddRecord } from '../helpers/odd-bodies';

const cases = oddCases();

describe('normalizing odd body values', () => {
  it('covers every event type with fields, and each kind of odd value', () => {
    expect(new Set(cases.map((c) => c.eventType)).size).toBeGreaterThanOrEqual(70);
    expect(new Set(cases.map((c) => c.kind))).toEqual(
      new Set(['null', 'empty string', 'number as string', 'flag as string', 'object', 'array', 'out of range', 'body is an array', 'body is a string']),
    );
    expect(cases.length).toBeGreaterThan(1000);
  });

  it('stores every case, with its parent and target, the original as sent, and a warning exactly where the value does not fit', () => {
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const record = oddRecord(c, i, 'org-odd');
      const parsed = parseJson(record.text);
      if (!parsed.ok) throw new Error(parsed.reason);
      const result = normalizeRecord(parsed.value, record.text);
      const label = `${c.eventType} ${c.path} ${c.kind}`;
      if (!result.ok) return void failures.push(`${label}: rejected: ${result.reason}`);
      const row = result.rows[0]!;
      if (row.uid !== `org-odd/${record.atom}` || row.parentUid !== `org-odd/${record.parent}` || row.targetUid !== `org-odd/${record.target}`) failures.push(`${label}: keys`);
      if (row.props['raw'] !== record.text) failures.push(`${label}: raw differs`);
      if (result.skipped) failures.push(`${label}: skipped ${result.skipped}`);
      const warnings = result.warnings ?? [];
      const expected = c.outcome === 'fits' ? [] : [c.path];
      if (JSON.stringify(warnings.map((w) => w.path)) !== JSON.stringify(expected)) failures.push(`${label}: warnings ${JSON.stringify(warnings)}`);
      const reason = warnings[0]?.reason ?? '';
      if (c.outcome === 'warns' && !reason.endsWith('kept in raw only')) failures.push(`${label}: ${reason}`);
      if (c.outcome === 'converts' && !/; read as (123|1)$/.test(reason)) failures.push(`${label}: ${reason}`);
    });
    expect(failures).toEqual([]);
  });

  it('promotes a value converted exactly, and leaves out one that does not fit', () => {
    const promoted = (json: string) => {
      const text = `{"routing":{"oid":"o","this":"a","event_type":"NEW_PROCESS","event_time":1},"event":{"PROCESS_ID":${json},"FILE_PATH":"C:\\\\x.exe"}}`;
      const parsed = parseJson(text);
      const result = parsed.ok ? normalizeRecord(parsed.value, text) : null;
      return result?.ok ? result.rows[0]?.props : null;
    };
    expect(promoted('"123"')).toMatchObject({ processId: 123n, filePath: 'C:\\x.exe' });
    expect(promoted('{"unexpected":1}')).not.toHaveProperty('processId');
    expect(promoted('4294967296')).not.toHaveProperty('processId');
    expect(promoted('4294967295')).toMatchObject({ processId: 4294967295n });
  });
});
