/** Command-line values -> generation options: defaults, and every problem reported at once. */
import { DEFAULTS, parseGenerateOptions } from '../../../src/generate';

describe('parseGenerateOptions', () => {
  it('fills in the defaults', () => {
    const parsed = parseGenerateOptions({ hosts: '10', events: '1000' });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({ hosts: 10, events: 1000, seed: DEFAULTS.seed, orgs: 1, stories: 1, shuffle: 0.02, duplicates: 0.001, orphans: 0.03, badFraction: 0 }),
    });
  });

  it('derives the start time from the seed, or takes it as given', () => {
    const a = parseGenerateOptions({ hosts: '1', events: '1', seed: 'a' });
    const b = parseGenerateOptions({ hosts: '1', events: '1', seed: 'b' });
    const given = parseGenerateOptions({ hosts: '1', events: '1', start: '2024-05-01T08:00:00Z' });
    expect(a.ok && b.ok && a.value.start !== b.value.start).toBe(true);
    expect(given.ok && given.value.start).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseGenerateOptions({ hosts: '1', events: '1', start: '1714550400000' })).toMatchObject({ ok: true, value: { start: 1714550400000 } });
  });

  it('defaults to one story per org', () => {
    expect(parseGenerateOptions({ hosts: '9', events: '10', orgs: '3' })).toMatchObject({ ok: true, value: { stories: 3 } });
    expect(parseGenerateOptions({ hosts: '9', events: '10', orgs: '3', stories: '0' })).toMatchObject({ ok: true, value: { stories: 0 } });
  });

  it('reports every problem together', () => {
    const parsed = parseGenerateOptions({ events: '-5', orgs: 'many', shuffle: '1.5', badFraction: '0.9', start: 'yesterday', seed: '' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      '--hosts is required',
      '--events must be a whole number from 1 to 1000000000, got "-5"',
      '--orgs must be a whole number from 1 to 1000, got "many"',
      '--seed must not be empty',
      '--start must be an ISO-8601 time or epoch milliseconds between 2000 and 2100, got "yesterday"',
      '--bad-fraction must be a fraction from 0 to 0.5, got "0.9"',
      '--shuffle must be a fraction from 0 to 1, got "1.5"',
    ]);
  });

  it('needs a host per org', () => {
    expect(parseGenerateOptions({ hosts: '2', events: '10', orgs: '3' })).toEqual({ ok: false, errors: ['--orgs (3) cannot exceed --hosts (2): every org needs a host'] });
  });

  it('takes --detections as on or off, on by default, like every other option', () => {
    expect(parseGenerateOptions({ hosts: '1', events: '1' })).toMatchObject({ ok: true, value: { detections: true } });
    expect(parseGenerateOptions({ hosts: '1', events: '1', detections: 'off' })).toMatchObject({ ok: true, value: { detections: false } });
    expect(parseGenerateOptions({ hosts: '1', events: '1', detections: 'maybe', shuffle: '2' })).toEqual({
      ok: false,
      errors: ['--shuffle must be a fraction from 0 to 1, got "2"', '--detections must be on or off, got "maybe"'],
    });
  });
});
