import { detectFormat, valueEnd } from '../../../src/ingest/read/detect-format';

const LIMIT = 1024;
const detect = (text: string, ended = true) => detectFormat(Buffer.from(text), ended, LIMIT);

describe('format detection', () => {
  it.each([
    ['a JSON array', '[{"a": 1}]', 'values'],
    ['a pretty array', '[\n  {"a": 1}\n]', 'values'],
    ['JSON Lines', '{"a": 1}\n{"b": 2}\n', 'lines'],
    ['one compact object', '{"a": 1}', 'lines'],
    ['a pretty object', '{\n  "a": 1\n}\n', 'values'],
    ['pretty objects with the first key on the first line', '{"routing": {\n  "oid": "x"}}\n', 'values'],
    ['a cut-off first line followed by JSON Lines', '{"routing": {"oid": "x", "ts\n{"a": 1}\n', 'lines'],
    ['a pretty object whose second line is a nested object', '{"a":\n  {"b": 1},\n  "c": 2}\n', 'values'],
    ['a first line that is the tail of a record', 'oid": "x"}}\n{"a": 1}\n', 'lines'],
    ['empty input', '', 'lines'],
  ])('%s', (_name, text, expected) => {
    expect(detect(text)).toBe(expected);
  });

  it('waits for the end of the first line before deciding', () => {
    expect(detect('{"a": 1', false)).toBeUndefined();
    expect(detect('{"a": 1}', false)).toBeUndefined();
    expect(detect('{"a": 1}\n', false)).toBe('lines');
    expect(detect('[', false)).toBe('values');
  });

  it('waits for the second line when the first leaves a value open', () => {
    expect(detect('{\n', false)).toBeUndefined();
    expect(detect('{\n  "a"', false)).toBe('values');
    expect(detect('{"a": \n{"b": 1', false)).toBeUndefined();
  });

  it('decides for JSON Lines once the first line outgrows the limit', () => {
    expect(detect('{"a": "' + 'x'.repeat(LIMIT), false)).toBe('lines');
  });

  it('finds the end of a value through strings, escapes and nesting', () => {
    const text = '{"a": "}\\"]", "b": [1, {"c": "\\\\"}]} tail';
    expect(valueEnd(Buffer.from(text), 0, text.length)).toBe(text.indexOf(' tail'));
    expect(valueEnd(Buffer.from('{"a": [1, 2'), 0, 11)).toBe(-1);
    expect(valueEnd(Buffer.from('true, 1'), 0, 7)).toBe(4);
  });
});
