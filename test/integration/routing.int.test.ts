// The API through a routing URI (neo4j://), which a single Community server answers with a routing
// table of its own: ingest and queries work, every read is sent as a read and every write as a
// write (the server refuses a write sent as a read, so a read path that wrote would fail here),
// and the bookmark a write leaves makes the next read on this process wait for it.
import { randomBytes, randomUUID } from 'node:crypto';
import { startServer, type RunningServer } from '../../src/api/server';
import { createLogger } from '../../src/log/logger';
import { migrate } from '../../src/graph/schema/migrate';
import { createRuntime, type Runtime } from '../../src/runtime';
import { uniqueOrg } from '../helpers/runtime';

const routingUri = (uri: string) => uri.replace(/^bolt(\+s|\+ssc)?:\/\//, 'neo4j$1://');

describe('the API through neo4j:// (routing)', () => {
  let runtime: Runtime;
  let server: RunningServer;
  const statements: { name: string; mode: 'READ' | 'WRITE' }[] = [];

  beforeAll(async () => {
    const uri = routingUri(process.env['NEO4J_URI'] ?? 'bolt://127.0.0.1:7687');
    expect(uri.startsWith('neo4j://')).toBe(true);
    runtime = await createRuntime({ overrides: { NEO4J_URI: uri, AUTH: 'off', LOG_LEVEL: 'silent', NEO4J_MAX_RETRY_MS: 3_000 }, logger: createLogger('silent') });
    await migrate(runtime.executor);
    runtime.executor.observe(({ name, mode }) => void statements.push({ name, mode }));
    server = await startServer({ config: runtime.config, executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await runtime?.close();
  });

  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };

  it('stores through ingestEvents as writes and reads them back at once as reads', async () => {
    const org = uniqueOrg('routing');
    const parent = randomBytes(16).toString('hex');
    const sid = randomUUID();
    const events = Array.from({ length: 25 }, (_, i) => ({
      routing: { this: i === 0 ? parent : randomBytes(16).toString('hex'), parent: i === 0 ? null : parent, event_type: 'NEW_PROCESS', event_time: 1_760_000_000_000 + i, oid: org, sid, hostname: 'routed' },
      event: { FILE_PATH: `C:\\r${i}.exe` },
    }));
    statements.length = 0;
    const stored = await gql('mutation($e: [JSON!]!) { ingestEvents(events: $e) { accepted rejected } }', { e: events });
    expect(stored).toEqual({ data: { ingestEvents: { accepted: 25, rejected: 0 } } });
    const ingestModes = new Set(statements.filter((s) => s.name.startsWith('ingest')).map((s) => s.mode));
    expect([...ingestModes]).toEqual(['WRITE']);
    // This process holds the bookmark of that write: its next read waits for it on any member.
    expect([...(await runtime.executor.bookmarks.getBookmarks())].length).toBeGreaterThan(0);

    statements.length = 0;
    const read = await gql(
      `query($o: [String!]) { events(filter: { orgIds: $o }) { totalCount }
         descendants(atom: "${parent}", orgId: "${org}") { nodes { atom } } }`,
      { o: [org] },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.['events']).toEqual({ totalCount: 25 });
    expect((read.data?.['descendants'] as { nodes: unknown[] }).nodes).toHaveLength(24);
    expect(statements.length).toBeGreaterThan(0);
    expect(new Set(statements.map((s) => s.mode))).toEqual(new Set(['READ']));
  });

  it('sends reads as reads: a write sent through the read path is refused by the server', async () => {
    await expect(runtime.executor.read({ name: 'test: write as read', cypher: 'CREATE (n:RoutingProbe) DELETE n' })).rejects.toMatchObject({ code: 'Neo.ClientError.Statement.AccessMode' });
  });
});
