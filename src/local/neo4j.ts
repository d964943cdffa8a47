/**
 * Bridge to the embedded-Neo4j dev tool (tools/neo4j/neo4j.mjs) for `npm start` without NEO4J_URI.
 * The tool is plain ESM so jest's global setup and npm scripts can use it without a build.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LocalNeo4jOptions {
  user: string;
  password: string;
  quiet?: boolean;
  /** Neo4j home; the launcher's default (or NEO4J_DATA_DIR, which the tool reads) when absent. */
  dataDir?: string;
  /** 0 for any free port. */
  port?: number;
  /** Keep running after this process exits (otherwise it stops with it). */
  stayUp?: boolean;
  /** How long to wait for Bolt (the tool's default, 120 s, when absent). */
  readyTimeoutMs?: number;
}

export interface LocalNeo4jPaths {
  dataDir: string;
  runDir: string;
  /** The cached jar closure (the server's and neo4j-admin's). */
  libDir: string;
  /** The `neo4j` database's store inside the home. */
  storeDir: string;
}

export interface LocalNeo4j {
  uri: string;
  pid: number;
  alreadyRunning: boolean;
}

interface Neo4jTool {
  startNeo4j(options: Record<string, unknown>): Promise<LocalNeo4j>;
  stopNeo4j(options: Record<string, unknown>): Promise<{ stopped: boolean }>;
  statusNeo4j(options: Record<string, unknown>): { running: boolean; uri?: string; pid?: number };
  localPaths(options: Record<string, unknown>): LocalNeo4jPaths;
  provisionNeo4j(options: Record<string, unknown>): Promise<{ libDir: string }>;
}

const TOOL_PATH = join(__dirname, '..', '..', 'tools', 'neo4j', 'neo4j.mjs');

// A real dynamic import (module: node16 keeps it), since the tool is an ES module.
const loadTool = async () => (await import(pathToFileURL(TOOL_PATH).href)) as Neo4jTool;

export async function startLocalNeo4j(options: LocalNeo4jOptions): Promise<LocalNeo4j> {
  const tool = await loadTool();
  return tool.startNeo4j({ user: options.user, password: options.password, quiet: options.quiet ?? false, dataDir: options.dataDir, port: options.port, exitWithParent: !options.stayUp, timeoutMs: options.readyTimeoutMs });
}

/** Stops the local Neo4j (the one startLocalNeo4j starts, found by its pid file). */
export async function stopLocalNeo4j(dataDir?: string): Promise<boolean> {
  const tool = await loadTool();
  return (await tool.stopNeo4j({ dataDir })).stopped;
}

/** Whether a local Neo4j runs on this home (found by its run dir's pid file). */
export async function localNeo4jRunning(dataDir?: string): Promise<boolean> {
  const tool = await loadTool();
  return tool.statusNeo4j({ dataDir }).running;
}

/** Paths of the local Neo4j on this home; the jars are fetched first if they are not cached. */
export async function localNeo4jPaths(dataDir?: string): Promise<LocalNeo4jPaths> {
  const tool = await loadTool();
  await tool.provisionNeo4j({ dataDir, quiet: true });
  return tool.localPaths({ dataDir });
}
