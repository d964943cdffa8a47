/**
 * The stream generates only as fast as it is read, so a huge run costs nothing until consumed; its
 * two shards give the same bytes whether they run in worker threads or in-process.
 */
import { generate, generateText, withDefaults } from '../../../src/generate';

describe('generate: streaming', () => {
  it('generates lazily: reading one chunk of a 10-million-event run generates some thousands of events', async () => {
    const run = generate(withDefaults({ hosts: 50, events: 10_000_000, seed: 'lazy' }));
    const iterator = run.stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(run.generated()).toBeGreaterThan(0);
    expect(run.generated()).toBeLessThan(10_000);
    await iterator.return?.();
    expect(run.stream.destroyed).toBe(true);
  });

  it('gives the truth only once the stream has ended', async () => {
    const run = generate(withDefaults({ hosts: 2, events: 500, seed: 'early' }));
    expect(() => run.truth()).toThrow(/once the generated stream has been read to its end/);
    for await (const _chunk of run.stream) {
      // drain
    }
    expect(run.truth().summary.events).toBeGreaterThanOrEqual(500);
  });

  it('writes whole lines, one JSON object each, ending with a newline', async () => {
    const run = generate(withDefaults({ hosts: 3, events: 2_000, seed: 'lines', duplicates: 0, shuffle: 0 }));
    const chunks: string[] = [];
    for await (const chunk of run.stream) chunks.push((chunk as Buffer).toString('utf8'));
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    const lines = chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.every((l) => l.startsWith('{"routing":{') && l.endsWith('}}'))).toBe(true);
  });

  it('gives the same bytes and truth with the shards in worker threads', async () => {
    const options = withDefaults({ hosts: 6, events: 3_000, orgs: 2, seed: 'threads', badFraction: 0.01 });
    const threaded = generate(options, { threads: true });
    expect(threaded.threaded).toBe(true);
    const parts: Buffer[] = [];
    for await (const chunk of threaded.stream) parts.push(chunk as Buffer);
    const inProcess = await generateText(options);
    expect(Buffer.concat(parts).toString('utf8') === inProcess.text).toBe(true);
    expect(threaded.truth()).toEqual(inProcess.truth);
  });

  it('stops its worker threads when the reader stops early', async () => {
    const run = generate(withDefaults({ hosts: 20, events: 5_000_000, seed: 'early-stop' }), { threads: true });
    const iterator = run.stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
    expect(run.stream.destroyed).toBe(true);
    expect(run.generated()).toBeLessThan(100_000);
  });
});
