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
}

const TOOL_PATH = join(__dirname, '..', '..', 'tools', 'neo4j', 'neo4j.mjs');

export async function startLocalNeo4j(options: LocalNeo4jOptions): Promise<LocalNeo4j> {
  // A real dynamic import (module: node16 keeps it), since the tool is an ES module.
  const tool = (await import(pathToFileURL(TOOL_PATH).href)) as Neo4jTool;
  return tool.startNeo4j({ user: options.user, password: options.password, quiet: options.quiet ?? false });
}
