// The explorer end to end: a generated demo fleet with its truth file loaded through the real
// ingest pipeline into the integration Neo4j, a real server on port 0, headless Chromium clicking
// through the page. Expected values come from the generator's truth file, never from the API.
// Every test asserts that no request left the origin and that the page logged no console or CSP
// error. Screenshots: test-artifacts/explorer-*.png.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/api/server';
import { generateKey } from '../../src/auth/api-keys';
import { parseConfig } from '../../src/config/env';
import { withDefaults, type StoryTruth } from '../../src/generate';
import { generateTextWithDetections, topDetection, type TruthWithDetections } from '../../src/generate/stories/detections';
import { ApiKeyStore } from '../../src/graph/api-keys';
import { migrate } from '../../src/graph/schema/migrate';
import type { Runtime } from '../../src/runtime';
import { launchChromium } from '../helpers/browser';
import { ARTIFACTS, buildExplorerBundle, clickNode, drawnEdges, drawnNodes, type DrawnNode, expectSameOrigin, linksSettled, openExplorer, processViewReady, REPO, type OpenedPage } from '../helpers/explorer';
import { ingestLines } from '../helpers/ingest';
import { processTreeLines } from '../helpers/process-tree';
import { createLogger } from '../../src/log/logger';
import { createRuntime } from '../../src/runtime';

// With the suites running in parallel on two cores (load averages of 20-30 seen) a page's queries
// alone have taken most of a minute, so waits are long.
const BROWSER_TEST_MS = 420_000;
const BROWSER_HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
/** Small enough to load in seconds, large enough for two orgs, each with a lateral-movement story (and the detections a rule set raises on it). */
const FLEET = withDefaults({ hosts: 10, events: 5000, seed: 'explorer-acceptance', orgs: 2, stories: 2 });

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 180_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True once the drawing has settled on exactly `expected`'s nodes; otherwise throws what differs (waitFor reports the last). */
async function drawnAs(page: Page, expected: readonly DrawnNode[]): Promise<boolean> {
  if (!(await linksSettled(page))) throw new Error('cross-links still being asked');
  const now = await drawnNodes(page);
  const extra = now.filter((n) => !expected.some((e) => e.id === n.id));
  const missing = expected.filter((e) => !now.some((n) => n.id === e.id));
  if (extra.length === 0 && missing.length === 0) return true;
  const name = (n: DrawnNode) => `${n.kind} ${n.id} ${n.label.split('\n')[0]}`;
  const links = (await drawnEdges(page)).filter((e) => e.kind !== 'tree' && extra.some((n) => n.id === e.source || n.id === e.target));
  throw new Error(`drawn, not expected: ${extra.map(name).join('; ')} (links ${links.map((l) => `${l.source}-${l.kind}->${l.target}`).join(', ')}); expected, not drawn: ${missing.map(name).join('; ')}`);
}

/** The drawn chain from the root down to `focal`, following tree edges backwards. */
async function drawnChain(page: Page, focal: string): Promise<string[]> {
  const edges = (await drawnEdges(page)).filter((e) => e.kind === 'tree');
  const chain = [focal];
  for (;;) {
    const up = edges.find((e) => e.target === chain[0]);
    if (!up) return chain;
    chain.unshift(up.source);
  }
}

