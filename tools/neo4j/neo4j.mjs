#!/usr/bin/env node
// Local Neo4j without Docker: embedded Neo4j Community (jars from Maven Central) behind a tiny
// Java launcher (Launcher.java) that opens only the Bolt port. Node built-ins only, so it works
// before `npm ci` and from a jest globalSetup alike.
//
//   node tools/neo4j/neo4j.mjs start|stop|status [--port N] [--host H] [--data-dir D] [--run-dir D]
//        [--user U] [--password PW] [--no-auth] [--heap 1g] [--pagecache 256m] [--tx-timeout 0s]
//        [--timeout 120] [--quiet]
//
// Programmatic: startNeo4j(opts) / stopNeo4j(opts) / statusNeo4j(opts), see README.md.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Must match <neo4j.version> in pom.xml; it names the cache directory. */
export const NEO4J_VERSION = '5.26.31';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, 'pom.xml');
const LAUNCHER_SRC = path.join(HERE, 'Launcher.java');

/** Flags Neo4j's own server scripts pass to the JVM (Netty and the page cache need them on 17+). */
const JVM_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Djdk.nio.maxCachedBufferSize=1024',
  '-Dlog4j2.disable.jmx=true',
  // A server wedged after an OutOfMemoryError is worse than one that exits and says so.
  '-XX:+ExitOnOutOfMemoryError',
];

/** Errors meant for the user: one line, no stack trace. */
class Neo4jToolError extends Error {}

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'atomgraph', `neo4j-${NEO4J_VERSION}`);
}

/**
 * Options > environment > defaults. Env is read here on purpose: this is a dev tool.
 * A custom dataDir gets its own runDir (<dataDir>/run) unless one is given, so two servers on
 * different data dirs never share a pid file.
 */
function resolveOptions(opts = {}) {
  const env = process.env;
  const root = cacheRoot();
  const pick = (v, e, d) => (v !== undefined && v !== null ? v : e !== undefined && e !== '' ? e : d);
  const dataDir = path.resolve(pick(opts.dataDir, env.NEO4J_DATA_DIR, path.join(root, 'data')));
  const defaultRun = dataDir === path.join(root, 'data') ? path.join(root, 'run') : path.join(dataDir, 'run');
  const port = Number(pick(opts.port, env.NEO4J_PORT, 7687));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Neo4jToolError(`bad port: ${opts.port ?? env.NEO4J_PORT}`);
  return {
    host: pick(opts.host, env.NEO4J_HOST, '127.0.0.1'),
    port,
    dataDir,
    runDir: path.resolve(pick(opts.runDir, undefined, defaultRun)),
    user: pick(opts.user, env.NEO4J_USERNAME, 'neo4j'),
    password: pick(opts.password, env.NEO4J_PASSWORD, 'atomgraph-dev'),
    auth: opts.auth !== false,
    heap: pick(opts.heap, env.NEO4J_HEAP, '1g'),
    pagecache: pick(opts.pagecache, undefined, '256m'),
    txTimeout: pick(opts.txTimeout, undefined, '0s'),
    timeoutMs: Number(pick(opts.timeoutMs, undefined, 120_000)),
    exitWithParent: opts.exitWithParent !== false,
    quiet: Boolean(opts.quiet),
    libDir: path.join(root, 'lib'),
    classesRoot: path.join(root, 'classes'),
  };
}

function runFiles(o) {
  return { pidFile: path.join(o.runDir, 'neo4j.pid'), logFile: path.join(o.runDir, 'neo4j.log') };
}

/** Removes the pid file only if it still names `pid` (a concurrent start may have replaced it). */
function removePidFile(pidFile, pid) {
  try {
    if (JSON.parse(fs.readFileSync(pidFile, 'utf8')).pid !== pid) return;
  } catch {
    /* unreadable or gone: remove */
  }
  fs.rmSync(pidFile, { force: true });
}

function say(o, msg) {
  if (!o.quiet) process.stderr.write(`neo4j: ${msg}\n`);
}

const sha256 = (...parts) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);

/** Runs a command to completion, capturing its output. */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Neo4j 5.26 needs a JDK 17 or 21 (javac too: the launcher is compiled once). */
function checkJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error?.code === 'ENOENT') throw new Neo4jToolError('java not found on PATH (Neo4j 5.26 needs a JDK 17 or 21)');
  const m = /version "(\d+)/.exec(r.stderr || '');
  if (m && Number(m[1]) < 17) throw new Neo4jToolError(`java ${m[1]} found, Neo4j 5.26 needs Java 17 or 21`);
  const c = spawnSync('javac', ['-version'], { encoding: 'utf8' });
  if (c.error?.code === 'ENOENT') throw new Neo4jToolError('javac not found on PATH (install a JDK, not just a JRE)');
}

