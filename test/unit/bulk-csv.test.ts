// The import CSV: what neo4j-admin reads must say exactly what the writer would have stored.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARRAY_DELIMITER, CsvGroup } from '../../src/bulk/csv';

describe('bulk import CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomgraph-bulk-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('quotes strings (doubling quotes, keeping backslashes and line breaks), leaves nulls empty, writes 64-bit integers exactly', () => {
    const g = new CsvGroup(dir, 'a', 'nodes', [
      { name: 'uid:ID(Event)', type: 'string' },
      { name: 'raw', type: 'string' },
      { name: 'time', type: 'long' },
      { name: 'carried', type: 'boolean' },
      { name: 'ip', type: 'string[]' },
    ]);
    g.write(['o/1', '{"a":"x\\"y","b":"\\\\"}\n', 9223372036854775807n, null, ['1.2.3.4', '5.6.7.8']]);
    g.write(['o/2', '', -9223372036854775808n, true, null]);
    const [set, other] = g.close();
    expect(g.multiline).toBe(true);
    expect(readFileSync(set!.files[0], 'utf8')).toBe('uid:ID(Event),raw,time:long,carried:boolean,ip:string[]\n');
    expect(readFileSync(set!.files[1], 'utf8')).toBe(`"o/1","{""a"":""x\\""y"",""b"":""\\\\""}\n",9223372036854775807,,"1.2.3.4${ARRAY_DELIMITER}5.6.7.8"\n`);
    expect(readFileSync(other!.files[1], 'utf8')).toBe('"o/2","",-9223372036854775808,true,\n');
  });

  it('puts rows with a line break in a value in files of their own, marked multiline (only those are parsed multi-line)', () => {
    const g = new CsvGroup(dir, 'm', 'nodes', [
      { name: 'uid:ID(Event)', type: 'string' },
      { name: 'commandLine', type: 'string' },
    ]);
    g.write(['o/1', 'a']);
    g.write(['o/2', 'b\r\nc']);
    g.write(['o/3', 'd']);
    const sets = g.close();
    expect(sets.map((s) => [s.multiline, readFileSync(s.files[1], 'utf8')])).toEqual([
      [false, '"o/1","a"\n"o/3","d"\n'],
      [true, '"o/2","b\r\nc"\n'],
    ]);
  });

  it('puts a row whose value has another type than the column (an unsigned value kept as digits) in a file with its own header', () => {
    const g = new CsvGroup(dir, 'b', 'nodes', [
      { name: 'uid:ID(Event)', type: 'string' },
      { name: 'processId', type: 'long' },
    ]);
    g.write(['o/1', 5n]);
    g.write(['o/2', '18446744073709551615']);
    g.write(['o/3', 7n]);
    const sets = g.close();
    expect(sets.map((s) => [readFileSync(s.files[0], 'utf8'), readFileSync(s.files[1], 'utf8')])).toEqual([
      ['uid:ID(Event),processId:long\n', '"o/1",5\n"o/3",7\n'],
      ['uid:ID(Event),processId\n', '"o/2","18446744073709551615"\n'],
    ]);
  });

  it('refuses a list value holding the array delimiter rather than splitting it', () => {
    const g = new CsvGroup(dir, 'c', 'nodes', [{ name: 'tags', type: 'string[]' }]);
    expect(() => g.write([[`a${ARRAY_DELIMITER}b`]])).toThrow(/array delimiter/);
    g.close();
  });
});
