import { ConfigError, describeConfig, loadConfig, parseConfig } from '../../src/config/env';

describe('config', () => {
  it('applies defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.PORT).toBe(4000);
    expect(config.NEO4J_URI).toBeUndefined();
    expect(config.NEO4J_DATABASE).toBe('neo4j');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('coerces numbers from strings and keeps explicit values', () => {
    const config = parseConfig({ PORT: '8080', NEO4J_URI: 'neo4j+s://db.example.com', LOG_LEVEL: 'debug' });
    expect(config.PORT).toBe(8080);
    expect(config.NEO4J_URI).toBe('neo4j+s://db.example.com');
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it('reports every problem at once', () => {
    let caught: unknown;
    try {
      parseConfig({ PORT: 'eighty', NEO4J_URI: 'http://nope', LOG_LEVEL: 'loud', NEO4J_DATABASE: 'bad name!' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/NEO4J_URI: must be a bolt/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/NEO4J_DATABASE/);
  });

  it('serves the playground unless PLAYGROUND=false', () => {
    expect(parseConfig({}).PLAYGROUND).toBe(true);
    expect(parseConfig({ PLAYGROUND: 'false' }).PLAYGROUND).toBe(false);
    expect(() => parseConfig({ PLAYGROUND: 'no' })).toThrow(/PLAYGROUND/);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ NEO4J_URI: '' }).NEO4J_URI).toBeUndefined();
  });

  it('never shows the password when described', () => {
    const described = describeConfig(parseConfig({ NEO4J_PASSWORD: 's3cret' }));
    expect(JSON.stringify(described)).not.toContain('s3cret');
  });
});

describe('loadConfig', () => {
  it('keeps the environment value when an override is left undefined (a CLI flag not given)', () => {
    const saved = process.env['PORT'];
    process.env['PORT'] = '4100';
    try {
      expect(loadConfig({ PORT: undefined }).PORT).toBe(4100);
      expect(loadConfig({ PORT: '4200' }).PORT).toBe(4200);
    } finally {
      if (saved === undefined) delete process.env['PORT'];
      else process.env['PORT'] = saved;
    }
  });

  it('takes a role and a live feed, and refuses split roles without the shared live feed', () => {
    expect(parseConfig({}).ROLE).toBe('all');
    expect(parseConfig({}).LIVE_FEED).toBe('memory');
    expect(parseConfig({ ROLE: 'ingest', LIVE_FEED: 'neo4j' }).ROLE).toBe('ingest');
    expect(() => parseConfig({ ROLE: 'query' })).toThrow(/ROLE: query .*LIVE_FEED=neo4j/);
    expect(() => parseConfig({ ROLE: 'both' })).toThrow(ConfigError);
    expect(() => parseConfig({ LIVE_POLL_MS: 10 })).toThrow(/LIVE_POLL_MS/);
  });
});