/**
 * Jar closure of org.neo4j:neo4j, copied once by Maven into the cache. A marker holding the pom's
 * hash marks a complete copy: an interrupted download or an edited pom triggers a fresh copy.
 * The copy goes to a temp dir renamed into place, so a half-copied lib/ is never used.
 */
async function ensureJars(o) {
  const marker = path.join(o.libDir, '.complete');
  const want = sha256(fs.readFileSync(POM, 'utf8'));
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === want) return;

  if (spawnSync('mvn', ['-v']).error?.code === 'ENOENT') {
    throw new Neo4jToolError('mvn not found on PATH (needed once, to fetch the Neo4j jars from Maven Central)');
  }
  // Leftovers of interrupted copies (their process is gone) would only waste ~125 MB.
  const root = path.dirname(o.libDir);
  fs.mkdirSync(root, { recursive: true });
  for (const name of fs.readdirSync(root)) {
    const m = /^lib\.partial-(\d+)$/.exec(name);
    if (m && !isAlive(Number(m[1]))) fs.rmSync(path.join(root, name), { recursive: true, force: true });
  }

  say(o, `fetching Neo4j ${NEO4J_VERSION} jars with Maven (once; ~125 MB) into ${o.libDir}`);
  const tmp = `${o.libDir}.partial-${process.pid}`;
  const { code, out } = await run('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-Dlib.dir=${tmp}`]);
  if (code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const last = out.trim().split('\n').filter((l) => /ERROR/.test(l)).slice(0, 3).join(' | ') || out.trim().split('\n').pop();
    throw new Neo4jToolError(`mvn could not fetch the Neo4j jars: ${last}`);
  }
  fs.writeFileSync(path.join(tmp, '.complete'), `${want}\n`);
  fs.rmSync(o.libDir, { recursive: true, force: true });
  try {
    fs.renameSync(tmp, o.libDir);
  } catch (e) {
    // Another process finished its copy first: use theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(marker)) throw e;
  }
}

/** Compiles Launcher.java once per (source, Neo4j version) into classes/<hash>/. */
async function ensureLauncher(o) {
  const src = fs.readFileSync(LAUNCHER_SRC, 'utf8');
  const dir = path.join(o.classesRoot, sha256(src, NEO4J_VERSION));
  if (fs.existsSync(path.join(dir, 'Launcher.class'))) return dir;

  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const { code, out } = await run('javac', ['-nowarn', '-cp', path.join(o.libDir, '*'), '-d', tmp, LAUNCHER_SRC]);
  if (code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Neo4jToolError(`javac failed on ${LAUNCHER_SRC}: ${out.trim().split('\n')[0]}`);
  }
  // Old builds are useless once the source changed.
  for (const old of fs.readdirSync(o.classesRoot)) {
    if (old !== path.basename(tmp)) fs.rmSync(path.join(o.classesRoot, old), { recursive: true, force: true });
  }
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // a concurrent compile won
  }
  return dir;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  // A dead child we have not reaped yet still answers kill(0) on Linux: treat zombies as dead.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) is all we have
  }
}

/** Pid file contents if it names a live launcher; a stale pid file is removed. */
function readRunning(o) {
  const { pidFile } = runFiles(o);
  let info;
  try {
    info = JSON.parse(fs.readFileSync(pidFile, 'utf8'));
  } catch {
    return null;
  }
  let ours = isAlive(info.pid);
  if (ours) {
    // Guard against pid reuse after a reboot or crash: the process must be our launcher.
    try {
      ours = fs.readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').includes('Launcher');
    } catch {
      /* no /proc: trust kill(0) */
    }
  }
  if (!ours) {
    fs.rmSync(pidFile, { force: true });
    return null;
  }
  return info;
}

/** Resolves if host:port can be listened on; a clear error if it is taken. */
function checkPortFree(host, port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (e) =>
      reject(e.code === 'EADDRINUSE' ? new Neo4jToolError(`port ${port} on ${host} is already in use`) : new Neo4jToolError(`cannot listen on ${host}:${port}: ${e.message}`)),
    );
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve()));
  });
}

