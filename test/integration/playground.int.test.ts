// The playground end to end: a real server on port 0 against the integration Neo4j, headless
// Chromium opening GET /graphql, running the saved example tabs and reading the result pane.
// Auth on (a key pasted into the page, scoped to this suite's org) and off (plus the live feed over
// graphql-ws). Every request the page makes must stay on the server's origin: SOC networks are
// offline. Screenshot: test-artifacts/playground.png.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/api/server';
import { generateKey } from '../../src/auth/api-keys';
import { parseConfig } from '../../src/config/env';
import { PLAYGROUND_EXAMPLES } from '../../src/api/playground/examples';
import { ApiKeyStore } from '../../src/graph/api-keys';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { launchChromium } from '../helpers/browser';
import { graphqlRunner } from '../helpers/api';
import { withOrg } from '../helpers/graph';
import { ingestLines } from '../helpers/ingest';
import { testRuntime, uniqueOrg } from '../helpers/runtime';

type Rec = { routing: Record<string, unknown>; event: Record<string, unknown> };
const dataset = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'datasets', 'otrf-empire-psexec.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Rec);

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
/** The page parses 3.5 MB of GraphiQL; CI machines are small and busy. */
const BROWSER_TEST_MS = 180_000;
const BROWSER_HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The whole text of GraphiQL's result pane (CodeMirror renders only the lines in view). */
async function resultText(page: Page): Promise<string> {
  return page
    .locator('.graphiql-response .CodeMirror')
    .first()
    .evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

async function resultContaining(page: Page, text: string): Promise<string> {
  let shown = '';
  try {
    return await waitFor(`the result pane to show ${text}`, async () => {
      shown = await resultText(page);
      return shown.includes(text) ? shown : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}; it shows: ${shown.slice(0, 500)}`);
  }
}

/** Pastes a key into the page's field; resolves when GraphiQL has fetched the schema with it. */
async function useKey(page: Page, key: string): Promise<number> {
  const introspected = page.waitForResponse((r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('IntrospectionQuery'), { timeout: 60_000 });
  await page.fill('#atomgraph-key-input', key);
  await page.press('#atomgraph-key-input', 'Enter');
  return (await introspected).status();
}

/** Opens the playground and records every request and console complaint the page makes. */
async function openPlayground(browser: Browser, server: RunningServer) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const sockets: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => void requests.push(r.url()));
  page.on('websocket', (ws) => void sockets.push(ws.url()));
  page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('status of 401')) problems.push(`console: ${m.text()}`);
  });
  const response = await page.goto(server.url);
  expect(response?.status()).toBe(200);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 90_000 });
  return { page, context, requests, sockets, problems };
}

/**
 * Switches tabs. GraphiQL learns the new tab's operation name from its editor 100 ms (debounced)
 * after the switch; run before that and it sends the old tab's name with the new query.
 */
async function openTab(page: Page, title: string): Promise<void> {
  await page.getByText(title, { exact: true }).first().click();
  const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
  await waitFor(`the ${title} tab`, async () =>
    (await editor.evaluate((el) => (el as unknown as { CodeMirror: { operationName?: string } }).CodeMirror.operationName)) === title ? true : undefined,
  );
  // The name reaches GraphiQL's execution context in the next React render.
  await page.waitForTimeout(300);
}

/** Clicks run and waits for GraphiQL's POST of that operation, returning its JSON answer. */
async function run(page: Page, operationName: string): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const answered = page.waitForResponse(
    (r) => r.request().method() === 'POST' && (JSON.parse(r.request().postData() ?? '{}') as { operationName?: string }).operationName === operationName,
    { timeout: 60_000 },
  );
  await page.locator('.graphiql-execute-button').click();
  const response = await answered;
  return { status: response.status(), body: (await response.json()) as never };
}

function expectSameOrigin(urls: readonly string[], server: RunningServer): void {
  const origin = new URL(server.url).origin;
  expect(urls.length).toBeGreaterThan(0);
  expect(urls.filter((u) => new URL(u).origin !== origin && !u.startsWith('data:'))).toEqual([]);
}

describe('the playground over HTTP', () => {
  let runtime: Runtime;
  let server: RunningServer;
  let origin: string;

  beforeAll(async () => {
    runtime = await testRuntime();
    server = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys' }), executor: runtime.executor, logger: runtime.logger },
      { host: '127.0.0.1', port: 0 },
    );
    origin = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  it('serves the page to a browser without a key, under a CSP that allows no inline script and no other origin', async () => {
    const response = await fetch(server.url, { headers: { accept: BROWSER_HTML } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    for (const [, attributes, body] of scripts) {
      if (!attributes?.includes('src=')) expect(attributes).toContain('type="application/json"');
      else expect(body).toBe('');
    }
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves every file the page names, and nothing else', async () => {
    const html = await (await fetch(server.url, { headers: { accept: BROWSER_HTML } })).text();
    const files = [...html.matchAll(/(?:src|href)="(playground\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(files).toHaveLength(7);
    for (const file of files) {
      const response = await fetch(`${origin}/${file}`);
      expect([file, response.status]).toEqual([file, 200]);
      expect(response.headers.get('content-type')).toMatch(/^(text\/(javascript|css)|application\/javascript|image\/svg\+xml)/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      await response.arrayBuffer();
    }
    for (const path of ['/playground/assets/package.json', '/playground/assets/..%2Fpackage.json', '/playground/assets/react.development.js']) {
      expect([path, (await fetch(`${origin}${path}`)).status]).toEqual([path, 404]);
    }
  });

  it('leaves POST and non-HTML GET to the API, which still wants a key', async () => {
    const query = `${server.url}?query=${encodeURIComponent('{ version { server } }')}`;
    const get = await fetch(query, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(401);
    expect(get.headers.get('content-type')).toMatch(/json/);
    // curl's Accept: */* is not a browser's: Apollo answers it (here: its CSRF check wants a preflight header).
    const curl = await fetch(query, { headers: { accept: '*/*' } });
    expect(curl.status).toBe(400);
    expect(curl.headers.get('content-type')).toMatch(/json/);
    const post = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: BROWSER_HTML }, body: JSON.stringify({ query: '{ version { server } }' }) });
    expect(post.status).toBe(401);
    expect(((await post.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('is not served with PLAYGROUND=false', async () => {
    const config = parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'off', PLAYGROUND: 'false' });
    const plain = await startServer({ config, executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(plain.url, { headers: { accept: BROWSER_HTML } });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type') ?? '').not.toMatch(/html/);
      await response.arrayBuffer();
      expect((await fetch(`${new URL(plain.url).origin}/playground/assets/graphiql.min.js`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('every example tab runs against a loaded graph', () => {
  let runtime: Runtime;
  const gql = graphqlRunner(() => runtime);
  const org = uniqueOrg('playground-examples');

  beforeAll(async () => {
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, withOrg(dataset, org).map((r) => JSON.stringify(r)));
  }, 120_000);
  afterAll(async () => {
    await runtime.close();
  });

  it.each(PLAYGROUND_EXAMPLES.filter((e) => !e.query.includes('subscription ')).map((e) => [/(?:query) (\w+)/.exec(e.query)?.[1] ?? '?', e]))(
    '%s, with its placeholder variables, answers without errors (within the query limits)',
    async (_name, example) => {
      const result = await gql(example.query, example.variables ? (JSON.parse(example.variables) as Record<string, unknown>) : {});
      expect(result.errors ?? []).toEqual([]);
      expect(result.data).toBeDefined();
    },
  );
});

describe('the playground in a browser', () => {
  let runtime: Runtime;
  let browser: Browser;
  let keyed: RunningServer;
  let open: RunningServer;
  const org = uniqueOrg('playground');
  const records = withOrg(dataset, org);
  let readerKey = '';
  const expectedRemoteHandles = records.filter((r) => r.routing['event_type'] === 'REMOTE_PROCESS_HANDLE').length;

  beforeAll(async () => {
    browser = await launchChromium();
    runtime = await testRuntime();
    await migrate(runtime.executor);
    await ingestLines(runtime.executor, records.map((r) => JSON.stringify(r)));
    const key = generateKey();
    await new ApiKeyStore(runtime.executor).create({ id: key.id, hash: key.hash, orgs: [org], role: 'reader' });
    readerKey = key.key;
    keyed = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: 0 }), executor: runtime.executor, logger: runtime.logger },
      { host: '127.0.0.1', port: 0 },
    );
    open = await startServer({ config: runtime.config, executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, BROWSER_TEST_MS);
  afterAll(async () => {
    await browser?.close();
    await keyed?.close();
    await open?.close();
    await runtime?.close();
  });

  it(
    'with auth on: asks for a key, refuses a wrong one, and with a pasted key shows only its org\'s data',
    async () => {
      const { page, context, requests, problems } = await openPlayground(browser, keyed);
      try {
        expect(await page.locator('#atomgraph-key-status').textContent()).toBe('no key yet');
        await page.locator('.graphiql-execute-button').click();
        await resultContaining(page, 'Paste an API key');

        expect(await useKey(page, 'ag_nosuchkey_0000')).toBe(401);
        const refused = await run(page, 'Overview');
        expect(refused.status).toBe(401);
        expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

        // Pasted as a whole header value: the field takes the key with or without "Bearer ".
        expect(await useKey(page, `Bearer ${readerKey}`)).toBe(200);
        const answered = await run(page, 'Overview');
        expect(answered.status).toBe(200);
        const counts = answered.body.data?.['eventCounts'] as { key: string; orgId: string; count: number }[];
        expect(counts).toContainEqual({ key: 'REMOTE_PROCESS_HANDLE', orgId: org, count: expectedRemoteHandles });
        const sensors = answered.body.data?.['sensors'] as { nodes: { hostname: string }[] };
        expect(sensors.nodes.map((s) => s.hostname).every((h) => h.endsWith('theshire.local'))).toBe(true);
        const shown = await resultContaining(page, '"REMOTE_PROCESS_HANDLE"');
        expect(shown).toContain(`"count": ${expectedRemoteHandles}`);
        await page.screenshot({ path: join(ARTIFACTS, 'playground.png') });

        // The key lives in this tab's sessionStorage only: a reload keeps it, localStorage never has it.
        await page.reload();
        await page.waitForSelector('.graphiql-execute-button', { timeout: 90_000 });
        expect(await page.locator('#atomgraph-key-status').textContent()).toContain('key in use');
        expect(await page.evaluate('JSON.stringify(Object.assign({}, localStorage))')).not.toContain(readerKey);
        expect(await page.evaluate('sessionStorage.getItem("atomgraph.apiKey")')).toBe(readerKey);

        await openTab(page, 'RecentProcesses');
        const recent = await run(page, 'RecentProcesses');
        const processes = (recent.body.data?.['events'] as { nodes: { atom: string }[] }).nodes;
        expect(processes.length).toBeGreaterThan(0);

        expect(problems).toEqual([]);
        expectSameOrigin(requests, keyed);
      } finally {
        await context.close();
      }
    },
    BROWSER_TEST_MS,
  );

  it(
    'with auth off: runs the dashboard tab as it is, and the live feed tab receives an event POSTed to /ingest',
    async () => {
      const { page, context, requests, sockets, problems } = await openPlayground(browser, open);
      try {
        expect(await page.locator('.atomgraph-bar').textContent()).toContain('auth is off');
        const answered = await run(page, 'Overview');
        expect(answered.status).toBe(200);
        expect(answered.body.errors).toBeUndefined();
        await resultContaining(page, '"REMOTE_PROCESS_HANDLE"');

        await openTab(page, 'LiveProcesses');
        await page.locator('.graphiql-execute-button').click();
        try {
          await waitFor('the subscription', async () => (open.live.subscriptions === 1 ? true : undefined));
        } catch (error) {
          throw new Error(`${(error as Error).message}; sockets: ${sockets.join(', ')}; result pane: ${await resultText(page)}`);
        }
        const process = records.find((r) => r.routing['event_type'] === 'NEW_PROCESS');
        const atom = `playground-live-${Date.now()}`;
        const ingested = await fetch(`${new URL(open.url).origin}/ingest`, {
          method: 'POST',
          body: JSON.stringify({ ...process, routing: { ...process?.routing, this: atom, event_id: `${atom}-id` } }),
        });
        expect(ingested.status).toBe(200);
        await resultContaining(page, atom);

        expect(problems).toEqual([]);
        expectSameOrigin([...requests, ...sockets.map((s) => s.replace(/^ws/, 'http'))], open);
        expect(sockets).toEqual([open.url.replace(/^http/, 'ws')]);
      } finally {
        await context.close();
      }
    },
    BROWSER_TEST_MS,
  );
});
