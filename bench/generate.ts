/**
 * `npm run bench:generate`: how fast `atomgraph generate` writes telemetry, as users run it (the
 * built CLI in a child process, its shards in worker threads), side by side in one run:
 *   - to a plain file and to a .gz file, at BENCH_GEN_EVENTS (default 1,000,000) events, three times each;
 *   - at 10x that to .gz, to show memory stays flat as the run grows.
 * Peak RSS is the child's VmHWM (main thread and workers). Results: bench/results/generate-<timestamp>.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeResult } from './lib/results';

const ROOT = join(__dirname, '..');
const EVENTS = Number(process.env['BENCH_GEN_EVENTS'] ?? 1_000_000);
const HOSTS = Number(process.env['BENCH_GEN_HOSTS'] ?? 200);
const REPEATS = Number(process.env['BENCH_GEN_REPEATS'] ?? 3);

interface Run {
  output: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: number;
  bytes: number;
}

async function runGenerate(out: string, events: number): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'atomgraph.js'), 'generate', '--hosts', String(HOSTS), '--events', String(events), '--seed', 'bench', '--out', out, '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let peakKb = 0;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // The child has exited between two samples.
    }
  };
  const timer = setInterval(sample, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`atomgraph generate exited with ${code}`);
  const seconds = (performance.now() - started) / 1000;
  const bytes = statSync(out).size;
  rmSync(out, { force: true });
  return { output: out.endsWith('.gz') ? 'file .jsonl.gz' : 'file .jsonl', events, seconds, eventsPerSecond: Math.round(events / seconds), peakRssMb: Math.round(peakKb / 1024), bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const dir = join(tmpdir(), `atomgraph-bench-generate-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const runs: Run[] = [];
  try {
    for (let i = 0; i < REPEATS; i++) {
      // Interleaved, so a busy moment on the machine hits both outputs alike.
      runs.push(await runGenerate(join(dir, 'fleet.jsonl'), EVENTS));
      runs.push(await runGenerate(join(dir, 'fleet.jsonl.gz'), EVENTS));
    }
    runs.push(await runGenerate(join(dir, 'fleet-10x.jsonl.gz'), EVENTS * 10));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const summary = ['file .jsonl', 'file .jsonl.gz'].map((output) => {
    const mine = runs.filter((r) => r.output === output && r.events === EVENTS);
    return { output, events: EVENTS, medianEventsPerSecond: median(mine.map((r) => r.eventsPerSecond)), eventsPerSecond: mine.map((r) => r.eventsPerSecond), peakRssMb: Math.max(...mine.map((r) => r.peakRssMb)), mbPerMillion: Math.round((mine[0]?.bytes ?? 0) / 1e6 / (EVENTS / 1e6)) };
  });
  const big = runs[runs.length - 1]!;
  const result = { date: new Date().toISOString(), hosts: HOSTS, runs, summary, tenfold: big };
  const file = writeResult('generate', result);
  process.stdout.write(`| output | events | events/s (median of ${REPEATS}) | runs | peak RSS (MB) | MB per 1M events |\n|---|---:|---:|---|---:|---:|\n`);
  for (const s of summary) process.stdout.write(`| ${s.output} | ${s.events} | ${s.medianEventsPerSecond} | ${s.eventsPerSecond.join(', ')} | ${s.peakRssMb} | ${s.mbPerMillion} |\n`);
  process.stdout.write(`| ${big.output} (10x) | ${big.events} | ${big.eventsPerSecond} | 1 run | ${big.peakRssMb} | ${Math.round(big.bytes / 1e6 / (big.events / 1e6))} |\n`);
  process.stdout.write(`results in ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:generate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