function tcpConnects(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function readLog(logFile) {
  try {
    return fs.readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Starts Neo4j in the background unless one already runs for this runDir.
 * @returns {Promise<{uri: string, pid: number, alreadyRunning: boolean, host: string, port: number,
 *   user: string, password: string, auth: boolean, dataDir: string, runDir: string, logFile: string}>}
 */
export async function startNeo4j(opts = {}) {
  const o = resolveOptions(opts);
  fs.mkdirSync(o.runDir, { recursive: true });
  // One start at a time per runDir: two would share the pid and log files and read each
  // other's READY/FAILED lines. A second caller waits, then finds the first one's server.
  const release = await lockRunDir(o);
  try {
    return await startLocked(o);
  } finally {
    release();
  }
}

async function lockRunDir(o) {
  const lockFile = path.join(o.runDir, 'start.lock');
  const deadline = Date.now() + 15 * 60_000; // a first start may spend minutes in mvn
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const holder = Number(readLog(lockFile));
    if (!holder || !isAlive(holder)) {
      fs.rmSync(lockFile, { force: true }); // left by a start that was killed
      continue;
    }
    if (Date.now() > deadline) throw new Neo4jToolError(`another start (pid ${holder}) holds ${lockFile}`);
    await sleep(250);
  }
}

async function startLocked(o) {
  const { pidFile, logFile } = runFiles(o);
  const result = (info, alreadyRunning) => ({
    uri: info.uri,
    pid: info.pid,
    alreadyRunning,
    host: info.host,
    port: info.port,
    user: o.user,
    password: o.password,
    auth: o.auth,
    dataDir: info.dataDir,
    runDir: o.runDir,
    logFile,
  });

  const running = readRunning(o);
  if (running?.uri) {
    return result(running, true);
  }
  if (running) throw new Neo4jToolError(`a Neo4j is still starting (pid ${running.pid}); see ${logFile}`);

  checkJava();
  if (o.port !== 0) await checkPortFree(o.host, o.port); // before the slow parts, and clearer than Java's error
  await ensureJars(o);
  const classes = await ensureLauncher(o);

  fs.mkdirSync(o.dataDir, { recursive: true });
  const args = [
    `-Xmx${o.heap}`,
    ...JVM_FLAGS,
    '-cp',
    `${classes}${path.delimiter}${path.join(o.libDir, '*')}`,
    'Launcher',
    '--host', o.host,
    '--port', String(o.port),
    '--data-dir', o.dataDir,
    '--user', o.user,
    '--pagecache', o.pagecache,
    '--tx-timeout', o.txTimeout,
    ...(o.auth ? [] : ['--no-auth']),
    ...(o.exitWithParent ? ['--exit-with-parent', String(process.pid)] : []),
  ];
  const log = fs.openSync(logFile, 'w');
  // detached: own process group, so the server survives the CLI exiting and terminal Ctrl-C.
  // The password travels in the environment, not in argv (visible in `ps`).
  const child = spawn('java', args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, NEO4J_PASSWORD: o.password },
  });
  fs.closeSync(log);
  let exitCode = null;
  child.on('exit', (code, signal) => (exitCode = code ?? signal));
  child.unref();
  // Written at once so `stop` can find a server that is still starting.
  const info = { pid: child.pid, host: o.host, port: o.port, uri: null, dataDir: o.dataDir, logFile, startedAt: new Date().toISOString() };
  fs.writeFileSync(pidFile, JSON.stringify(info));

  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const text = readLog(logFile);
    const failed = /^FAILED (.*)$/m.exec(text);
    const ready = /^READY (bolt:\/\/\S+)$/m.exec(text);
    if (failed || exitCode !== null || !isAlive(child.pid)) {
      await killAndWait(child.pid, 10_000); // normally already exiting; never leave it behind
      removePidFile(pidFile, child.pid);
      const lastLine = text.trim().split('\n').pop();
      throw new Neo4jToolError(failed ? failed[1] : `Neo4j exited during startup (${exitCode ?? 'unknown'}): ${lastLine || 'no output'}; see ${logFile}`);
    }
    if (ready) {
      const url = new URL(ready[1]);
      const port = Number(url.port);
      if (await tcpConnects(o.host, port)) {
        Object.assign(info, { uri: ready[1], port });
        fs.writeFileSync(pidFile, JSON.stringify(info));
        return result(info, false);
      }
    }
    if (Date.now() > deadline) {
      await killAndWait(child.pid, 30_000);
      removePidFile(pidFile, child.pid);
      throw new Neo4jToolError(`Neo4j did not become ready within ${Math.round(o.timeoutMs / 1000)} s; see ${logFile}`);
    }
    await sleep(200);
  }
}

