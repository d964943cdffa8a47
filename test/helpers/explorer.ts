/**
 * Driving the explorer in headless Chromium: open a page while recording every request and every
 * console or CSP complaint, read the drawn graph through the page's test hook
 * (window.atomgraphExplorer: node ids, labels, lanes and on-screen positions, for real clicks),
 * and build the bundle the server serves.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const REPO = join(__dirname, '..', '..');
export const ARTIFACTS = join(REPO, 'test-artifacts');

/** Builds web/explorer into dist/explorer (what `npm run build` does for it; esbuild, ~1 s). */
export function buildExplorerBundle(): void {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build-explorer.mjs')], { stdio: 'pipe' });
}

export interface DrawnNode {
  id: string;
  label: string;
  kind: string;
  lane: string | null;
  selected: boolean;
  /** Marked: a detection fired on it (or on its activity). */
  detected: boolean;
}
export interface DrawnEdge {
  source: string;
  target: string;
  kind: string;
  label: string;
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  requests: string[];
  problems: string[];
}

export async function openExplorer(browser: Browser, url: string): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, acceptDownloads: true });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => void requests.push(r.url()));
  page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  const response = await page.goto(url);
  if (response?.status() !== 200) throw new Error(`GET ${url} answered ${response?.status()}`);
  return { page, context, requests, problems };
}

export async function drawnNodes(page: Page): Promise<DrawnNode[]> {
  return page.evaluate('window.atomgraphExplorer ? window.atomgraphExplorer.nodes() : []') as Promise<DrawnNode[]>;
}

export async function drawnEdges(page: Page): Promise<DrawnEdge[]> {
  return page.evaluate('window.atomgraphExplorer ? window.atomgraphExplorer.edges() : []') as Promise<DrawnEdge[]>;
}

/** Clicks a drawn node where it is on screen (centred first, so it is inside the canvas). */
export async function clickNode(page: Page, id: string): Promise<void> {
  await page.evaluate(`window.atomgraphExplorer.center(${JSON.stringify(id)})`);
  const at = (await page.evaluate(`window.atomgraphExplorer.position(${JSON.stringify(id)})`)) as { x: number; y: number } | null;
  if (!at) throw new Error(`node ${id} is not drawn`);
  await page.mouse.click(at.x, at.y);
}

/** Waits until the process view has drawn (and fetched its cross-links). */
export async function processViewReady(page: Page): Promise<void> {
  await page.waitForSelector('#graph[data-links="true"]', { timeout: 180_000 });
}

/** Whether the drawing's cross-links, lateral movement and marks are asked and drawn (none in flight). */
export async function linksSettled(page: Page): Promise<boolean> {
  return (await page.getAttribute('#graph', 'data-links')) === 'true';
}

export function expectSameOrigin(urls: readonly string[], origin: string): void {
  expect(urls.length).toBeGreaterThan(0);
  expect(urls.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin)).toEqual([]);
}
