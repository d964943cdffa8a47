// Every sample body of the seed catalogue, wrapped in a routing envelope, is stored and comes back
// exactly (raw, with 64-bit integers intact) and with its promoted fields typed as the catalogue says.
import { eventTypeSpec, PROMOTED_PROPERTIES, promotedValues } from '../../src/catalogue';
import { migrate } from '../../src/graph/schema/migrate';
import { parseJson, stringifyJson } from '../../src/ingest/parse';
import type { Runtime } from '../../src/runtime';
import { ingestLines } from '../helpers/ingest';
import { testRuntime, uniqueOrg } from '../helpers/runtime';
import { readSeedCatalogue } from '../helpers/seeds';

const sections = readSeedCatalogue().sections.filter((s) => s.body !== undefined);

describe('seed sample bodies round-trip through the graph', () => {
  let runtime: Runtime;
  const org = uniqueOrg('seeds');
  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    const lines = sections.map((s, i) =>
      stringifyJson({ routing: { this: `seed-${i}`, event_type: s.eventType, event_time: 1700000000000 + i, oid: org, sid: 'seed-sensor', hostname: 'seed-host' }, event: s.body }),
    );
    const { rejects } = await ingestLines(runtime.executor, lines);
    expect(rejects).toEqual([]);
  });
  afterAll(async () => runtime.close());

  it('covers every seed section that has a sample body', () => {
    expect(sections.length).toBeGreaterThanOrEqual(25);
  });

  it.each(sections.map((s, i) => [s.eventType, i] as const))('%s: stored, labelled, typed, and returned exactly', async (eventType, i) => {
    const body = sections[i]!.body!;
    const session = runtime.driver.session();
    try {
      const result = await session.run('MATCH (e:Event {uid: $uid}) RETURN e AS e, labels(e) AS labels', { uid: `${org}/seed-${i}` });
      const node = result.records[0]?.get('e') as { properties: Record<string, unknown> };
      expect(node).toBeDefined();
      expect(result.records[0]?.get('labels')).toContain(eventType);
      expect(node.properties['type']).toBe(eventType);
      const raw = parseJson(node.properties['raw'] as string);
      expect(raw.ok && (raw.value as { event: unknown }).event).toEqual(body);
      // Promoted fields come back with the catalogue's types: strings as strings, integers as INTEGER.
      const promoted = promotedValues(eventType, body);
      for (const [name, value] of Object.entries(promoted)) {
        const stored = node.properties[name];
        const kind = PROMOTED_PROPERTIES[name as keyof typeof PROMOTED_PROPERTIES].value;
        if (kind === 'int') expect(String(stored)).toBe(String(value));
        else expect(stored).toEqual(value);
      }
      expect(eventTypeSpec(eventType)).toBeDefined();
    } finally {
      await session.close();
    }
  });
});
