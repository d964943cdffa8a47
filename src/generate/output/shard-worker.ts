/**
 * A shard run in a worker thread: generates batches ahead of the merge (at most PREFETCH waiting),
 * transferring their buffers, then reports the shard's result. The main thread asks for more with
 * a message per batch it takes, handing back the memory of the batch it has finished merging.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { GenerateOptions } from '../options';
import type { ShardPlan } from '../sim/shards';
import { ShardRunner } from './shard';

export const PREFETCH = 2;

export type WorkerMessage = { kind: 'batch'; bytes: Uint8Array; ends: Uint32Array; times: Float64Array; generated: number } | { kind: 'done'; result: ReturnType<ShardRunner['result']> };

if (parentPort) {
  const port = parentPort;
  const { options, plan } = workerData as { options: GenerateOptions; plan: ShardPlan };
  const runner = new ShardRunner(options, plan);
  let credit = PREFETCH;
  let finished = false;
  const pump = () => {
    while (credit > 0 && !finished) {
      const batch = runner.next();
      if (!batch) {
        finished = true;
        port.postMessage({ kind: 'done', result: runner.result() } satisfies WorkerMessage);
        return;
      }
      credit -= 1;
      port.postMessage({ kind: 'batch', ...batch } satisfies WorkerMessage, [batch.bytes.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer, batch.times.buffer as ArrayBuffer]);
    }
  };
  port.on('message', (m: { recycle?: ArrayBuffer }) => {
    if (m.recycle) runner.recycle(new Uint8Array(m.recycle));
    credit += 1;
    pump();
  });
  pump();
}
