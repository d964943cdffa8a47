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
}

export interface LocalNeo4j {
  uri: string;
  pid: number;
  alreadyRunning: boolean;
}

interface Neo4jTool {
  startNeo4j(options: Record<string, unknown>): Promise<LocalNeo4j>;
  stopNeo4j(options: Record<string, unknown>): Promise<{ stopped: boolean }>;
}

const TOOL_PATH = join(__dirname, '..', '..', 'tools', 'neo4j', 'neo4j.mjs');

// A real dynamic import (module: node16 keeps it), since the tool is an ES module.
const loadTool = async () => (await import(pathToFileURL(TOOL_PATH).href)) as Neo4jTool;

export async function startLocalNeo4j(options: LocalNeo4jOptions): Promise<LocalNeo4j> {
  const tool = await loadTool();
  return tool.startNeo4j({ user: options.user, password: options.password, quiet: options.quiet ?? false });
}

/** Stops the local Neo4j (the one startLocalNeo4j starts, found by its pid file). */
export async function stopLocalNeo4j(): Promise<boolean> {
  const tool = await loadTool();
  return (await tool.stopNeo4j({})).stopped;
}
