import { migrate } from '../../src/graph/schema/migrate';
import { SCHEMA_STATEMENTS } from '../../src/graph/schema/statements';
import type { Runtime } from '../../src/runtime';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

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
});
