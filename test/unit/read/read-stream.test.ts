import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readBuffer, readStream } from '../../../src/ingest/read';
import { collect, summary, trickle } from './helpers';

const read = async (text: string | Buffer, options: { chunk?: number; maxRecordBytes?: number } = {}) =>
  summary(await collect(readStream(trickle(text, options.chunk ?? 64 * 1024), 'test', options)));

describe('JSON Lines', () => {
  it('gives one record per line, with 1-based line numbers, skipping blank lines', async () => {
    expect(await read('{"a":1}\n\n{"b":2}\n   \n{"c":3}')).toEqual([
      [1, '{"a":1}'],
      [3, '{"b":2}'],
      [5, '{"c":3}'],
    ]);
  });

  it('drops the \\r of CRLF line ends', async () => {
    expect(await read('{"a":1}\r\n{"b":2}\r\n\r\n{"c":3}\r\n')).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
      [4, '{"c":3}'],
    ]);
  });

  it('isolates a broken line: it comes out alone and the lines after it keep their numbers', async () => {
    expect(await read('{"a":1}\n{"routing": {"oid": "x", "b\n{"c":3}\n{"d":4}\n')).toEqual([
      [1, '{"a":1}'],
      [2, '{"routing": {"oid": "x", "b'],
      [3, '{"c":3}'],
      [4, '{"d":4}'],
    ]);
  });

  it('isolates a broken first line too', async () => {
    expect(await read('{"routing": {"oid": "x", "b\n{"c":3}\n{"d":4}\n')).toEqual([
      [1, '{"routing": {"oid": "x", "b'],
      [2, '{"c":3}'],
      [3, '{"d":4}'],
    ]);
  });

  it('counts leading blank lines and skips a UTF-8 byte order mark', async () => {
    expect(await read('\ufeff\n\n{"a":1}\n')).toEqual([[3, '{"a":1}']]);
  });

  it('skips a byte order mark at the start of a later line (files joined with cat)', async () => {
    expect(await read('{"a":1}\n\ufeff{"b":2}\n')).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });

  it('turns an over-size line into a problem with a prefix, and goes on with the next line', async () => {
    const big = `{"big":"${'x'.repeat(10_000)}"}`;
    for (const chunk of [7, 1000, 64 * 1024]) {
      const items = await collect(readStream(trickle(`{"a":1}\n${big}\n{"b":2}\n`, chunk), 'test', { maxRecordBytes: 5000 }));
      expect(summary(items)).toEqual([
        [1, '{"a":1}'],
        [2, expect.stringMatching(/^problem: record is longer than 5000 bytes/)],
        [3, '{"b":2}'],
      ]);
      const problem = items[1];
      expect(problem?.kind === 'problem' && big.startsWith(problem.text) && problem.text.length).toBe(4096);
    }
  });

  it('an over-size last line without a newline is a problem too', async () => {
    expect(await read(`{"a":1}\n{"big":"${'x'.repeat(100)}"}`, { maxRecordBytes: 50, chunk: 10 })).toEqual([
      [1, '{"a":1}'],
      [2, expect.stringMatching(/^problem: record is longer than 50 bytes/)],
    ]);
  });
});

