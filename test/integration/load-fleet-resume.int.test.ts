/**
 * A generated fleet's load that is cut off goes on where it stopped, and the graph it ends with is
 * the one an uninterrupted load builds (the 10M-event bench:scale load takes longer than a session).
 */
import { randomUUID } from 'node:crypto';
import { loadFleetOnce } from '../../src/demo/load-fleet';
import { withDefaults } from '../../src/generate';
import { readDemoMarker } from '../../src/graph/demo-marker';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { graphDump } from '../helpers/graph';
import { readCypher, testRuntime } from '../helpers/runtime';

describe('a cut-off fleet load resumes', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
  });
  afterAll(async () => runtime.close());

  const fleet = withDefaults({ hosts: 3, events: 4000, seed: `resume-${randomUUID()}`, orgs: 1 });
  const forget = () => readCypher(runtime, 'MATCH (m:DemoFleet) DETACH DELETE m', {});

  it('goes on after an abort and after a failure, and ends with the uninterrupted graph', async () => {
    const whole = await loadFleetOnce(fleet, { executor: runtime.executor, batchSize: 200 });
    expect(whole.loadedNow).toBe(true);
    const org = whole.truth.orgs[0]!.oid;
    const expected = await graphDump(runtime.driver, org);
    expect(expected.length).toBeGreaterThan(4000);

    // Afresh (no marker: the orgs are cleared), stopped by an abort a third of the way in.
    await forget();
    const abort = new AbortController();
    const first = await loadFleetOnce(fleet, {
      executor: runtime.executor,
      batchSize: 200,
      signal: abort.signal,
      onProgress: (s) => s.records >= 1200 && abort.abort(),
    });
    expect(first.interrupted).toBe(true);
    expect(first.resumedFrom).toBe(0);
    const stopped = await readDemoMarker(runtime.executor, (await markerKey())!);
    expect(stopped.events).toBeNull();
    expect(stopped.resumeFrom).toBe(first.summary!.records);

    // Then a run that dies (a write fails) after saving resume points on the way.
    let batches = 0;
    await expect(
      loadFleetOnce(fleet, {
        executor: runtime.executor,
        batchSize: 200,
        checkpointMs: 0,
        onProgress: () => {
          if (++batches === 8) throw new Error('the process died');
        },
      }),
    ).rejects.toThrow('the process died');
    const died = await readDemoMarker(runtime.executor, (await markerKey())!);
    expect(died.events).toBeNull();
    // Past the abort's point, and behind what was read by the unsure batches at most.
    expect(died.resumeFrom).toBeGreaterThan(stopped.resumeFrom);

    const last = await loadFleetOnce(fleet, { executor: runtime.executor, batchSize: 200 });
    expect(last.resumedFrom).toBe(died.resumeFrom);
    expect(last.interrupted).toBeUndefined();
    expect(last.events).toBe(whole.events);
    expect(await graphDump(runtime.driver, org)).toEqual(expected);

    const again = await loadFleetOnce(fleet, { executor: runtime.executor, batchSize: 200 });
    expect(again.loadedNow).toBe(false);
    expect(again.events).toBe(whole.events);
  }, 180_000);

  async function markerKey(): Promise<string | undefined> {
    const rows = await readCypher(runtime, 'MATCH (m:DemoFleet) RETURN m.key AS key', {});
    return rows[0]?.get('key') as string | undefined;
  }
});
