import { Writable } from 'node:stream';
import { describeQuery } from '../../src/graph/executor';
import { createLogger } from '../../src/log/logger';
import { FIND_KEY } from '../../src/graph/api-keys';
import { debugQueryLog } from '../../src/runtime';

describe('debug log of a statement', () => {
  const event = { name: FIND_KEY.name, cypher: FIND_KEY.cypher, params: { id: 'key-1', hash: 'secret-hash-value' }, paramNames: ['hash', 'id'], ms: 12.345, mode: 'READ' as const };

  it('names the statement, its text and its parameter names, never their values', () => {
    const line = describeQuery(event);
    expect(line).toEqual({ query: 'apiKey.find', cypher: FIND_KEY.cypher.trim(), params: ['hash', 'id'], ms: 12.3, mode: 'READ' });
    expect(JSON.stringify(line)).not.toContain('secret-hash-value');
  });

  it('is written at LOG_LEVEL=debug only', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    for (const level of ['info', 'debug']) {
      debugQueryLog(createLogger(level, sink))(event);
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'cypher', query: 'apiKey.find', params: ['hash', 'id'] });
  });
});