describe('JSON arrays', () => {
  it('gives each element, at the line where it starts', async () => {
    const text = '[\n  {\n    "a": 1\n  },\n  {\n    "b": [1, 2]\n  },\n\n  {"c": 3}, {"d": 4}\n]\n';
    expect(await read(text)).toEqual([
      [2, '{\n    "a": 1\n  }'],
      [5, '{\n    "b": [1, 2]\n  }'],
      [9, '{"c": 3}'],
      [9, '{"d": 4}'],
    ]);
  });

  it('gives scalar elements as they are (the parser rejects them later)', async () => {
    expect(await read('[1, "two", true, null, {"e": 5}]')).toEqual([
      [1, '1'],
      [1, '"two"'],
      [1, 'true'],
      [1, 'null'],
      [1, '{"e": 5}'],
    ]);
  });

  it('reads an empty array as nothing', async () => {
    expect(await read('[ ]\n')).toEqual([]);
  });

  it('reports an element with unbalanced brackets and resumes at the next element', async () => {
    const text = '[\n  {\n    "a": [1, 2}\n  },\n  {\n    "b": 2\n  }\n]\n';
    expect(await read(text)).toEqual([
      [2, "problem: unbalanced brackets: '}' on line 3 closes a '['; skipped to the next line that starts a value"],
      [5, '{\n    "b": 2\n  }'],
    ]);
  });

  it('reports an element that outgrows the limit and goes on with the next one', async () => {
    const text = `[\n  {"big": "${'x'.repeat(300)}"},\n  {"b": 2}\n]`;
    expect(await read(text, { maxRecordBytes: 100, chunk: 16 })).toEqual([
      [2, expect.stringMatching(/^problem: record is longer than 100 bytes/)],
      [3, '{"b": 2}'],
    ]);
  });

  it('reports a value still open when the input ends', async () => {
    expect(await read('[{"a": 1}, {"b": [2,')).toEqual([
      [1, '{"a": 1}'],
      [1, 'problem: input ended inside this value'],
    ]);
  });
});

describe('pretty-printed and concatenated JSON', () => {
  it('gives a single pretty-printed object as one record', async () => {
    const text = '\n{\n  "routing": {\n    "event_type": "NEW_PROCESS"\n  },\n  "event": {}\n}\n';
    expect(await read(text)).toEqual([[2, text.trim()]]);
  });

  it('gives each of several concatenated objects, at the line where it starts', async () => {
    const text = '{\n  "a": 1\n}\n{\n  "b": 2\n}{"c": 3}\n\n{\n  "d": {}\n}';
    expect(await read(text)).toEqual([
      [1, '{\n  "a": 1\n}'],
      [4, '{\n  "b": 2\n}'],
      [6, '{"c": 3}'],
      [8, '{\n  "d": {}\n}'],
    ]);
  });

  it('recovers from an unclosed object once it outgrows the limit, at the next object starting a line', async () => {
    const good = (n: number) => `{\n  "n": ${n},\n  "pad": "${'p'.repeat(40)}"\n}\n`;
    const broken = '{\n  "broken": {\n    "x": 1\n';
    const text = good(1) + broken + good(2) + good(3);
    const items = await read(text, { maxRecordBytes: 80, chunk: 5 });
    expect(items[0]).toEqual([1, good(1).trim()]);
    expect(items[1]).toEqual([5, expect.stringMatching(/^problem: record is longer than 80 bytes/)]);
    expect(items.slice(2)).toEqual([[12, good(3).trim()]]);
  });

  it('reports a closing bracket outside any value', async () => {
    expect(await read('{\n  "a": 1\n}}\n{"b":\n 2}')).toEqual([
      [1, '{\n  "a": 1\n}'],
      [3, "problem: unexpected '}' between values"],
      [4, '{"b":\n 2}'],
    ]);
  });
});

describe('strings are opaque to the splitter', () => {
  const tricky = String.raw`{"cmd": "a } ] [ { \" \\", "path": "C:\\x\\", "nl": "line\nnext\r\n", "q": "\"{\""}`;

  it('in JSON Lines', async () => {
    expect(await read(`${tricky}\n${tricky}\n`)).toEqual([
      [1, tricky],
      [2, tricky],
    ]);
  });

  it('in an array', async () => {
    expect(await read(`[\n${tricky},\n${tricky}\n]`)).toEqual([
      [2, tricky],
      [3, tricky],
    ]);
  });

  it('in concatenated pretty objects', async () => {
    const pretty = `{\n  "a": ${JSON.stringify('} ] " \\ {')},\n  "b": "\\\\"\n}`;
    expect(await read(`${pretty}\n${pretty}`)).toEqual([
      [1, pretty],
      [5, pretty],
    ]);
  });
});

