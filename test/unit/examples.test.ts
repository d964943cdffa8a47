// The GraphQL shown to users (README examples, the queries `npm run demo` prints, the playground's
// saved tabs) must run against
// the schema the server serves: a renamed field breaks this test, not a newcomer's first query.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getNamedType, getOperationAST, getVariableValues, isAbstractType, isObjectType, Kind, parse, TypeInfo, validate, visit, visitWithTypeInfo, type DocumentNode } from 'graphql';
import { PLAYGROUND_EXAMPLES } from '../../src/api/playground/examples';
import { loadTypeDefs } from '../../src/api/schema/load';
import { DEMO_FLEET } from '../../src/demo/fleet';
import { demoQueries } from '../../src/demo/queries';
import { withDefaults } from '../../src/generate';
import { generateTextWithDetections, topDetection } from '../../src/generate/stories/detections';

const schema = buildSchema(loadTypeDefs());

/** Each ```graphql block of a markdown file, cut into operations at its comment lines. */
function markdownOperations(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((block) =>
    block
      .split(/\n(?:#[^\n]*\n)+/)
      .map((op) => op.replace(/^#[^\n]*\n/gm, '').trim())
      .filter((op) => op.length > 0),
  );
}

/**
 * Selections on a field whose type can be a MissingEvent (an interface or union MissingEvent is a
 * member of) that do not select both `__typename` and `atom` directly: such an event has no other
 * field a client would select, so without them it shows as `{}`. Returns "path: missing" lines.
 */
function missingEventGaps(document: DocumentNode): string[] {
  const missing = schema.getType('MissingEvent');
  if (!isObjectType(missing)) throw new Error('the schema has no MissingEvent type');
  const typeInfo = new TypeInfo(schema);
  const gaps: string[] = [];
  const path: string[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          path.push(node.alias?.value ?? node.name.value);
          const type = typeInfo.getType();
          const named = type ? getNamedType(type) : null;
          if (!node.selectionSet || !named || !isAbstractType(named) || !schema.isSubType(named, missing)) return;
          const direct = new Set(node.selectionSet.selections.filter((s) => s.kind === Kind.FIELD).map((s) => (s.kind === Kind.FIELD ? s.name.value : '')));
          const lacking = ['__typename', 'atom'].filter((f) => !direct.has(f));
          if (lacking.length > 0) gaps.push(`${path.join('.')}: ${lacking.join(', ')}`);
        },
        leave() {
          path.pop();
        },
      },
    }),
  );
  return gaps;
}

function problems(operation: string): string[] {
  return validate(schema, parse(operation)).map((e) => e.message);
}

describe('examples shown to users', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const operations = markdownOperations(readme);

  it('finds the README examples', () => {
    expect(operations.length).toBeGreaterThanOrEqual(5);
  });

  it.each(operations.map((op) => [op.split('\n')[0] ?? op, op]))('README: %s', (_title, operation) => {
    expect(problems(operation)).toEqual([]);
  });

  it('the demo prints valid queries for each planted story', async () => {
    const { truth } = await generateTextWithDetections(withDefaults({ hosts: 6, events: 3000, seed: 'examples', orgs: 1 }));
    expect(truth.stories.length).toBeGreaterThan(0);
    for (const story of truth.stories) {
      const top = topDetection(truth, story.id);
      expect(top).not.toBeNull();
      const queries = demoQueries(story, top);
      expect(queries).toHaveLength(4);
      for (const q of queries) expect(problems(q.query)).toEqual([]);
      // The first starts from the attack's highest-priority detection.
      expect(queries[0]?.query).toContain(top!.id);
      expect(top!.priority).toBe(Math.max(...truth.detections.filter((d) => d.story === story.id).map((d) => d.priority)));
      expect(queries[1]?.query).toContain(story.processes.payload.atom);
      expect(queries[2]?.query).toContain(story.dropper.sha256);
    }
  });

  it('rejects an example with a field the schema does not have (the check can fail)', () => {
    expect(problems('{ ancestors(atom: "x") { nosuchfield } }')).not.toEqual([]);
  });
});

describe('the README shows what `npm run demo` prints', () => {
  it('quotes the demo queries for the demo fleet exactly', async () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const { truth } = await generateTextWithDetections(DEMO_FLEET);
    const story = truth.stories[0];
    expect(story).toBeDefined();
    demoQueries(story!, topDetection(truth, story!.id)).forEach((q, i) => expect(readme).toContain(`# ${i + 1}. ${q.title}\n${q.query}\n`));
  }, 60_000);
});

describe('the playground\'s example tabs', () => {
  const examples = PLAYGROUND_EXAMPLES.map((e) => {
    const operation = getOperationAST(parse(e.query));
    return { ...e, operation, name: operation?.name?.value ?? '(unnamed)' };
  });

  it('has one named operation per tab (GraphiQL titles tabs by it), each name once', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const e of examples) expect(e.operation?.name).toBeDefined();
    expect(new Set(examples.map((e) => e.name)).size).toBe(examples.length);
  });

  it('covers ancestry, a process tree, a hash across hosts, lateral movement and a dashboard count', () => {
    const all = examples.map((e) => e.query).join('\n');
    for (const field of ['ancestors(', 'descendants(', 'sightings(kind: HASH', 'prevalence(kind: HASH', 'lateralMovement(', 'eventCounts(']) expect(all).toContain(field);
  });

  it('opens with a tab that takes no variables, so it runs without edits', () => {
    expect(examples[0]?.operation?.variableDefinitions ?? []).toHaveLength(0);
    expect(examples[0]?.query).toContain('eventCounts(');
  });

  it.each(examples.map((e) => [e.name, e]))('%s selects __typename and atom wherever a MissingEvent can appear', (_name, example) => {
    expect(missingEventGaps(parse(example.query))).toEqual([]);
  });

  it('the MissingEvent check finds a selection without them, nested or at the root (it can fail)', () => {
    expect(missingEventGaps(parse('{ ancestors(atom: "x") { atom } events { nodes { __typename atom parent { hostname } } } }'))).toEqual(['ancestors: __typename', 'events.nodes.parent: __typename, atom']);
    expect(missingEventGaps(parse('{ lateralMovement { sourceProcess { ... on NewProcess { filePath } } } }'))).toEqual(['lateralMovement.sourceProcess: __typename, atom']);
  });

  it.each(examples.map((e) => [e.name, e]))('%s is valid against the schema and its variables', (_name, example) => {
    expect(problems(example.query)).toEqual([]);
    const definitions = example.operation?.variableDefinitions ?? [];
    const inputs = example.variables === undefined ? {} : (JSON.parse(example.variables) as Record<string, unknown>);
    expect(Object.keys(inputs).sort()).toEqual(definitions.map((d) => d.variable.name.value).sort());
    const coerced = getVariableValues(schema, definitions, inputs);
    expect(coerced.errors ?? []).toEqual([]);
  });
});
