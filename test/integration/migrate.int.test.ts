import { migrate } from '../../src/graph/schema/migrate';
import { SCHEMA_STATEMENTS } from '../../src/graph/schema/statements';
import type { Runtime } from '../../src/runtime';
import { ingestLines } from '../helpers/ingest';
import { readCypher, testRuntime, uniqueOrg } from '../helpers/runtime';

describe('schema migration', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(async () => runtime.close());

  async function schemaNames(): Promise<string[]> {
    const session = runtime.driver.session();
    try {
      const constraints = await session.run('SHOW CONSTRAINTS YIELD name RETURN name');
      const indexes = await session.run('SHOW INDEXES YIELD name RETURN name');
      return [...constraints.records, ...indexes.records].map((r) => r.get('name') as string);
    } finally {
      await session.close();
    }
  }

  it('creates every constraint and index, and running it again changes nothing', async () => {
    await migrate(runtime.executor);
    const first = (await schemaNames()).sort();
    await migrate(runtime.executor);
    const second = (await schemaNames()).sort();
    expect(second).toEqual(first);
    for (const statement of SCHEMA_STATEMENTS) {
      const name = statement.cypher.match(/CREATE (?:CONSTRAINT|INDEX) (\w+)/)?.[1];
      expect(first).toContain(name);
    }
  });

  it('enforces one node per event key', async () => {
    await migrate(runtime.executor);
    const uid = `${uniqueOrg()}/atom-1`;
    const session = runtime.driver.session();
    try {
      await session.run('CREATE (:Event {uid: $uid})', { uid });
      await expect(session.run('CREATE (:Event {uid: $uid})', { uid })).rejects.toMatchObject({
        code: 'Neo.ClientError.Schema.ConstraintValidationFailed',
      });
      await session.run('MATCH (e:Event {uid: $uid}) DELETE e', { uid });
    } finally {
      await session.close();
    }
  });

  /** Every count of the org's sensors, sightings and event rollups, with its Cypher type. */
  async function counts(org: string): Promise<string[]> {
    const rows = await readCypher(
      runtime,
      `CALL () { MATCH (s:Sensor {oid: $org}) RETURN 'Sensor.eventCount' AS what, s.eventCount AS n
         UNION ALL MATCH (s:Sensor {oid: $org})-[w:SAW]->(i) RETURN 'SAW.count ' + i.value AS what, w.count AS n
         UNION ALL MATCH (r:EventRollup {oid: $org}) RETURN 'EventRollup.count ' + r.type AS what, r.count AS n }
       RETURN what + ' = ' + toString(n) + ' ' + valueType(n) AS line ORDER BY line`,
      { org },
    );
    return rows.map((r) => r.get('line') as string);
  }

  it('stores counts as INTEGER at ingest, and turns the FLOAT counts of an older graph into INTEGER', async () => {
    await migrate(runtime.executor);
    const org = uniqueOrg('int-counts');
    const lines = [1, 2, 3].map((i) =>
      JSON.stringify({
        routing: { oid: org, sid: 'sensor-c', hostname: 'count-host', event_type: 'NEW_PROCESS', event_time: 1_760_000_000_000 + i, this: `${org}-atom-${i}` },
        event: { FILE_PATH: 'C:\\bin\\same.exe', COMMAND_LINE: `same.exe ${i}` },
      }),
    );
    await ingestLines(runtime.executor, lines, 2);
    const stored = await counts(org);
    expect(stored).toEqual(expect.arrayContaining(['Sensor.eventCount = 3 INTEGER NOT NULL', 'EventRollup.count NEW_PROCESS = 3 INTEGER NOT NULL']));
    expect(stored.filter((l) => l.startsWith('SAW.count ')).length).toBeGreaterThan(0);
    expect(stored.filter((l) => !l.endsWith(' INTEGER NOT NULL'))).toEqual([]);

    // An older graph: the same counts as FLOAT, as that writer stored them, and no marker saying
    // they were converted (migrate converts once per graph).
    await readCypher(runtime, `MATCH (m:MigrationState {id: 'integer-counts'}) DELETE m`, {});
    await readCypher(
      runtime,
      `MATCH (s:Sensor {oid: $org}) SET s.eventCount = toFloat(s.eventCount)
       WITH s MATCH (s)-[w:SAW]->() SET w.count = toFloat(w.count)
       WITH DISTINCT s MATCH (r:EventRollup {oid: $org}) SET r.count = toFloat(r.count)`,
      { org },
    );
    const old = await counts(org);
    expect(old.filter((l) => !l.endsWith(' FLOAT NOT NULL'))).toEqual([]);
    await migrate(runtime.executor);
    expect(await counts(org)).toEqual(stored);
    // Once more changes nothing.
    await migrate(runtime.executor);
    expect(await counts(org)).toEqual(stored);
  });
});
