import { GraphQLError } from 'graphql';
import { createErrorFormatter } from '../../src/api/errors';
import { AppError, ErrorCode } from '../../src/errors/codes';
import { createLogger } from '../../src/log/logger';

const format = createErrorFormatter(createLogger('silent'));

describe('client-visible errors', () => {
  it('keeps the code and message of an AppError', () => {
    const error = new GraphQLError('wrapped', { originalError: new AppError(ErrorCode.LIMIT_EXCEEDED, 'first is above 500', { max: 500 }) });
    const formatted = format({ message: 'wrapped', path: ['events'] }, error);
    expect(formatted).toEqual({ message: 'first is above 500', path: ['events'], extensions: { code: 'LIMIT_EXCEEDED', max: 500 } });
  });

  it('hides anything unexpected behind INTERNAL_SERVER_ERROR, without internals', () => {
    const error = new GraphQLError('boom', { originalError: new Error('password=hunter2 at /srv/secret.ts:12') });
    const formatted = format({ message: 'password=hunter2 at /srv/secret.ts:12', extensions: { stacktrace: ['x'] } }, error);
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(formatted)).not.toContain('hunter2');
  });

  it('passes GraphQL validation errors through without a stack trace', () => {
    const error = new GraphQLError('Cannot query field "nope"');
    const formatted = format({ message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['x'] } }, error);
    expect(formatted).toEqual({ message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });
});

describe('suggestions', () => {
  const hidden = createErrorFormatter(createLogger('silent'), { suggestions: false });
  it('cuts "Did you mean ...?" from every message when introspection is off, and only then', () => {
    const message = 'Cannot query field "comandLine" on type "NewProcess". Did you mean "commandLine"?';
    const error = new GraphQLError(message);
    expect(hidden({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, error).message).toBe('Cannot query field "comandLine" on type "NewProcess".');
    expect(format({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, error).message).toBe(message);
    const app = new AppError(ErrorCode.BAD_USER_INPUT, 'Variable "$f" got invalid value; Field "hostname" is not defined by type "EventFilter". Did you mean "hostnames"?');
    expect(hidden({ message: 'x' }, new GraphQLError('x', { originalError: app })).message).not.toMatch(/hostnames|Did you mean/);
  });
});