async function waitForExit(pid, ms) {
  const until = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > until) return false;
    await sleep(100);
  }
  return true;
}

/** SIGTERM lets the launcher's shutdown hook close the store cleanly; SIGKILL only as a last resort. */
async function killAndWait(pid, ms) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitForExit(pid, ms)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForExit(pid, 5_000);
}

/**
 * Stops the server recorded in runDir's pid file.
 * @returns {Promise<{stopped: boolean, pid?: number, uri?: string}>}
 */
export async function stopNeo4j(opts = {}) {
  const o = resolveOptions(opts);
  const { pidFile } = runFiles(o);
  const running = readRunning(o);
  if (!running) {
    return { stopped: false };
  }
  await killAndWait(running.pid, Number(opts.stopTimeoutMs ?? 30_000));
  removePidFile(pidFile, running.pid);
  return { stopped: true, pid: running.pid, uri: running.uri ?? undefined };
}

/** @returns {{running: boolean, uri?: string, pid?: number}} */
/** Fetches the jars and compiles the launcher without starting anything (CI's provisioning step). */
export async function provisionNeo4j(opts = {}) {
  const o = resolveOptions(opts);
  checkJava();
  await ensureJars(o);
  const classes = await ensureLauncher(o);
  return { libDir: o.libDir, classes };
}

/**
 * Where a server with these options keeps things: the Neo4j home (dataDir; its store is
 * data/databases/neo4j), the run dir and the jar closure (the bulk import runs neo4j-admin's
 * import tool from it).
 */
export function localPaths(opts = {}) {
  const o = resolveOptions(opts);
  return { dataDir: o.dataDir, runDir: o.runDir, libDir: o.libDir, storeDir: path.join(o.dataDir, 'data', 'databases', 'neo4j') };
}

export function statusNeo4j(opts = {}) {
  const o = resolveOptions(opts);
  const running = readRunning(o);
  if (!running) return { running: false };
  return { running: true, starting: !running.uri, uri: running.uri ?? undefined, pid: running.pid };
}

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'run-dir': { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      'no-auth': { type: 'boolean' },
      heap: { type: 'string' },
      pagecache: { type: 'string' },
      'tx-timeout': { type: 'string' },
      timeout: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  const opts = {
    port: values.port,
    host: values.host,
    dataDir: values['data-dir'],
    runDir: values['run-dir'],
    user: values.user,
    password: values.password,
    auth: !values['no-auth'],
    heap: values.heap,
    pagecache: values.pagecache,
    txTimeout: values['tx-timeout'],
    timeoutMs: values.timeout ? Number(values.timeout) * 1000 : undefined,
    quiet: values.quiet,
    exitWithParent: false, // the CLI exits right away; the server is meant to stay up
  };
  const cmd = positionals[0];
  if (cmd === 'provision') {
    const r = await provisionNeo4j(opts);
    console.log(`Neo4j ${NEO4J_VERSION} ready to start: jars in ${r.libDir}, launcher in ${r.classes}`);
    return 0;
  }
  if (cmd === 'start') {
    const r = await startNeo4j(opts);
    console.log(r.alreadyRunning ? `Neo4j already running at ${r.uri} (pid ${r.pid})` : `Neo4j ${NEO4J_VERSION} running at ${r.uri} (pid ${r.pid}, user ${r.auth ? r.user : '(auth off)'}, log ${r.logFile})`);
    return 0;
  }
  if (cmd === 'stop') {
    const r = await stopNeo4j(opts);
    console.log(r.stopped ? `Neo4j stopped (pid ${r.pid})` : 'Neo4j is not running');
    return 0;
  }
  if (cmd === 'status') {
    const r = statusNeo4j(opts);
    if (!r.running) console.log('Neo4j is not running');
    else console.log(r.starting ? `Neo4j is starting (pid ${r.pid})` : `Neo4j running at ${r.uri} (pid ${r.pid})`);
    return r.running ? 0 : 3; // 3 = not running, as LSB init scripts do
  }
  console.error('usage: node tools/neo4j/neo4j.mjs provision|start|stop|status [options]  (see tools/neo4j/README.md)');
  return 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      const oneLine = e instanceof Neo4jToolError || String(e?.code).startsWith('ERR_PARSE_ARGS');
      console.error(`neo4j: ${oneLine ? e.message : e.stack || e}`);
      process.exitCode = 1;
    },
  );
}