describe('chunk boundaries anywhere', () => {
  // Multi-byte UTF-8 (2, 3 and 4 bytes), escapes, a BOM and CRLF, so that tiny chunks cut all of them.
  const event = (n: number) => JSON.stringify({ n, name: 'café 日本 🦊', esc: 'q"b\\s\n}]', path: 'C:\\Windows\\' });
  const inputs: Record<string, string> = {
    jsonl: `\ufeff${event(1)}\r\n\r\n${event(2)}\n${event(3)}`,
    array: `[\n${event(1)},\n  ${event(2)} ,${event(3)}\n]`,
    pretty: [1, 2, 3].map((n) => JSON.stringify(JSON.parse(event(n)), null, 2)).join('\n'),
  };

  it.each(Object.keys(inputs))('give the same records whatever the chunk size (%s)', async (name) => {
    const text = inputs[name] ?? '';
    const whole = await read(text);
    expect(whole).toHaveLength(3);
    for (const [, record] of whole) expect(JSON.parse(record)).toMatchObject({ name: 'café 日本 🦊', esc: 'q"b\\s\n}]' });
    for (const chunk of [1, 2, 3, 5, 7, 13]) expect(await read(text, { chunk })).toEqual(whole);
  });
});

describe('encodings and compression', () => {
  const jsonl = '{"a":1}\n{"b":2}\n';

  it('gunzips a buffer with the gzip magic', async () => {
    expect(summary(await collect(readBuffer(gzipSync(jsonl), 'body')))).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });

  it('reads a plain buffer as it is', async () => {
    const items = await collect(readBuffer(Buffer.from(jsonl), 'body'));
    expect(items[0]).toEqual({ kind: 'record', source: 'body', line: 1, text: '{"a":1}' });
  });

  it('gunzips a stream, whatever the chunks, and concatenated gzip members as one', async () => {
    const gz = Buffer.concat([gzipSync('{"a":1}\n'), gzipSync('{"b":2}\n')]);
    for (const chunk of [1, 3, 1024]) {
      expect(await read(gz, { chunk })).toEqual([
        [1, '{"a":1}'],
        [2, '{"b":2}'],
      ]);
    }
  });

  it('reports truncated gzip as a problem after the records it did hold', async () => {
    const gz = gzipSync(jsonl + '{"c":3}\n'.repeat(100));
    const items = await read(gz.subarray(0, gz.length - 10));
    expect(items.at(-1)).toEqual([expect.any(Number), expect.stringMatching(/^problem: gzip data is corrupt or truncated/)]);
  });

  it('accepts string chunks (a stream with an encoding set)', async () => {
    const stream = Readable.from(['{"a":', '1}\n{"b":2}'], { objectMode: true });
    expect(summary(await collect(readStream(stream, 'strings')))).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });

  it('refuses UTF-16 with one problem', async () => {
    const items = await collect(readBuffer(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(jsonl, 'utf16le')]), 'ps.json'));
    expect(summary(items)).toEqual([[1, expect.stringMatching(/^problem: input is UTF-16/)]]);
  });
});

describe('edges', () => {
  it('reads nothing from empty or blank input', async () => {
    expect(await read('')).toEqual([]);
    expect(await read('\n \r\n\t\n')).toEqual([]);
  });

  it('ends with one problem when the stream fails, keeping what came before', async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('{"a":1}\n{"b":2}\n{"c"');
        throw new Error('connection reset');
      })(),
    );
    expect(summary(await collect(readStream(failing, 'http')))).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
      [3, 'problem: read failed: connection reset'],
    ]);
  });

  it('labels records with the source it was given', async () => {
    const [item] = await collect(readStream(trickle('{"a":1}', 4), 'webhook:lc'));
    expect(item).toEqual({ kind: 'record', source: 'webhook:lc', line: 1, text: '{"a":1}' });
  });

  it('destroys the stream when the reader stops early', async () => {
    const stream = trickle('{"a":1}\n'.repeat(1000), 100);
    for await (const item of readStream(stream, 'x')) {
      expect(item.line).toBe(1);
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});
