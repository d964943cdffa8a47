import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openInputs } from '../../../src/ingest/read';
import { collect, tempDir, trickle } from './helpers';

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function write(relative: string, content: string | Buffer): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** [source relative to the temp folder, line, text or problem reason] */
async function read(inputs: string[], stdin?: string) {
  const items = await collect(openInputs(inputs, stdin === undefined ? {} : { stdin: trickle(stdin, 3) }));
  return items.map((item) => [
    path.isAbsolute(item.source) ? path.relative(dir, item.source) : item.source,
    item.line,
    item.kind === 'record' ? item.text : `problem: ${item.reason}`,
  ]);
}

describe('openInputs', () => {
  it('reads files one after another, each with its own line numbers', async () => {
    const a = write('a.jsonl', '{"a":1}\n{"a":2}\n');
    const b = write('b.json', '[\n  {"b":1}\n]');
    expect(await read([a, b])).toEqual([
      ['a.jsonl', 1, '{"a":1}'],
      ['a.jsonl', 2, '{"a":2}'],
      ['b.json', 2, '{"b":1}'],
    ]);
  });

  it('gunzips by the magic bytes, whatever the name', async () => {
    const named = write('events.jsonl.gz', gzipSync('{"a":1}\n'));
    const unnamed = write('events.jsonl', gzipSync('{"b":1}\n'));
    expect(await read([named, unnamed])).toEqual([
      ['events.jsonl.gz', 1, '{"a":1}'],
      ['events.jsonl', 1, '{"b":1}'],
    ]);
  });

  it('walks a folder recursively in path order, taking only input files and skipping hidden ones', async () => {
    write('b.jsonl', '{"f":"b"}\n');
    write('a/z.json', '{"f":"a/z"}\n');
    write('a/y/deep.ndjson.gz', gzipSync('{"f":"a/y/deep"}\n'));
    write('a.log', '{"f":"a.log"}\n');
    write('c.TXT', '{"f":"c"}\n');
    write('README.md', '# not events\n');
    write('notes.json.bak', '{}\n');
    write('.hidden.json', '{"f":"hidden"}\n');
    write('.git/objects.json', '{"f":"hidden dir"}\n');
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'loop')); // never followed into
    symlinkSync(path.join(dir, 'b.jsonl'), path.join(dir, 'link.jsonl'));
    const sources = (await read([dir])).map(([source]) => source);
    expect(sources).toEqual(['a.log', 'a/y/deep.ndjson.gz', 'a/z.json', 'b.jsonl', 'c.TXT', 'link.jsonl']);
  });

  it('reads stdin for -, labelled stdin, between other inputs', async () => {
    const a = write('a.jsonl', '{"a":1}\n');
    expect(await read([a, '-'], '[\n{"s":1},\n{"s":2}]')).toEqual([
      ['a.jsonl', 1, '{"a":1}'],
      ['stdin', 2, '{"s":1}'],
      ['stdin', 3, '{"s":2}'],
    ]);
  });

  it('reports an unreadable path at line 0 with the reason, and reads the next input', async () => {
    const missing = path.join(dir, 'missing.jsonl');
    const a = write('a.jsonl', '{"a":1}\n');
    expect(await read([missing, a])).toEqual([
      ['missing.jsonl', 0, expect.stringMatching(/^problem: ENOENT: no such file or directory/)],
      ['a.jsonl', 1, '{"a":1}'],
    ]);
  });

  it('reads nothing from an empty file or an empty folder', async () => {
    const empty = write('empty.jsonl', '');
    mkdirSync(path.join(dir, 'nothing'));
    expect(await read([empty, path.join(dir, 'nothing')])).toEqual([]);
  });

  it('streams a file much larger than its chunks', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(50 + (i % 200)) }));
    const big = write('big.jsonl', `${lines.join('\n')}\n`);
    const items = await collect(openInputs([big]));
    expect(items).toHaveLength(20_000);
    expect(items[19_999]).toEqual({ kind: 'record', source: big, line: 20_000, text: lines[19_999] });
    expect(items.every((item, i) => item.kind === 'record' && item.line === i + 1)).toBe(true);
  });
});
