/** Feeds in-memory records through the real ingest pipeline (the same path as the CLI and HTTP). */
import type { GraphExecutor } from '../../src/graph/executor';
import { ingest, type IngestSummary, type Reject, type Warning } from '../../src/ingest/pipeline';
import { readBuffer } from '../../src/ingest/read';

export async function ingestLines(
  executor: GraphExecutor,
  lines: readonly string[],
  batchSize = 500,
): Promise<{ summary: IngestSummary; rejects: Reject[]; warnings: Warning[] }> {
  const rejects: Reject[] = [];
  const warnings: Warning[] = [];
  const summary = await ingest(readBuffer(Buffer.from(lines.join('\n')), 'test'), {
    executor,
    batchSize,
    onReject: (r) => rejects.push(r),
    onWarning: (w) => warnings.push(w),
  });
  return { summary, rejects, warnings };
}

/** A deterministic shuffle (seeded), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
