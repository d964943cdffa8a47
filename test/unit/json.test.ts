import { parseJson, stringifyJson } from '../../src/domain/json';

describe('lossless JSON', () => {
  it('keeps integers beyond 2^53 exactly, as bigint', () => {
    const result = parseJson('{"STACK_TRACE_FRAME_PC": 4035225266123964416, "small": 12}');
    expect(result).toEqual({ ok: true, value: { STACK_TRACE_FRAME_PC: 4035225266123964416n, small: 12 } });
  });

  it('keeps unsigned 64-bit values beyond 2^63 exactly', () => {
    const result = parseJson('[18446744073709551615]');
    expect(result.ok && (result.value as bigint[])[0]).toBe(18446744073709551615n);
  });

  it('round-trips big integers through stringify with the same digits', () => {
    const text = '{"a":[1,4035225266123964416,-9223372036854775808],"b":"x"}';
    const result = parseJson(text);
    expect(result.ok && stringifyJson(result.value)).toBe(text);
  });

  it('takes the fast path and still parses when long digit runs sit in strings', () => {
    const result = parseJson('{"atom":"12345678901234567890","n":1.5}');
    expect(result).toEqual({ ok: true, value: { atom: '12345678901234567890', n: 1.5 } });
  });

  it('explains invalid JSON', () => {
    const result = parseJson('{"routing": {');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^not valid JSON/);
  });

  it('rejects invalid JSON on the lossless path too', () => {
    const result = parseJson('{"x": 12345678901234567890,');
    expect(result.ok).toBe(false);
  });
});
