/** Facts about the database itself: version, edition, reachability. */
import type { GraphExecutor, NamedQuery } from '../executor';

export const DBMS_COMPONENTS: NamedQuery = {
  name: 'dbms components',
  cypher: "CALL dbms.components() YIELD name, versions, edition WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version, edition",
};

export const PING: NamedQuery = { name: 'ping', cypher: 'RETURN 1 AS ok' };

export interface DatabaseInfo {
  version: string;
  edition: string;
}

export async function readDatabaseInfo(executor: GraphExecutor): Promise<DatabaseInfo> {
  const result = await executor.read<{ version: string; edition: string }>(DBMS_COMPONENTS);
  const record = result.records[0];
  if (!record) throw new Error('dbms.components() returned no Neo4j Kernel row');
  return { version: record.get('version'), edition: record.get('edition') };
}

export async function ping(executor: GraphExecutor): Promise<void> {
  await executor.read(PING);
}
