/**
 * Runs `neo4j-admin database import full` from the jars the local launcher caches
 * (org.neo4j.cli.AdminTool; no Neo4j distribution needed, only NEO4J_HOME). It writes
 * `<home>/data/databases/neo4j`, replacing what is there: callers check the target first.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchPeakRss } from '../local/peak-rss';
import { ARRAY_DELIMITER_OPTION, type CsvFileSet } from './csv';

export interface ImportToolOptions {
  /** The Neo4j home (the launcher's data dir). */
  home: string;
  libDir: string;
  files: readonly CsvFileSet[];
  /** Where the tool's report goes (bad entries; there should be none). */
  workDir: string;
  /** The JVM's -Xmx; the tool sizes its buffers from it. */
  heap: string;
  database?: string;
  onOutput?: (text: string) => void;
}

export interface ImportToolResult {
  seconds: number;
  /** Peak resident memory of the import JVM (VmHWM), MB. */
  peakRssMb: number;
}

/** The same flags the launcher gives the server's JVM (Java 17+ needs them for Neo4j's native access). */
const JVM_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-XX:+ExitOnOutOfMemoryError',
];

/** The import tool's arguments (an argument file, so thousands of paths never meet a command-line limit). */
export function importArguments(files: readonly CsvFileSet[], reportFile: string, database = 'neo4j', overwrite = true): string[] {
  const used = files.filter((f) => f.rows > 0);
  const multiline = used.filter((f) => f.multiline).map((f) => f.files[1]);
  return [
    'database',
    'import',
    'full',
    // The database name first: after the file lists, picocli would take it for one more file.
    database,
    // Without it the tool itself refuses a database that exists (the Docker path: README).
    ...(overwrite ? ['--overwrite-destination=true'] : []),
    '--id-type=string',
    `--array-delimiter=${ARRAY_DELIMITER_OPTION}`,
    // Only the files holding line breaks are parsed multi-line (single-threaded); `true` would
    // make the tool parse the whole input that way. v2 takes the list of such files.
    ...(multiline.length > 0 ? ['--multiline-fields-format=v2', `--multiline-fields=${multiline.join(',')}`] : []),
    // Every reference has its node (the builder makes placeholders): a bad one is a bug to see.
    '--skip-bad-relationships=false',
    '--skip-duplicate-nodes=false',
    '--bad-tolerance=0',
    `--report-file=${reportFile}`,
    ...used.map((f) => `--${f.kind}=${f.files.join(',')}`),
  ];
}

export async function runImportTool(options: ImportToolOptions): Promise<ImportToolResult> {
  const reportFile = join(options.workDir, 'import.report');
  const argFile = join(options.workDir, 'import.args');
  // picocli reads @file arguments one per line; quoting keeps paths with spaces whole.
  writeFileSync(argFile, `${importArguments(options.files, reportFile, options.database).map((a) => JSON.stringify(a)).join('\n')}\n`);
  const started = performance.now();
  // NEO4J_HOME is what the tool writes into. Set through env(1) so the JVM inherits the rest of
  // the environment (PATH, JAVA_HOME) without this process reading it (src/config/env.ts does).
  const java = ['java', `-Xmx${options.heap}`, ...JVM_FLAGS, '-cp', join(options.libDir, '*'), 'org.neo4j.cli.AdminTool', `@${argFile}`];
  const child = spawn('env', [`NEO4J_HOME=${options.home}`, ...java], { stdio: ['ignore', 'pipe', 'pipe'] });
  const peakRss = watchPeakRss(child.pid, 100);
  let tail = '';
  const keep = (d: Buffer) => {
    const text = d.toString();
    options.onOutput?.(text);
    tail = (tail + text).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let peakRssMb = 0;
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  }).finally(() => (peakRssMb = peakRss()));
  if (code !== 0) {
    const lines = tail.trim().split('\n').filter((l) => l.trim());
    throw new Error(`neo4j-admin database import failed (exit ${code}): ${lines.slice(-5).join(' | ')} (report: ${reportFile})`);
  }
  return { seconds: (performance.now() - started) / 1000, peakRssMb };
}
