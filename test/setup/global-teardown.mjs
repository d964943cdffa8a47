// Stops the throwaway Neo4j the global setup started (if it started one) and removes its files.
import { rmSync } from 'node:fs';
import { stopNeo4j } from '../../tools/neo4j/neo4j.mjs';

export default async function globalTeardown() {
  const started = globalThis.__ATOMGRAPH_TEST_NEO4J__;
  if (!started) return;
  await stopNeo4j({ runDir: started.runDir, dataDir: started.dataDir, quiet: true });
  rmSync(started.dir, { recursive: true, force: true });
}
