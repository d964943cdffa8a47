import { createWriteLane } from '../../src/ingest/write-lane';

/** A write that ends when the test says so, recording when it started. */
function deferred(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { run: async () => { log.push(`start ${name}`); await done; log.push(`end ${name}`); return name; }, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the ingest write lane', () => {
  it('runs at most `slots` writes at once, and the rest in the order they were queued', async () => {
    const lane = createWriteLane(2);
    const log: string[] = [];
    const writes = ['a', 'b', 'c', 'd'].map((name) => deferred(log, name));
    const results = writes.map((w) => lane(w.run));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    writes[1]!.finish();
    await tick();
    // b's slot goes to c, the first queued, not to d.
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    writes[0]!.finish();
    await tick();
    expect(log.slice(4)).toEqual(['end a', 'start d']);
    writes[2]!.finish();
    writes[3]!.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
  });

  it('frees the slot of a write that failed and hands its error to its own caller only', async () => {
    const lane = createWriteLane(1);
    const failed = lane(async () => {
      throw new Error('deadlock');
    });
    const next = lane(async () => 'written');
    await expect(failed).rejects.toThrow('deadlock');
    await expect(next).resolves.toBe('written');
  });
});
