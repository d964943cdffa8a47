import {
  type FieldType,
  allEventTypes,
  allObjectTypes,
  camelCase,
  eventTypeSpec,
  familyOf,
  families,
  fieldsOf,
  GRAPHQL_NAME,
  isProcessType,
  pascalCase,
} from '../../../src/catalogue';

/** Every object type a field refers to, through lists. */
function objectRefs(type: FieldType): string[] {
  if (type.kind === 'object') return [type.object];
  if (type.kind === 'list') return objectRefs(type.of);
  return [];
}

const fieldMaps = [
  ...allEventTypes().map((t) => ({ owner: t.name, fields: t.fields })),
  ...allObjectTypes().map((o) => ({ owner: o.name, fields: o.fields })),
];

describe('name derivations', () => {
  it.each([
    ['COMMAND_LINE', 'commandLine'],
    ['HASH_MD5', 'hashMd5'],
    ['SVC_NAME', 'svcName'],
    ['FILE_IS_SIGNED', 'fileIsSigned'],
    ['STACK_TRACE_FRAME_PC', 'stackTraceFramePc'],
    ['IP_ADDRESS', 'ipAddress'],
    ['public_ip', 'publicIp'],
    ['ProcessGuid', 'processGuid'],
    ['PID', 'pid'],
  ])('camelCase(%s) is %s', (key, name) => {
    expect(camelCase(key)).toBe(name);
  });

  it.each([
    ['NEW_PROCESS', 'NewProcess'],
    ['NEW_TCP4_CONNECTION', 'NewTcp4Connection'],
    ['OS_SERVICES_REP', 'OsServicesRep'],
    ['MEM_FIND_STRING_REP', 'MemFindStringRep'],
    ['enrollment', 'Enrollment'],
    ['deleted_sensor', 'DeletedSensor'],
  ])('pascalCase(%s) is %s', (name, graphqlName) => {
    expect(pascalCase(name)).toBe(graphqlName);
  });

  it('never produces a name GraphQL refuses, even from a leading digit', () => {
    expect(camelCase('3D_MODE')).toBe('_3dMode');
    expect(pascalCase('9_LIVES')).toBe('_9Lives');
  });

  it('derives each event type graphqlName from its name', () => {
    for (const spec of allEventTypes()) expect(spec.graphqlName).toBe(pascalCase(spec.name));
  });
});

describe('catalogue structure', () => {
  it('lists each event type once', () => {
    const names = allEventTypes().map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives event and object types distinct, valid GraphQL type names', () => {
    const names = [...allEventTypes().map((t) => t.graphqlName), ...allObjectTypes().map((o) => o.name)];
    for (const name of names) expect(name).toMatch(GRAPHQL_NAME);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(fieldMaps)('$owner: field names are valid GraphQL names, distinct after camelCasing', ({ fields }) => {
    const names = fieldsOf(fields).map((f) => f.graphqlName);
    for (const name of names) expect(name).toMatch(GRAPHQL_NAME);
    expect(new Set(names).size).toBe(names.length);
  });

  it('refers only to object types it defines', () => {
    const missing = fieldMaps.flatMap(({ owner, fields }) =>
      Object.values(fields)
        .flatMap(objectRefs)
        .filter((name) => !allObjectTypes().some((o) => o.name === name))
        .map((name) => `${owner} -> ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('puts every type in a family of the closed set, and unknown types in OTHER', () => {
    for (const spec of allEventTypes()) expect(families).toContain(spec.family);
    expect(familyOf('SOMETHING_NEW')).toBe('OTHER');
    expect(familyOf('DNS_REQUEST')).toBe('DNS');
  });

  it('marks NEW_PROCESS and EXISTING_PROCESS, and only them, as process-tree types', () => {
    const tree = allEventTypes().filter((t) => isProcessType(t.name)).map((t) => t.name);
    expect(tree.sort()).toEqual(['EXISTING_PROCESS', 'NEW_PROCESS']);
    expect(isProcessType('NOT_A_TYPE')).toBe(false);
  });

  it('describes EXISTING_PROCESS exactly as NEW_PROCESS', () => {
    expect(eventTypeSpec('EXISTING_PROCESS')?.fields).toBe(eventTypeSpec('NEW_PROCESS')?.fields);
    expect(eventTypeSpec('EXISTING_PROCESS')?.promote).toEqual(eventTypeSpec('NEW_PROCESS')?.promote);
  });

  it('names an inner-events key only where that key is a list field', () => {
    const carriers = allEventTypes().filter((t) => t.innerEvents !== undefined);
    expect(carriers.map((t) => t.name).sort()).toEqual(['SENSITIVE_PROCESS_ACCESS', 'THREAD_INJECTION']);
    for (const spec of carriers) expect(spec.fields[spec.innerEvents ?? '']?.kind).toBe('list');
  });

  it('has a description for every type, and fields for every type it has seen a body of', () => {
    for (const spec of allEventTypes()) {
      expect(spec.description.length).toBeGreaterThan(0);
      if (spec.basis !== 'none') expect(Object.keys(spec.fields).length).toBeGreaterThan(0);
      else expect(spec.fields).toEqual({});
    }
  });

  it('answers undefined for a type it does not know', () => {
    expect(eventTypeSpec('NOT_A_TYPE')).toBeUndefined();
  });
});
