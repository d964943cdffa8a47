// The gate's argument rules cover the schema: every Int argument has a rule (so a new page size or
// depth cannot go unchecked), every `after` knows its connection's cursor, and the gate refuses in
// the documented order (authorise, document limits, variables, arguments, cost).
import { type GraphQLField, type GraphQLInterfaceType, type GraphQLObjectType, getNamedType, isInterfaceType, isObjectType, parse } from 'graphql';
import { ARGUMENT_RULES, cursorKindOf } from '../../src/api/limits/arguments';
import { OperationGate } from '../../src/api/limits/gate';
import { executableSchema } from '../../src/api/schema/executable';
import type { Principal } from '../../src/auth/principal';
import { AppError, httpStatusOf, httpStatusOfAll, ErrorCode } from '../../src/errors/codes';

const schema = executableSchema();
const fields = Object.values(schema.getTypeMap())
  .filter((t): t is GraphQLObjectType | GraphQLInterfaceType => !t.name.startsWith('__') && (isObjectType(t) || isInterfaceType(t)))
  .flatMap((t) => Object.values(t.getFields()).map((field) => ({ parent: t.name, field: field as GraphQLField<unknown, unknown> })));

describe('argument rules', () => {
  it('has a rule for every Int argument of the schema', () => {
    const ints = new Set(fields.flatMap(({ field }) => field.args.filter((a) => getNamedType(a.type).name === 'Int').map((a) => a.name)));
    expect(ints.size).toBeGreaterThan(0);
    for (const name of ints) expect(ARGUMENT_RULES[name]).toBeDefined();
  });

  it('knows the cursor of every connection that takes `after`', () => {
    const withAfter = fields.filter(({ field }) => field.args.some((a) => a.name === 'after'));
    expect(withAfter.length).toBeGreaterThan(70); // the Event interface's connections on every event type
    for (const at of withAfter) expect({ at: `${at.parent}.${at.field.name}`, kind: cursorKindOf(at) }).toEqual({ at: `${at.parent}.${at.field.name}`, kind: expect.any(String) });
  });
});

describe('the gate', () => {
  const gate = new OperationGate({ schema, maxSelectionDepth: 8, maxAliases: 2, maxCost: 1000, caps: { maxPage: 10, maxDepth: 10, maxTreeDepth: 3 } });
  const reader: Principal = { keyId: 'k', orgs: ['o'], role: 'reader' };
  const writer: Principal = { ...reader, role: 'writer' };
  const codeOf = (query: string, variables: Record<string, unknown> = {}, principal: Principal = reader): string => {
    try {
      gate.check({ document: parse(query), operationName: null, variables, principal });
      return 'ok';
    } catch (error) {
      return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
    }
  };

  it('authorises first: a reader\'s mutation is FORBIDDEN whatever else is wrong with it', () => {
    const deep = `mutation($e: [JSON!]!) { a: ingestEvents(events: $e) { accepted } b: ingestEvents(events: $e) { accepted } c: ingestEvents(events: $e) { errors { reason } } }`;
    expect(codeOf(deep, {}, reader)).toBe('FORBIDDEN');
    expect(codeOf(deep, {}, writer)).toBe('TOO_MANY_ALIASES');
  });

  it('then the document, the variables, the arguments and the cost', () => {
    expect(codeOf(`{ event(atom: "x") { ${'parent { '.repeat(9)}atom${' }'.repeat(9)} } }`)).toBe('QUERY_TOO_DEEP');
    expect(codeOf('query($a: ID!) { event(atom: $a) { atom } }')).toBe('BAD_USER_INPUT');
    expect(codeOf('query($n: Int) { events(first: $n) { totalCount } }', { n: 11 })).toBe('LIMIT_EXCEEDED');
    expect(codeOf('{ descendants(atom: "x", maxDepth: 4, first: 1) { totalCount } }')).toBe('LIMIT_EXCEEDED');
    expect(codeOf('{ events(first: 10) { nodes { children(first: 10) { nodes { children(first: 10) { totalCount } } } } } }')).toBe('QUERY_TOO_COMPLEX');
    expect(codeOf('{ events(first: 2) { totalCount } }')).toBe('ok');
  });

  it('checks arguments inside fragments and inline fragments', () => {
    expect(codeOf('{ event(atom: "x") { ...F } } fragment F on Event { children(first: 11) { totalCount } }')).toBe('LIMIT_EXCEEDED');
    expect(codeOf('{ event(atom: "x") { ... on NewProcess { children(first: 1, after: "nope") { totalCount } } } }')).toBe('BAD_USER_INPUT');
  });
});

describe('HTTP status of a code', () => {
  it('maps client mistakes to 4xx and server trouble to 5xx', () => {
    expect(httpStatusOf(ErrorCode.BAD_USER_INPUT)).toBe(400);
    expect(httpStatusOf(ErrorCode.LIMIT_EXCEEDED)).toBe(400);
    expect(httpStatusOf(ErrorCode.QUERY_TOO_COMPLEX)).toBe(400);
    expect(httpStatusOf(ErrorCode.PAYLOAD_TOO_LARGE)).toBe(413);
    expect(httpStatusOf(ErrorCode.UNAUTHENTICATED)).toBe(401);
    expect(httpStatusOf(ErrorCode.FORBIDDEN)).toBe(403);
    expect(httpStatusOf(ErrorCode.DATABASE_UNAVAILABLE)).toBe(503);
    expect(httpStatusOf('SOMETHING_ELSE')).toBe(500);
    expect(httpStatusOfAll(['BAD_USER_INPUT', 'LIMIT_EXCEEDED'])).toBe(400);
    expect(httpStatusOfAll(['BAD_USER_INPUT', 'DATABASE_TIMEOUT'])).toBe(503);
  });
});
