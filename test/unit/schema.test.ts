import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLObjectType, type GraphQLUnionType } from 'graphql';
import { allEventTypes, fieldsOf } from '../../src/catalogue';
import { SCHEMA_PATH } from '../../src/api/schema/load';
import { eventFieldName, withGeneratedSection } from '../../src/api/schema/event-types';
import { TREE_DEFAULTS } from '../../src/api/events/tree-arguments';

const sdl = readFileSync(SCHEMA_PATH, 'utf8');
const schema = buildSchema(sdl);

describe('schema.graphql', () => {
  it('gives the tree fields the defaults of tree-arguments.ts, at the root and on every event type', () => {
    const defaults = (type: string) =>
      Object.fromEntries(
        Object.keys(TREE_DEFAULTS)
          .filter((field) => (schema.getType(type) as GraphQLObjectType).getFields()[field])
          .map((field) => {
            const f = (schema.getType(type) as GraphQLObjectType).getFields()[field]!;
            return [field, Object.fromEntries(f.args.filter((a) => a.name === 'maxDepth' || a.name === 'first').map((a) => [a.name, a.defaultValue]))];
          }),
      );
    expect(defaults('Query')).toEqual({ ancestors: TREE_DEFAULTS.ancestors, descendants: TREE_DEFAULTS.descendants });
    for (const type of ['Event', 'NewProcess', 'MissingEvent', 'GenericEvent']) expect({ type, defaults: defaults(type) }).toEqual({ type, defaults: TREE_DEFAULTS });
  });

  it('holds exactly what the catalogue generates (run npm run schema:generate if not)', () => {
    expect(withGeneratedSection(sdl)).toBe(sdl);
  });

  it('has one object type per catalogue event type, implementing Event, with every body field', () => {
    for (const spec of allEventTypes()) {
      const type = schema.getType(spec.graphqlName);
      expect(type).toBeInstanceOf(GraphQLObjectType);
      const object = type as GraphQLObjectType;
      expect(object.getInterfaces().map((i) => i.name)).toEqual(['Event']);
      for (const f of fieldsOf(spec.fields)) expect(Object.keys(object.getFields())).toContain(eventFieldName(f.key, f.graphqlName));
    }
  });

  it('has the family unions, AnyEvent with every type, GenericEvent and MissingEvent', () => {
    const process = schema.getType('ProcessEvent') as GraphQLUnionType;
    expect(process.getTypes().map((t) => t.name)).toEqual(expect.arrayContaining(['NewProcess', 'ExistingProcess']));
    const any = schema.getType('AnyEvent') as GraphQLUnionType;
    expect(any.getTypes()).toHaveLength(allEventTypes().length + 2);
    expect(schema.getType('GenericEvent')).toBeInstanceOf(GraphQLObjectType);
    expect(schema.getType('MissingEvent')).toBeInstanceOf(GraphQLObjectType);
  });
});
