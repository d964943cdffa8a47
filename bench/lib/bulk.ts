/**
 * The bulk row of bench:ingest: `atomgraph import` as users run it (the built CLI, a child
 * process), into a Neo4j home of its own, from the command's start to its end (a queryable graph,
 * every index online). Peak RSS of the Node process is polled here; the import JVM's peak is the
 * one the command reports. The load average is taken before and after (the machine is shared).
 */
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchPeakRss } from '../../src/local/peak-rss';

const ROOT = join(__dirname, '..', '..');

export interface BulkResult {
  path: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: number;
  importJvmPeakRssMb: number;
  importToolSeconds: number;
  heap: string;
  /** Seconds per stage, as the command prints them (`import: stages: ...`). */
  stages: Record<string, number>;
  /** The Node process's RSS after reading (the builder's maps at their largest), as the command prints it. */
  readRssMb: number;
  loadAverage: { before: number[]; after: number[] };
  output: string;
}

export async function runBulk(file: string, events: number, heap: string): Promise<BulkResult> {
  const home = join(tmpdir(), `atomgraph-bench-bulk-${process.pid}`);
  rmSync(home, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env['NEO4J_URI'];
  const before = loadavg();
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'atomgraph.js'), 'import', file, '--data-dir', home, '--port', '0', '--heap', heap], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const peakRss = watchPeakRss(child.pid);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const peakRssMb = peakRss();
  const seconds = (performance.now() - started) / 1000;
  const after = loadavg();
  try {
    execFileSync(process.execPath, [join(ROOT, 'tools', 'neo4j', 'neo4j.mjs'), 'stop', '--data-dir', home], { stdio: 'ignore' });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  if (code !== 0) throw new Error(`atomgraph import exited ${code}: ${out}`);
  process.stderr.write(`  bulk: ${out.trim()}\n`);
  const tool = /import tool ([\d.]+) s, its peak RSS (\d+) MB/.exec(out);
  const stageLine = /stages: (.*)/.exec(out)?.[1] ?? '';
  const stages: Record<string, number> = {};
  for (const m of stageLine.matchAll(/(read\+csv|import tool|start|indexes|rollups\+first read|total) ([\d.]+) s/g)) stages[m[1] as string] = Number(m[2]);
  return {
    path: `bulk: atomgraph import (${events} events, to a queryable graph with its indexes online)`,
    events,
    seconds,
    eventsPerSecond: Math.round(events / seconds),
    peakRssMb,
    importJvmPeakRssMb: Number(tool?.[2] ?? 0),
    importToolSeconds: Number(tool?.[1] ?? 0),
    heap,
    stages,
    readRssMb: Number(/Node RSS (\d+) MB/.exec(stageLine)?.[1] ?? 0),
    loadAverage: { before, after },
    output: out.trim(),
  };
}
