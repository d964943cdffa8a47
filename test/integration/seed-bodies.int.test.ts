// Every sample body of the seed catalogue, wrapped in a routing envelope, is stored and comes back
// exactly (raw, with 64-bit integers intact) and with its promoted fields typed as the catalogue says.
import { eventTypeSpec, fieldsOf, objectTypeSpec, PROMOTED_PROPERTIES, promotedValues, type FieldMap, type FieldType } from '../../src/catalogue';
import { contextFor, createApollo } from '../../src/api/server';
import { eventFieldName } from '../../src/api/schema/event-types';
import { migrate } from '../../src/graph/schema/migrate';
import { parseJson, stringifyJson } from '../../src/domain/json';
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

describe('seed sample bodies through the GraphQL types', () => {
  let runtime: Runtime;
  const org = uniqueOrg('seedsgql');
  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    const lines = sections.map((s, i) =>
      stringifyJson({ routing: { this: `gql-${i}`, event_type: s.eventType, event_time: 1700000000000 + i, oid: org }, event: s.body }),
    );
    await ingestLines(runtime.executor, lines);
  });
  afterAll(async () => runtime.close());

  /** A selection of every field the catalogue describes, objects included (to a few levels). */
  function selection(fields: FieldMap, depth = 0): string {
    return fieldsOf(fields)
      .map((f) => {
        const name = depth === 0 ? eventFieldName(f.key, f.graphqlName) : f.graphqlName;
        const inner = f.type.kind === 'list' ? f.type.of : f.type;
        if (inner.kind !== 'object') return name;
        const spec = objectTypeSpec(inner.object);
        return depth < 3 && spec ? `${name} { ${selection(spec.fields, depth + 1)} }` : null;
      })
      .filter((x): x is string => x !== null)
      .join(' ');
  }

  /** What the API should return for a sample value of a described type. */
  function expected(value: unknown, type: FieldType, depth: number): unknown {
    if (value === undefined || value === null) return null;
    if (type.kind === 'list') return Array.isArray(value) ? value.map((v) => expected(v, type.of, depth)) : null;
    if (type.kind === 'object') {
      const spec = objectTypeSpec(type.object)!;
      return Object.fromEntries(
        fieldsOf(spec.fields)
          .filter((f) => depth < 3 || (f.type.kind !== 'object' && !(f.type.kind === 'list' && f.type.of.kind === 'object')))
          .map((f) => [f.graphqlName, expected((value as Record<string, unknown>)[f.key], f.type, depth + 1)]),
      );
    }
    switch (type.scalar) {
      case 'int64':
      case 'timestamp':
        return String(value);
      case 'bool01':
        return value === 1 || value === true;
      case 'json':
        return JSON.parse(stringifyJson(value).replace(/(?<=[:,[])(-?\d{16,})(?=[,\]}])/g, '"$1"'));
      default:
        return value;
    }
  }

  it.each(sections.map((s, i) => [s.eventType, i] as const))('%s: fetched by atom, typed fields equal to the sample', async (eventType, i) => {
    const spec = eventTypeSpec(eventType)!;
    const fields = selection(spec.fields);
    const query = `{ event(atom: "gql-${i}", orgId: "${org}") { __typename eventType ${fields ? `... on ${spec.graphqlName} { ${fields} }` : ''} } }`;
    const deps = { config: runtime.config, executor: runtime.executor, logger: runtime.logger };
    const apollo = createApollo(deps);
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query }, { contextValue: contextFor(deps) });
      const result = (response.body as { singleResult: { data?: { event: Record<string, unknown> }; errors?: unknown } }).singleResult;
      expect(result.errors).toBeUndefined();
      const event = result.data!.event;
      expect(event['__typename']).toBe(spec.graphqlName);
      const body = sections[i]!.body!;
      for (const f of fieldsOf(spec.fields)) {
        const name = eventFieldName(f.key, f.graphqlName);
        if (!(name in event)) continue; // objects nested too deep for the selection
        expect({ field: f.key, value: event[name] }).toEqual({ field: f.key, value: expected(body[f.key], f.type, 1) });
      }
    } finally {
      await apollo.stop();
    }
  });
});
