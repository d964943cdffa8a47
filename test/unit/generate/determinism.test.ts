/** Same options, same bytes; another seed, another fleet. */
import { generate, withDefaults } from '../../../src/generate';
import { parseLine, run } from './helpers';

const options = { hosts: 6, events: 3000, orgs: 2, seed: 'determinism', badFraction: 0.02 };

describe('generate: determinism', () => {
  it('gives the same bytes for the same options, wrinkles included', async () => {
    const first = await run(options);
    // A second, independent run (not the helper's cache), read through stream events.
    const again = await new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      const { stream } = generate(withDefaults(options));
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      stream.on('error', reject);
    });
    expect(again === first.text).toBe(true);
    expect(first.truth.summary.badLines).toBeGreaterThan(0);
  });

  it('gives another fleet for another seed', async () => {
    const a = await run(options);
    const b = await run({ ...options, seed: 'determinism-2' });
    const fleet = (lines: string[]) => {
      const good = lines.filter((l) => l.startsWith('{"routing"') && l.endsWith('}}'));
      return new Set(good.slice(0, 500).map((l) => `${String(parseLine(l).routing['hostname'])}/${parseLine(l).sid}`));
    };
    expect(b.text).not.toBe(a.text);
    const overlap = [...fleet(b.lines)].filter((h) => fleet(a.lines).has(h));
    expect(overlap).toEqual([]);
  });

  it('does not depend on how the stream is read', async () => {
    const { stream } = generate(withDefaults(options));
    const parts: Buffer[] = [];
    // Paused mode, a read() at a time, with pauses between reads.
    stream.pause();
    for (;;) {
      const chunk = stream.read() as Buffer | null;
      if (chunk) parts.push(chunk);
      else if (stream.readableEnded) break;
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(Buffer.concat(parts).toString('utf8') === (await run(options)).text).toBe(true);
  });
});