describe('the explorer in a browser, on a generated fleet', () => {
  let runtime: Runtime;
  let browser: Browser;
  let open: RunningServer;
  let keyed: RunningServer;
  let truth: TruthWithDetections;
  let story: StoryTruth;
  let other: StoryTruth;
  let keyA = '';

  beforeAll(async () => {
    buildExplorerBundle();
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    // Longer waits than testRuntime's: this suite loads a whole fleet while other suites share the machine.
    runtime = await createRuntime({
      overrides: { LOG_LEVEL: 'silent', AUTH: 'off', NEO4J_ACQUIRE_TIMEOUT_MS: 60_000, NEO4J_MAX_RETRY_MS: 30_000, NEO4J_TX_TIMEOUT_MS: 120_000 },
      logger: createLogger('silent'),
    });
    await migrate(runtime.executor);
    const generated = await generateTextWithDetections(FLEET);
    // Fresh org ids per run, so data an older run left in a shared database never mixes in.
    let text = generated.text;
    let truthText = JSON.stringify(generated.truth);
    for (const org of generated.truth.orgs) {
      const fresh = randomUUID();
      text = text.replaceAll(org.oid, fresh);
      truthText = truthText.replaceAll(org.oid, fresh);
    }
    truth = JSON.parse(truthText) as TruthWithDetections;
    const lateral = truth.stories.filter((s) => s.lateral !== null);
    story = lateral[0]!;
    other = truth.stories.find((s) => s.org.oid !== story.org.oid)!;
    await ingestLines(runtime.executor, text.split('\n').filter((l) => l.length > 0), 500);
    const key = generateKey();
    await new ApiKeyStore(runtime.executor).create({ id: key.id, hash: key.hash, orgs: [story.org.oid], role: 'reader' });
    keyA = key.key;
    open = await startServer({ config: runtime.config, executor: runtime.executor, logger: runtime.logger }, { host: '127.0.0.1', port: 0 });
    keyed = await startServer(
      { config: parseConfig({ NEO4J_URI: runtime.uri, AUTH: 'keys', AUTH_CACHE_MS: 0 }), executor: runtime.executor, logger: runtime.logger },
      { host: '127.0.0.1', port: 0 },
    );
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await open?.close();
    await keyed?.close();
    await runtime?.close();
  });

  const explorerUrl = (server: RunningServer, query = '') => `${new URL(server.url).origin}/explorer${query}`;

  async function finish(opened: OpenedPage, server: RunningServer, shot: string): Promise<void> {
    try {
      await opened.page.screenshot({ path: join(ARTIFACTS, `explorer-${shot}.png`) });
      expect(opened.problems).toEqual([]);
      expectSameOrigin(opened.requests, new URL(server.url).origin);
    } finally {
      await opened.context.close();
    }
  }

  it('is served from our origin under the playground\'s CSP, with every file it names and nothing else', async () => {
    const origin = new URL(open.url).origin;
    const response = await fetch(`${origin}/explorer`, { headers: { accept: BROWSER_HTML } });
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const html = await response.text();
    for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      if (!attributes?.includes('src=')) expect(attributes).toContain('type="application/json"');
      else expect(body).toBe('');
    }
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const files = [...html.matchAll(/(?:src|href)="(explorer\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(files.sort()).toEqual(['explorer/assets/explorer.css', 'explorer/assets/explorer.js', 'explorer/assets/favicon.svg']);
    for (const file of files) expect([file, (await fetch(`${origin}/${file}`)).status]).toEqual([file, 200]);
    for (const path of ['/explorer/assets/../package.json', '/explorer/assets/..%2Fpackage.json', '/explorer/assets/main.ts']) {
      expect([path, (await fetch(`${origin}${path}`)).status]).toEqual([path, 404]);
    }
    // The playground links to it.
    const playground = await (await fetch(open.url, { headers: { accept: BROWSER_HTML } })).text();
    expect(playground).toContain('"explorer":true');
    // The detections panel stays hidden until the schema has Query.detections.
    const schemaHasDetections = /^\s+detections\(filter:/m.test(readFileSync(join(REPO, 'schema.graphql'), 'utf8'));
    expect(html).toContain(`"detections":${schemaHasDetections}`);
  });

  it(
    'searches the dropper\'s hash, opens it, and draws the planted chain up to the root in order',
    async () => {
      const opened = await openExplorer(browser, explorerUrl(open));
      const { page } = opened;
      await page.fill('#search-input', story.dropper.sha256);
      await page.press('#search-input', 'Enter');
      await page.waitForSelector('.sighting-hosts li');
      expect(await page.locator('#searched').textContent()).toContain('Searched hashes (SHA-256)');
      const payload = story.processes.payload.atom;
      await page.locator(`button.open-event[data-atom="${payload}"]`).first().click();
      await processViewReady(page);
      expect(new URL(page.url()).searchParams.get('atom')).toBe(payload);

      const chain = await drawnChain(page, payload);
      const expected = [...story.ancestors].reverse().map((a) => a.atom);
      expect(chain).toEqual([...expected, payload]);
      const nodes = new Map((await drawnNodes(page)).map((n) => [n.id, n]));
      for (const a of story.ancestors) {
        const drawn = nodes.get(a.atom)!;
        if (a.sent) expect(drawn.label.split('\n')[0]).toContain(fileName(a.filePath));
        else expect(drawn.kind).toBe('missing');
      }
      expect(nodes.get(payload)?.label).toContain(fileName(story.processes.payload.filePath));
      // Every drawn process sits in its host's lane.
      expect(nodes.get(payload)?.lane).toBe(`lane:${story.victim.sid}`);
      // The side panel shows the typed fields of the opened process.
      await page.waitForSelector('#typed-fields');
      expect(await page.locator('#typed-fields').textContent()).toContain(story.dropper.sha256);
      await finish(opened, open, 'chain');
    },
    BROWSER_TEST_MS,
  );

  it(
    'expands the tree a level on click, pages a big subtree from its "+N processes" stub, and back/forward replay it',
    async () => {
      const payload = story.processes.payload.atom;
      const opened = await openExplorer(browser, explorerUrl(open, `?view=process&org=${story.org.oid}&atom=${payload}`));
      const { page } = opened;
      await processViewReady(page);
      const before = await drawnNodes(page);
      // The ancestors' other children are summarised as stubs until expanded.
      const stub = before.find((n) => n.kind === 'more');
      expect(stub).toBeDefined();
      const owner = stub!.id.slice('more:'.length);
      const hidden = Number(/\+([\d,]+) processes/.exec(stub!.label)?.[1]?.replace(/,/g, ''));
      expect(hidden).toBeGreaterThan(0);
      await clickNode(page, stub!.id);
      // Settled: the expansion drawn, and its cross-links and lateral movement asked and drawn.
      const after = await waitFor('more processes drawn, their links settled', async () => {
        const now = await drawnNodes(page);
        return now.length > before.length && (await linksSettled(page)) ? await drawnNodes(page) : undefined;
      });
      const edges = await drawnEdges(page);
      const newKids = edges.filter((e) => e.kind === 'tree' && e.source === owner && !before.some((n) => n.id === e.target));
      expect(newKids.length).toBe(Math.min(hidden, 100));
      expect(new URL(page.url()).searchParams.get('exp')).toContain(owner);
      expect(after.length).toBeGreaterThan(before.length);

      // Back: the expansion is undone; forward: it is drawn again.
      // What hung off the hidden processes (another host's process, a TARGET) goes with them.
      await page.goBack();
      await waitFor('the expansion undone', () => drawnAs(page, before));
      await page.goForward();
      await waitFor('the expansion redone', () => drawnAs(page, after));

      // The same URL in a fresh tab draws the same view.
      const link = page.url();
      const again = await openExplorer(browser, link);
      await processViewReady(again.page);
      await waitFor('the shared link drawn the same', () => drawnAs(again.page, after));
      await finish(again, open, 'shared-link');
      await finish(opened, open, 'expanded');
    },
    BROWSER_TEST_MS,
  );

  it(
    'opens a tree too big for two levels with the children only, each with a stub counting its own children; a click on one draws exactly those',
    async () => {
      // 30 children with 5-11 children each (265 processes in two levels, above the first view's
      // 200), ingested here; the counts below come from this input, not from the API.
      const org = randomUUID();
      const sid = randomUUID();
      const atom = () => randomUUID().replace(/-/g, '');
      const lines: string[] = [];
      let time = Date.UTC(2024, 5, 1, 9);
      const spawn = (parent: string | null, name: string): string => {
        const id = atom();
        const routing = { oid: org, sid, hostname: 'WIDE-TREE-01', plat: 268435456, arch: 2, event_time: (time += 5), event_type: 'NEW_PROCESS', event_id: randomUUID(), this: id, ...(parent ? { parent } : {}) };
        lines.push(JSON.stringify({ routing, event: { FILE_PATH: `C:\\Wide\\${name}.exe`, COMMAND_LINE: `${name}.exe`, PROCESS_ID: lines.length + 100 } }));
        return id;
      };
      const root = spawn(null, 'root');
      const grandchildren = new Map<string, string[]>();
      for (let c = 0; c < 30; c++) {
        const child = spawn(root, `child${c}`);
        grandchildren.set(child, Array.from({ length: 5 + (c % 7) }, (_, g) => spawn(child, `task${c}-${g}`)));
      }
      await ingestLines(runtime.executor, lines, 500);

      const opened = await openExplorer(browser, explorerUrl(open, `?view=process&org=${org}&atom=${root}`));
      const { page } = opened;
      await processViewReady(page);
      const before = await drawnNodes(page);
      expect(before.filter((n) => n.kind !== 'more').map((n) => n.id).sort()).toEqual([root, ...grandchildren.keys()].sort());
      const stubs = new Map(before.filter((n) => n.kind === 'more').map((n) => [n.id, n.label]));
      expect(stubs).toEqual(new Map([...grandchildren].map(([child, kids]) => [`more:${child}`, `+${kids.length} processes`])));

      const [widest, kids] = [...grandchildren].sort((a, b) => b[1].length - a[1].length)[0]!;
      await clickNode(page, `more:${widest}`);
      await waitFor('the children drawn', async () => ((await drawnNodes(page)).length > before.length ? true : undefined));
      const drawnKids = (await drawnEdges(page)).filter((e) => e.kind === 'tree' && e.source === widest).map((e) => e.target);
      expect(drawnKids.sort()).toEqual([...kids].sort());
      expect((await drawnNodes(page)).some((n) => n.id === `more:${widest}`)).toBe(false);
      await finish(opened, open, 'wide-tree');
    },
    BROWSER_TEST_MS,
  );

  it(
    'pivots from the dropper to the hosts that ran its hash: exactly the truth file\'s hosts, with prevalence',
    async () => {
      const payload = story.processes.payload.atom;
      const opened = await openExplorer(browser, explorerUrl(open, `?view=process&org=${story.org.oid}&atom=${payload}&panel=${payload}`));
      const { page } = opened;
      await processViewReady(page);
      await page.click('#pivot-hash');
      await page.waitForSelector('#pivot-result .sighting-hosts');
      const sids = await page.locator('#pivot-result .sighting-hosts li').evaluateAll((els) => els.map((e) => e.getAttribute('data-sid')));
      expect(sids.sort()).toEqual(story.dropper.hosts.map((h) => h.sid).sort());
      const hostsInOrg = truth.orgs.find((o) => o.oid === story.org.oid)!.hosts;
      const prevalence = await page.locator('#pivot-result #prevalence-hash').textContent();
      expect(prevalence).toContain(`On ${story.dropper.hosts.length} of ${hostsInOrg} hosts`);
      expect(new URL(page.url()).searchParams.get('pivot')).toBe('hash');
      await finish(opened, open, 'pivot-hash');
    },
    BROWSER_TEST_MS,
  );

  it(
    'draws the lateral movement: the second host\'s process in its own lane, and follows it there',
    async () => {
      const lateral = story.lateral!;
      // The connections hang off the victim's PowerShell: its process view draws them.
      const source = lateral.connections[0]!.processAtom;
      const opened = await openExplorer(browser, explorerUrl(open, `?view=process&org=${story.org.oid}&atom=${source}`));
      const { page } = opened;
      await processViewReady(page);
      const started = new Set(lateral.startedProcesses.map((p) => p.atom));
      const remote = await waitFor('the other host\'s process', async () => (await drawnNodes(page)).find((n) => started.has(n.id)));
      expect(remote.lane).toBe(`lane:${lateral.destination.sid}`);
      expect(remote.kind).toBe('remote');
      const link = (await drawnEdges(page)).find((e) => e.target === remote.id && e.kind === 'lateral');
      expect(link?.source).toBe(source);
      expect(link?.label).toContain(lateral.destination.hostname);
      await page.screenshot({ path: join(ARTIFACTS, 'explorer-lateral.png') });

      await clickNode(page, remote.id);
      await page.waitForSelector('#open-process-view');
      await page.click('#open-process-view');
      await processViewReady(page);
      expect(new URL(page.url()).searchParams.get('atom')).toBe(remote.id);
      const title = await page.locator('#view-title').textContent();
      expect(title).toContain(lateral.destination.hostname);
      const process = lateral.startedProcesses.find((p) => p.atom === remote.id)!;
      expect(title).toContain(fileName(process.filePath));
      await finish(opened, open, 'lateral-followed');
    },
    BROWSER_TEST_MS,
  );

  it(
    'with auth on: asks for a key first; with one org\'s key, nothing of another org appears in any view or pivot',
    async () => {
      const opened = await openExplorer(browser, explorerUrl(keyed));
      const { page } = opened;
      await page.waitForSelector('#key-needed');
      expect(await page.locator('#key-status').textContent()).toBe('no key yet');
      await page.fill('#key-input', keyA);
      await page.press('#key-input', 'Enter');
      await page.waitForSelector('#host-list li');
      const listed = await page.locator('#host-list li button').allTextContents();
      const ownHosts = new Set(story.dropper.hosts.map((h) => h.hostname));
      const otherHosts = new Set(other.dropper.hosts.map((h) => h.hostname).filter((h) => !ownHosts.has(h)));
      expect(listed.filter((h) => otherHosts.has(h))).toEqual([]);
      expect(listed.length).toBe(truth.orgs.find((o) => o.oid === story.org.oid)!.hosts);
      // The key is in this tab's sessionStorage only.
      expect(await page.evaluate('sessionStorage.getItem("atomgraph.apiKey")')).toBe(keyA);
      expect(await page.evaluate('JSON.stringify(Object.assign({}, localStorage))')).not.toContain(keyA);

      // The other org's dropper hash: no process, no host (its prevalence is 0 of this org's hosts).
      await page.fill('#search-input', other.dropper.sha256);
      await page.press('#search-input', 'Enter');
      await page.waitForSelector('#prevalence-hash');
      expect(await page.locator('#prevalence-hash').textContent()).toMatch(/^On 0 of \d+ hosts/);
      expect(await page.locator('button.open-event').count()).toBe(0);

      // The other org's process by URL: not found, and no pivot from it.
      await page.goto(explorerUrl(keyed, `?view=process&org=${other.org.oid}&atom=${other.processes.payload.atom}&panel=${other.processes.payload.atom}&pivot=hash`));
      await page.waitForSelector('.message.error');
      expect(await page.locator('.message.error').first().textContent()).toContain('No event');
      expect(await drawnNodes(page)).toEqual([]);
      // Its own org's view works with the same key.
      await page.goto(explorerUrl(keyed, `?view=process&org=${story.org.oid}&atom=${story.processes.payload.atom}&panel=${story.processes.payload.atom}&pivot=hash`));
      await processViewReady(page);
      await page.waitForSelector('#pivot-result .sighting-hosts li');
      const sids = await page.locator('#pivot-result .sighting-hosts li').evaluateAll((els) => els.map((e) => e.getAttribute('data-sid')));
      expect(sids.sort()).toEqual(story.dropper.hosts.map((h) => h.sid).sort());
      const problems = opened.problems.filter((p) => !p.includes('status of 401'));
      opened.problems.length = 0;
      opened.problems.push(...problems);
      await finish(opened, keyed, 'auth');
    },
    BROWSER_TEST_MS,
  );

  it(
    'lists the newest detections of the key\'s org on the start page; the top detection opens its event, marked, with the detection in its panel',
    async () => {
      const own = truth.detections.filter((d) => d.oid === story.org.oid);
      const top = topDetection(truth, story.id);
      expect(top).not.toBeNull();
      expect(own.length).toBeGreaterThan(1);
      const opened = await openExplorer(browser, explorerUrl(keyed));
      const { page } = opened;
      await page.fill('#key-input', keyA);
      await page.press('#key-input', 'Enter');
      await page.waitForSelector('#detection-list li.detection');
      const listed = async () => page.locator('#detection-list li.detection').evaluateAll((els) => els.map((e) => e.getAttribute('data-detection-id')));
      // Exactly the truth file's detections of this org (fewer than a page), none of the other org's.
      expect((await listed()).sort()).toEqual(own.map((d) => d.id).sort());
      // From a priority up: exactly those at or above it.
      const floor = 9;
      await page.selectOption('#detection-priority', String(floor));
      const high = own.filter((d) => d.priority >= floor).map((d) => d.id).sort();
      await waitFor('the priority filter applied', async () => JSON.stringify((await listed()).sort()) === JSON.stringify(high));
      expect(high).toContain(top!.id);

      await page.click(`#detection-list li[data-detection-id="${top!.id}"] button.open-detection`);
      await processViewReady(page);
      const url = new URL(page.url());
      expect([url.searchParams.get('view'), url.searchParams.get('atom'), url.searchParams.get('panel')]).toEqual(['process', top!.atom, top!.atom]);
      // Its event is drawn, on its host's lane, with the detection marker; so is every other
      // drawn event a detection of the file names.
      const nodes = await drawnNodes(page);
      const event = nodes.find((n) => n.id === top!.atom);
      expect(event?.lane).toBe(`lane:${top!.sid}`);
      expect(event?.detected).toBe(true);
      const named = new Set(own.map((d) => d.atom));
      expect(nodes.filter((n) => named.has(n.id)).every((n) => n.detected)).toBe(true);
      // The side panel lists the event's detections: the top one by its name.
      await page.waitForSelector('#event-detections li.detection');
      const panelIds = await page.locator('#event-detections li.detection').evaluateAll((els) => els.map((e) => e.getAttribute('data-detection-id')));
      expect(panelIds.sort()).toEqual(own.filter((d) => d.atom === top!.atom).map((d) => d.id).sort());
      expect(await page.locator('#event-detections').textContent()).toContain(top!.cat);
      await finish(opened, keyed, 'detection');
    },
    BROWSER_TEST_MS,
  );

  it(
    'opens the host timeline around a process: a per-minute histogram over the paged events, and a click opens a process view',
    async () => {
      const payload = story.processes.payload;
      const opened = await openExplorer(browser, explorerUrl(open, `?view=process&org=${story.org.oid}&atom=${payload.atom}&panel=${payload.atom}`));
      const { page } = opened;
      await processViewReady(page);
      await page.click('#pivot-timeline');
      await page.waitForSelector('#timeline-list button.open-event');
      const url = new URL(page.url());
      expect(url.searchParams.get('view')).toBe('timeline');
      expect(url.searchParams.get('sid')).toBe(story.victim.sid);
      expect(await page.locator('#view-title').textContent()).toContain(story.victim.hostname);
      // The histogram counts the same events the list pages through.
      const bars = await page.locator('#histogram rect').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
      const total = Number(/^([\d,]+) events/.exec((await page.locator('#timeline-count').textContent()) ?? '')?.[1]?.replace(/,/g, ''));
      expect(bars.length).toBeGreaterThan(0);
      expect(bars.reduce((a, b) => a + b, 0)).toBe(total);
      // Events are in time order, and the payload's start is among them (the window is around it).
      const rows = await page.locator('#timeline-list tbody tr td:first-child').allTextContents();
      expect([...rows].sort()).toEqual(rows);
      let found = await page.locator(`#timeline-list button.open-event[data-atom="${payload.atom}"]`).count();
      while (!found && (await page.locator('#timeline-next').count())) {
        await page.click('#timeline-next');
        await page.waitForTimeout(300);
        found = await page.locator(`#timeline-list button.open-event[data-atom="${payload.atom}"]`).count();
      }
      expect(found).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'explorer-timeline.png') });
      await page.click(`#timeline-list button.open-event[data-atom="${payload.atom}"]`);
      await processViewReady(page);
      expect(new URL(page.url()).searchParams.get('atom')).toBe(payload.atom);
      await finish(opened, open, 'timeline-opened');
    },
    BROWSER_TEST_MS,
  );

  it(
    'is driven by the keyboard (arrows, Enter, Escape), exports PNG and SVG, and has no serious axe-core violations',
    async () => {
      const payload = story.processes.payload;
      const opened = await openExplorer(browser, explorerUrl(open, `?view=process&org=${story.org.oid}&atom=${payload.atom}&panel=${payload.atom}`));
      const { page } = opened;
      await processViewReady(page);
      await page.focus('#graph');
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('graph');
      // Up the chain to the nearest ancestor with other children (drawn as a "+N processes" stub).
      const stubs = new Set((await drawnNodes(page)).filter((n) => n.kind === 'more').map((n) => n.id.slice('more:'.length)));
      const k = story.ancestors.findIndex((a) => stubs.has(a.atom));
      expect(k).toBeGreaterThanOrEqual(0);
      const ancestor = story.ancestors[k]!.atom;
      for (let i = 0; i <= k; i++) {
        await page.keyboard.press('ArrowLeft');
        await waitFor(`ancestor ${i} selected`, async () => new URL(page.url()).searchParams.get('panel') === story.ancestors[i]!.atom);
      }
      // Enter expands it: its other children are drawn (tree edges to processes off the chain).
      const chainAtoms = new Set([payload.atom, ...story.ancestors.map((a) => a.atom)]);
      const offChain = async () => (await drawnEdges(page)).filter((e) => e.kind === 'tree' && e.source === ancestor && !chainAtoms.has(e.target)).length;
      expect(await offChain()).toBe(0);
      await page.keyboard.press('Enter');
      await waitFor('the ancestor expanded', async () => ((await offChain()) > 0 ? true : undefined));
      expect(new URL(page.url()).searchParams.get('exp')).toContain(ancestor);
      // Enter again collapses it.
      await page.keyboard.press('Enter');
      await waitFor('the ancestor collapsed', async () => ((await offChain()) === 0 ? true : undefined));
      expect(new URL(page.url()).searchParams.get('col')).toContain(ancestor);
      if (k > 0) {
        await page.keyboard.press('ArrowRight');
        await waitFor('one step back down the chain', async () => new URL(page.url()).searchParams.get('panel') === story.ancestors[k - 1]!.atom);
      }
      await page.keyboard.press('Escape');
      await page.waitForSelector('#panel', { state: 'hidden' });
      expect(new URL(page.url()).searchParams.get('panel')).toBeNull();

      for (const [button, extension, signature] of [['#export-png', '.png', '\u0089PNG'], ['#export-svg', '.svg', '<svg']] as const) {
        const downloading = page.waitForEvent('download');
        await page.click(button);
        const download = await downloading;
        expect(download.suggestedFilename()).toBe(`atomgraph-${payload.atom}${extension}`);
        const path = join(ARTIFACTS, `explorer-export${extension}`);
        await download.saveAs(path);
        const bytes = readFileSync(path);
        expect(bytes.length).toBeGreaterThan(1000);
        expect(bytes.toString('latin1')).toContain(signature);
      }

      // axe-core from node_modules, run in the page (through the driver, so the page's CSP stays as served).
      const axe = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
      await page.goto(explorerUrl(open, `?view=process&org=${story.org.oid}&atom=${payload.atom}&panel=${payload.atom}&pivot=hash`));
      await processViewReady(page);
      await page.waitForSelector('#pivot-result .sighting-hosts');
      await page.evaluate(axe);
      const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(serious).toEqual([]);
      await page.goto(explorerUrl(open, `?view=timeline&org=${story.org.oid}&sid=${story.victim.sid}&from=${new Date(story.startTime - 300_000).toISOString()}&to=${new Date(story.startTime + 300_000).toISOString()}`));
      await page.waitForSelector('#timeline-count');
      await page.evaluate(axe);
      const timeline = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as typeof result;
      expect(timeline.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
      // Known and left open: cytoscape-svg's canvas2svg logs this for every node label while it
      // writes the SVG (the file is complete; checked above). Every other console error still fails.
      const svgNoise = 'console error: Attempted to apply path command to node text';
      const rest = opened.problems.filter((p) => p !== svgNoise);
      opened.problems.length = 0;
      opened.problems.push(...rest);
      await finish(opened, open, 'keyboard');
    },
    BROWSER_TEST_MS,
  );

  /** 30 children with 20 each (630 processes: a stub under every child), loaded into an org of its own and opened. */
  async function openWideTree(): Promise<{ tree: ReturnType<typeof processTreeLines>; opened: OpenedPage }> {
    const org = randomUUID();
    const tree = processTreeLines(org, randomUUID(), { children: 30, grandchildren: 20, deep: 0 });
    await ingestLines(runtime.executor, tree.lines, 500);
    return { tree, opened: await openExplorer(browser, explorerUrl(open, `?view=process&org=${org}&atom=${tree.root}`)) };
  }

  it(
    'fetches the children of every stub in view ahead of a click: the click asks nothing more and draws exactly them',
    async () => {
      // 30 children with 20 each: stubs under every child (630 processes, more than the first
      // view's two levels), and three fetch-ahead requests (small first, then twice as large: at
      // most 120, 240 and 480 processes, so 5, 11 and 14 children with their 20).
      const { tree, opened } = await openWideTree();
      const { page } = opened;
      const bodies: string[] = [];
      page.on('request', (r) => void (r.url().endsWith('/graphql') && bodies.push(r.postData() ?? '')));
      await processViewReady(page);
      const ahead = await waitFor('the fetch-ahead', async () => {
        const a = (await page.evaluate('window.atomgraphExplorer.ahead()')) as { requests: number; done: boolean };
        return a.done ? a : undefined;
      });
      expect(ahead.requests).toBe(3);
      expect(bodies.filter((b) => b.includes('query ChildrenAhead')).length).toBe(3);
      // The last child's stub: its children came with the last request.
      const last = tree.children[tree.children.length - 1]!;
      expect((await drawnNodes(page)).some((n) => n.id === `more:${last.atom}`)).toBe(true);
      const before = bodies.length;
      await clickNode(page, `more:${last.atom}`);
      const drawn = await waitFor('the stub expanded', async () => {
        const kids = (await drawnEdges(page)).filter((e) => e.kind === 'tree' && e.source === last.atom).map((e) => e.target);
        return kids.length > 0 ? kids : undefined;
      });
      expect(new Set(drawn)).toEqual(new Set(last.children));
      expect(drawn.length).toBe(last.children.length);
      expect((await drawnNodes(page)).some((n) => n.id === `more:${last.atom}`)).toBe(false);
      // After the click only the enrichment of what is drawn (cross-links, marks) may be asked: no children.
      expect(bodies.slice(before).filter((b) => b.includes('query ChildProcesses') || b.includes('query ChildrenAhead'))).toEqual([]);
      await finish(opened, open, 'fetch-ahead');
    },
    BROWSER_TEST_MS,
  );

  it(
    'sends nothing ahead while a click loads and draws its children: the click has the server first',
    async () => {
      const { tree, opened } = await openWideTree();
      const { page } = opened;
      const aheadSent: number[] = [];
      let clickSent = 0;
      let clickAnswered = 0;
      let clickSeen: () => void = () => {};
      const clicked = new Promise<void>((resolve) => (clickSeen = resolve));
      // The fetch-ahead's first request is answered only once the click's own request is out, and
      // that one takes 2 s: without the rule, the fetch-ahead's next request would go out meanwhile.
      await page.route('**/graphql', async (route) => {
        const body = route.request().postData() ?? '';
        if (body.includes('query ChildrenAhead')) {
          aheadSent.push(Date.now());
          if (aheadSent.length === 1) await clicked;
        }
        if (body.includes('query ChildProcesses')) {
          clickSent = Date.now();
          clickSeen();
          await new Promise((r) => setTimeout(r, 2000));
        }
        await route.continue();
      });
      page.on('response', (r) => void (r.request().postData()?.includes('query ChildProcesses') && (clickAnswered = Date.now())));
      await processViewReady(page);
      // The last child's stub: the fetch-ahead's later requests cover it, so the click asks itself.
      const last = tree.children[tree.children.length - 1]!;
      await clickNode(page, `more:${last.atom}`);
      await waitFor('the stub expanded', async () => ((await drawnEdges(page)).some((e) => e.kind === 'tree' && e.source === last.atom) ? true : undefined));
      expect(clickSent).toBeGreaterThan(0);
      expect(clickAnswered).toBeGreaterThan(clickSent);
      // The fetch-ahead had started before the click; while the click's request was out, it sent nothing.
      expect(aheadSent.filter((t) => t < clickSent).length).toBeGreaterThan(0);
      expect(aheadSent.filter((t) => t >= clickSent && t <= clickAnswered)).toEqual([]);
      // Then the fetch-ahead goes on and finishes.
      await waitFor('the fetch-ahead', async () => ((await page.evaluate('window.atomgraphExplorer.ahead()')) as { done: boolean }).done || undefined);
      expect(aheadSent.length).toBeGreaterThan(1);
      await finish(opened, open, 'fetch-ahead-yields');
    },
    BROWSER_TEST_MS,
  );
});
