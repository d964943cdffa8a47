// What an event says of the process it names (its snapshot), and which report of a batch a
// placeholder gets: the rule that makes the graph the same whatever the arrival order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeRecord } from '../../src/ingest/normalize';
import { parseJson } from '../../src/domain/json';
import type { EventRow } from '../../src/graph/writer/rows';
import { placeholderReports, REPORT } from '../../src/graph/writer/snapshots';
import { writeBatch } from '../../src/graph/writer/write-batch';

const samples = join(__dirname, '..', '..', '..', 'shared', 'samples');

function rowsOf(record: unknown): EventRow[] {
  const parsed = parseJson(JSON.stringify(record));
  if (!parsed.ok) throw new Error(parsed.reason);
  const result = normalizeRecord(parsed.value);
  if (!result.ok) throw new Error(result.reason);
  return result.rows;
}

const routing = (atom: string, extra: Record<string, unknown> = {}) => ({
  this: atom, parent: 'p', event_type: 'NEW_PROCESS', event_time: 1_700_000_000_000, oid: 'org', sid: 's', hostname: 'h', ...extra,
});

describe('snapshots of the process an event names', () => {
  it("reads a NEW_PROCESS's PARENT, with the grandparent it names", () => {
    const [row] = rowsOf({ routing: routing('c'), event: { PARENT: { FILE_PATH: 'a.exe', COMMAND_LINE: 'a -x', PROCESS_ID: 5, USER_NAME: 'u', HASH: 'ab', THIS_ATOM: 'p', PARENT_ATOM: 'g' } } });
    expect(row?.parentSnapshot).toEqual({ filePath: 'a.exe', commandLine: 'a -x', processId: 5n, userName: 'u', hash: 'ab', parentAtom: 'g', parentUid: 'org/g' });
    expect(row?.targetSnapshot).toBeNull();
  });

  it('keeps the fields but not the atoms of a snapshot whose THIS_ATOM names another process, and links no process to itself', () => {
    const [other] = rowsOf({ routing: routing('c'), event: { PARENT: { FILE_PATH: 'a.exe', THIS_ATOM: 'x', PARENT_ATOM: 'g' } } });
    expect(other?.parentSnapshot).toMatchObject({ filePath: 'a.exe', parentAtom: null, parentUid: null });
    const [self] = rowsOf({ routing: routing('c'), event: { PARENT: { FILE_PATH: 'a.exe', THIS_ATOM: 'p', PARENT_ATOM: 'p' } } });
    expect(self?.parentSnapshot).toMatchObject({ parentAtom: null, parentUid: null });
  });

  it('has no snapshot when it says nothing usable, or when routing names no process', () => {
    expect(rowsOf({ routing: routing('c'), event: { PARENT: { THIS_ATOM: 'p', FILE_PATH: '' } } })[0]?.parentSnapshot).toBeNull();
    expect(rowsOf({ routing: routing('c', { parent: '' }), event: { PARENT: { FILE_PATH: 'a.exe' } } })[0]?.parentSnapshot).toBeNull();
    // A type without snapshots in the catalogue.
    expect(rowsOf({ routing: routing('c', { event_type: 'MODULE_LOAD' }), event: { PARENT: { FILE_PATH: 'a.exe' } } })[0]?.parentSnapshot).toBeNull();
  });

  it("reads a handle's SOURCE for its parent and TARGET for its target (the documented sample)", () => {
    const [line] = readFileSync(join(samples, 'lc-doc-handle-and-thread.jsonl'), 'utf8').split('\n');
    const record = JSON.parse(line!) as { routing: Record<string, string>; event: Record<string, Record<string, unknown>> };
    const [row] = rowsOf(record);
    const source = record.event['SOURCE']!;
    const target = record.event['TARGET']!;
    expect(row?.parentSnapshot).toMatchObject({ filePath: source['FILE_PATH'], userName: source['USER_NAME'], hash: source['HASH'], parentAtom: source['PARENT_ATOM'] });
    expect(row?.targetSnapshot).toMatchObject({ filePath: target['FILE_PATH'], processId: BigInt(target['PROCESS_ID'] as number), parentAtom: target['PARENT_ATOM'] });
  });
});

describe('one report per placeholder per batch', () => {
  const child = (atom: string, path?: string) => rowsOf({ routing: routing(atom), event: path ? { PARENT: { FILE_PATH: path } } : {} })[0]!;

  it('prefers a report with a snapshot, then the smallest reporter key, whatever the order', () => {
    const rows = [child('b1'), child('c2', 'two.exe'), child('a0'), child('c1', 'one.exe'), child('c3', 'three.exe')];
    for (const order of [rows, [...rows].reverse(), [rows[3]!, rows[0]!, rows[4]!, rows[2]!, rows[1]!]]) {
      const reports = placeholderReports(order);
      expect(reports).toHaveLength(1);
      expect(reports[0]?.[REPORT.uid]).toBe('org/p');
      expect(reports[0]?.[REPORT.from]).toBe('org/c1');
      expect(reports[0]?.[REPORT.snapshot]).toBe(true);
      expect(reports[0]?.[REPORT.filePath]).toBe('one.exe');
    }
    // Without any snapshot: the smallest key, with the host from its routing.
    const plain = placeholderReports([child('b1'), child('a0')]);
    expect(plain[0]?.[REPORT.from]).toBe('org/a0');
    expect([plain[0]?.[REPORT.snapshot], plain[0]?.[REPORT.sid], plain[0]?.[REPORT.hostname]]).toEqual([false, 's', 'h']);
  });
});

describe('reports a batch sends to Neo4j', () => {
  // Records what writeBatch asks its transaction to run; the graph's answer to the event statement
  // is that every row was stored (what a first load gets).
  async function sentReports(rows: EventRow[]): Promise<string[]> {
    const sent: string[] = [];
    const executor = {
      writeTransaction: async <T>(_name: string, work: (run: (q: { name: string }, p?: Record<string, unknown>) => Promise<unknown>) => Promise<T>) =>
        work(async (query, params = {}) => {
          if (query.name === 'ingest: describe placeholders') sent.push(...(params['reports'] as unknown[][]).map((r) => r[REPORT.uid] as string));
          const records = query.name === 'ingest: write events'
            ? (params['rows'] as unknown[][]).map((r) => ({ get: (k: string) => (k === 'uid' ? r[0] : false) }))
            : [];
          return { records };
        }),
    };
    await writeBatch(executor as never, rows);
    return sent.sort();
  }

  it('describes only the referenced events that are not in the batch itself', async () => {
    const parent = rowsOf({ routing: routing('p', { parent: 'gp' }), event: { PARENT: { FILE_PATH: 'gp.exe' } } });
    const child = rowsOf({ routing: routing('c', { parent: 'p' }), event: { PARENT: { FILE_PATH: 'p.exe' } } });
    const orphan = rowsOf({ routing: routing('o', { parent: 'missing' }), event: {} });
    // p is in the batch (complete once written), so only gp and missing can still be placeholders.
    expect(await sentReports([...child, ...parent, ...orphan])).toEqual(['org/gp', 'org/missing']);
    // Without its parent in the batch, the child's report on p is sent.
    expect(await sentReports([...child])).toEqual(['org/p']);
  });
});
