// No Docker engine runs here, so docker-compose.yml is kept correct by reading it: these checks
// catch drift between it, the Dockerfile and the configuration the API actually accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema, parseConfig } from '../../src/config/env';

const root = join(__dirname, '..', '..');

interface Service {
  profiles?: string[];
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  const neo4j = compose.services['neo4j'];
  const api = compose.services['api'];

  it('runs the official Neo4j 5.26 community image with a healthcheck and a named volume', () => {
    expect(neo4j?.image).toMatch(/^neo4j:5\.26(\.\d+)?-community$/);
    expect(neo4j?.healthcheck?.test.join(' ')).toContain('cypher-shell');
    const dataVolume = neo4j?.volumes?.find((v) => v.endsWith(':/data'));
    expect(dataVolume).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(dataVolume?.split(':')[0]);
    expect(neo4j?.environment?.['NEO4J_AUTH']).toMatch(/^neo4j\//);
  });

  it('builds the API from the repo and starts it after Neo4j is healthy', () => {
    expect(api?.build).toBe('.');
    expect(api?.depends_on?.['neo4j']?.condition).toBe('service_healthy');
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/CMD \["node", (?:"--[a-z-]+", )*"bin\/atomgraph.js", "serve"\]/);
  });

  it('runs the server with the same node flags as npm start', () => {
    const cmd = /CMD \[(.*)\]/.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))![1]!;
    const dockerFlags = [...cmd.matchAll(/"(--[a-z-]+)"/g)].map((m) => m[1]);
    const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start']!;
    const npmFlags = /node ((?:--[a-z-]+ )*)bin\/atomgraph\.js serve/.exec(start)![1]!.trim().split(' ').filter(Boolean);
    expect(dockerFlags).toEqual(npmFlags);
    expect(dockerFlags).toContain('--no-allocation-site-pretenuring');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bin's own CommonJS list
    expect(dockerFlags).toEqual((require('../../bin/node-flags.js') as { NODE_FLAGS: string[] }).NODE_FLAGS);
  });

  it('gives the API only settings the config module knows, valid ones, pointing at the neo4j service', () => {
    const env = api?.environment ?? {};
    for (const key of Object.keys(env)) expect(Object.keys(configSchema.shape)).toContain(key);
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{(\w+):-([^}]*)\}/g, '$2')]));
    expect(() => configSchema.parse(resolved)).not.toThrow();
    expect(env['NEO4J_URI']).toBe('bolt://neo4j:7687');
    // Both services read the same password.
    expect(env['NEO4J_PASSWORD']).toBe('${NEO4J_PASSWORD:-atomgraph-dev}');
    expect(neo4j?.environment?.['NEO4J_AUTH']).toBe('neo4j/${NEO4J_PASSWORD:-atomgraph-dev}');
    expect(api?.ports?.[0]).toMatch(new RegExp(`:${env['PORT']}$`));
  });

  describe('the replicas profile', () => {
    const replicas = Object.entries(compose.services).filter(([, service]) => service.profiles?.includes('replicas') && service.build === '.');
    const lb = compose.services['lb'];
    const nginx = readFileSync(join(root, 'deploy', 'nginx.conf'), 'utf8');
    const resolve = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{(\w+):-([^}]*)\}/g, '$2')]));

    it('runs two API replicas, apart from the default services, that share the live feed through Neo4j', () => {
      expect(replicas.map(([name]) => name).sort()).toEqual(['api-1', 'api-2']);
      // `docker compose up` alone still starts one API: the default services have no profile.
      expect(api?.profiles).toBeUndefined();
      for (const [, replica] of replicas) {
        expect(replica.depends_on?.['neo4j']?.condition).toBe('service_healthy');
        const env = replica.environment ?? {};
        for (const key of Object.keys(env)) expect(Object.keys(configSchema.shape)).toContain(key);
        // Valid settings, the cross-setting rules included.
        const config = parseConfig(resolve(env));
        expect(config.LIVE_FEED).toBe('neo4j');
        expect(config.NEO4J_URI).toBe('bolt://neo4j:7687');
        expect(config.AUTH).toBe('keys');
        // Behind nginx every client has nginx's address: the per-address cap moves to nginx.
        expect(config.HTTP_MAX_CONNECTIONS_PER_ADDRESS).toBe(0);
        expect(env['NEO4J_PASSWORD']).toBe('${NEO4J_PASSWORD:-atomgraph-dev}');
        // Only the load balancer is published.
        expect(replica.ports).toBeUndefined();
      }
    });

    it('puts nginx in front of both once they are healthy, with its config mounted', () => {
      expect(lb?.profiles).toEqual(['replicas']);
      expect(lb?.image).toMatch(/^nginx:\d+\.\d+(\.\d+)?-alpine$/);
      expect(lb?.depends_on).toEqual({ 'api-1': { condition: 'service_healthy' }, 'api-2': { condition: 'service_healthy' } });
      expect(lb?.volumes).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
      expect(lb?.ports?.[0]).toMatch(/^127\.0\.0\.1:\d+:80$/);
      expect(nginx).toMatch(/listen 80;/);
    });

    it('balances over both replicas at their PORT and passes WebSocket upgrades', () => {
      const upstream = /upstream atomgraph \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
      const servers = [...upstream.matchAll(/server ([\w-]+):(\d+)/g)].map((m) => [m[1], m[2]]);
      expect(servers).toEqual(replicas.map(([name, r]) => [name, r.environment?.['PORT']]));
      expect(nginx).toMatch(/proxy_pass http:\/\/atomgraph;/);
      expect(nginx).toMatch(/proxy_http_version 1\.1;/);
      expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
      expect(nginx).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
      expect(nginx).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;/);
      // Long enough for a subscription, and a body as large as the API accepts by default.
      expect(Number(/proxy_read_timeout (\d+)h;/.exec(nginx)?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(/client_max_body_size (\d+)m;/.exec(nginx)?.[1]) * 1024 * 1024).toBe(parseConfig({}).INGEST_MAX_BYTES);
    });
  });
});
