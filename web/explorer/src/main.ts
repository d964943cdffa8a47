/**
 * The explorer: a client of atomgraph's own GraphQL API that draws process trees. Views: search
 * results, the process view of one event (ancestry, tree, cross-links, lanes per host), and a
 * host's timeline; a side panel reads one node and pivots from it. The URL holds the state.
 */
import './explorer.css';
import type { Core, EdgeSingular } from 'cytoscape';
import {
  ActivityDocument,
  ChildProcessesDocument,
  ChildrenAheadDocument,
  DetectionMarksDocument,
  DetectionsDocument,
  type DetectionLineFragment,
  FindEventDocument,
  HistogramDocument,
  HostsDocument,
  type HostsQuery,
  LateralDocument,
  type LateralQuery,
  NodeDetailDocument,
  type NodeDetailQuery,
  ProcessViewDocument,
  SearchEventsDocument,
  SightingsDocument,
  TargetedByDocument,
  TimelineDocument,
  TwoLevelsDocument,
  type EventFilter,
  type EventLineFragment,
  type IndicatorKind,
  type TreeNodeFragment,
} from '../gql/graphql';
import { ApiError, request, storedKey, storeKey } from './api';
import { basename, clear, fmtCount, fmtTime, h } from './dom';
import { createGraph, draw, exportPng, exportSvg, nodeName, planOf } from './graph';
import { drawsTwoLevels, FIRST_VIEW_MAX, prefetchPlan, PROCESS_TYPES, type ProcNode, ProcessModel, TARGET_TYPES, toProc } from './model';
import { registerPanel, startPanels, type StartPanelContext } from './panels';
import { formatState, parseState, type ViewState } from './state';

interface Settings {
  auth: 'keys' | 'off';
  features: { detections: boolean };
  playground: boolean;
}

const settings = JSON.parse(document.getElementById('atomgraph-explorer-settings')?.textContent ?? '{}') as Settings;
const root = document.getElementById('atomgraph-explorer') as HTMLElement;

const API_PAGE = 500;
const TIMELINE_PAGE = 100;
/** How long the pointer rests on a process or stub before its children are fetched ahead of a click. */
const PREFETCH_REST_MS = 80;
/**
 * Requests in flight at once for cross-links (one per drawn process with TARGET activity, all of
 * them: a view that drew only some would change when a later expansion asked for the rest).
 */
const CROSS_LINK_CONCURRENCY = 3;
/**
 * `ahead=off` in the page's URL switches the fetch-ahead off (the benchmark's cold expansion);
 * read once, at load.
 */
const FETCH_AHEAD = new URLSearchParams(location.search).get('ahead') !== 'off';

// ---------------------------------------------------------------- layout

const status = h('span', { className: 'status', id: 'key-status', role: 'status' });
const searchInput = h('input', {
  id: 'search-input',
  type: 'search',
  name: 'q',
  placeholder: 'atom, hostname, hash, domain, IP or command-line text',
  'aria-label': 'Search: an atom, a hostname, a hash, a domain, an IP, or command-line text',
  spellcheck: 'false',
  autocomplete: 'off',
});
const searchForm = h('form', { className: 'search', role: 'search' }, searchInput, h('button', { type: 'submit', id: 'search-go' }, 'Search'));
const keyInput = h('input', { id: 'key-input', type: 'password', name: 'apiKey', placeholder: 'paste a key: atomgraph keys create', autocomplete: 'off', spellcheck: 'false' });
const keyForm = h('form', { className: 'key', autocomplete: 'off' }, h('label', { for: 'key-input' }, 'API key'), keyInput, h('button', { type: 'submit', id: 'key-use' }, 'Use key'));
const header = h(
  'header',
  { className: 'bar' },
  h('h1', {}, 'atomgraph explorer'),
  searchForm,
  settings.auth === 'keys' ? keyForm : h('span', { className: 'status' }, 'auth is off: every org is visible'),
  settings.auth === 'keys' ? status : null,
  settings.playground ? h('a', { href: 'graphql', id: 'playground-link' }, 'Playground') : null,
);
const startNav = h('nav', { className: 'start', 'aria-label': 'Where to start' });
const view = h('main', { className: 'view', id: 'view' });
const panel = h('aside', { className: 'panel', id: 'panel', 'aria-label': 'Selected node', hidden: true });
const announcer = h('div', { className: 'visually-hidden', 'aria-live': 'polite', id: 'announcer' });
root.append(header, h('div', { className: 'layout' }, startNav, view, panel), announcer);

// ---------------------------------------------------------------- state and navigation

let state: ViewState = parseState(location.search);

function navigate(patch: Partial<ViewState>, options: { replace?: boolean; fresh?: boolean } = {}): void {
  const base: ViewState = options.fresh ? { ...parseState(''), org: state.org } : state;
  const next: ViewState = { ...base, ...patch };
  const url = formatState(next);
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  const previous = state;
  state = next;
  void render(previous);
}

window.addEventListener('popstate', () => {
  const previous = state;
  state = parseState(location.search);
  void render(previous);
});

function report(error: unknown, into: HTMLElement = view): void {
  const message = error instanceof ApiError && error.code === 'UNAUTHENTICATED' ? `The API refused the key: ${error.message}` : error instanceof Error ? error.message : String(error);
  const box = h('p', { className: 'message error', role: 'alert' }, message);
  into.prepend(box);
}

function needsKey(): boolean {
  return settings.auth === 'keys' && !storedKey();
}

function askForKey(): void {
  clear(view, h('p', { className: 'message', id: 'key-needed', role: 'alert' }, 'This server wants an API key. Paste one in the field at the top (from: atomgraph keys create --org <oid> --role reader). It is kept in this tab only.'));
  keyInput.focus();
}

keyInput.value = storedKey();
status.textContent = storedKey() ? 'key in use (kept in this tab only)' : 'no key yet';
keyForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const key = keyInput.value.trim().replace(/^Bearer\s+/i, '');
  storeKey(key);
  status.textContent = key ? 'key in use (kept in this tab only)' : 'no key yet';
  hostsLoaded = null;
  void renderStart();
  void render(null);
});

searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const q = searchInput.value.trim();
  if (q) navigate({ view: 'search', q }, { fresh: true });
});

// ---------------------------------------------------------------- start panels (left column)

type Host = HostsQuery['sensors']['nodes'][number];
let hostsLoaded: Promise<Host[]> | null = null;

function hosts(): Promise<Host[]> {
  hostsLoaded ??= request(HostsDocument, { first: 500 }).then((d) => d.sensors.nodes);
  return hostsLoaded;
}

/** A window around a moment, for "host timeline around this time". */
function around(time: string | null | undefined, minutes = 5): { from: string; to: string } {
  const t = time ? Date.parse(time) : Date.now();
  return { from: new Date(t - minutes * 60_000).toISOString(), to: new Date(t + minutes * 60_000).toISOString() };
}

/** Detections listed per page in the start panel. */
const DETECTION_PAGE = 20;

/** One detection as a line: priority, name (rule), host, time; the button opens its event. */
function detectionItem(d: DetectionLineFragment, open: () => void): HTMLElement {
  const priority = d.priority ?? null;
  return h(
    'li',
    { className: 'detection', 'data-detection-id': d.id, 'data-priority': String(priority ?? '') },
    h('span', { className: `priority p${Math.min(10, Math.max(0, priority ?? 0))}`, title: `priority ${priority ?? 'unknown'}${d.level ? ` (${d.level})` : ''}` }, priority === null ? '–' : String(priority)),
    ' ',
    d.eventAtom ? h('button', { className: 'link open-detection', type: 'button', 'data-atom': d.eventAtom, onclick: open }, d.name) : h('span', {}, d.name),
    h('div', { className: 'meta' }, `${d.rule && d.rule !== d.name ? `${d.rule} · ` : ''}${d.hostname ?? d.sensorId ?? 'unknown host'} · ${fmtTime(d.detectTime ?? d.eventTime)}`),
  );
}

// The newest detections, shown when the server's schema has Query.detections (features.detections).
registerPanel({
  id: 'detections',
  title: 'Newest detections',
  needs: 'detections',
  async render(into, ctx) {
    const select = h(
      'select',
      { id: 'detection-priority', 'aria-label': 'Lowest priority shown' },
      h('option', { value: '' }, 'every priority'),
      ...[1, 3, 5, 7, 9].map((p) => h('option', { value: String(p) }, `priority ${p} and up`)),
    );
    const ul = h('ul', { id: 'detection-list' });
    const more = h('div', {});
    const count = h('p', { className: 'meta', id: 'detection-count' });
    // Only the newest request's answer is shown (a filter changed while a page was loading).
    let generation = 0;
    const page = async (after: string | null) => {
      const mine = after ? generation : ++generation;
      const minPriority = select.value ? Number(select.value) : null;
      const d = await request(DetectionsDocument, { filter: minPriority === null ? null : { minPriority }, first: DETECTION_PAGE, after });
      if (mine !== generation) return;
      if (!after) clear(ul);
      for (const det of d.detections.nodes) {
        ul.append(detectionItem(det, () => det.eventAtom && ctx.open({ view: 'process', org: det.orgId, atom: det.eventAtom, panel: det.eventAtom })));
      }
      count.textContent = `${fmtCount(d.detections.totalCount)} detections${minPriority === null ? '' : ` of priority ${minPriority} and up`}, newest first`;
      count.setAttribute('data-min-priority', String(minPriority ?? ''));
      const next = d.detections.pageInfo.hasNextPage ? (d.detections.pageInfo.endCursor ?? null) : null;
      clear(more, next ? h('button', { type: 'button', id: 'detections-older', onclick: () => void page(next).catch(ctx.report) }, 'Older detections') : null);
      if (!d.detections.nodes.length && !after) ul.append(h('li', { className: 'meta' }, 'None.'));
    };
    select.addEventListener('change', () => void page(null).catch(ctx.report));
    into.append(select, count, ul, more);
    await page(null);
  },
});

registerPanel({
  id: 'hosts',
  title: 'Hosts',
  needs: null,
  async render(into, ctx) {
    const list = await hosts();
    const ul = h('ul', { id: 'host-list' });
    for (const host of [...list].sort((a, b) => (a.hostname ?? '').localeCompare(b.hostname ?? ''))) {
      const last = host.lastSeen ? Date.parse(host.lastSeen) : Date.now();
      ul.append(
        h(
          'li',
          {},
          h('button', { className: 'link', type: 'button', onclick: () => ctx.open({ view: 'timeline', org: host.orgId, sid: host.sensorId, from: new Date(last - 3_600_000).toISOString(), to: new Date(last + 1000).toISOString() }) }, host.hostname ?? host.sensorId),
          h('div', { className: 'meta' }, `${host.platform ?? ''} ${host.intIp ?? ''} · ${fmtCount(host.eventCount)} events`),
        ),
      );
    }
    into.append(list.length ? ul : h('p', { className: 'meta' }, 'No hosts yet.'));
  },
});

/**
 * Resolves once the page's first view is loaded and handed to Cytoscape (or failed): the start
 * panels' queries (hosts, detections) wait for it, so a shared link's process view does not share
 * the server with them, and then go out while the view paints, not when a hunter's first click
 * may come.
 */
let firstViewDone: () => void = () => {};
const firstView = new Promise<void>((resolve) => (firstViewDone = resolve));
/** Only the newest renderStart draws (a key pasted while the first view loads starts another). */
let startGeneration = 0;

async function renderStart(): Promise<void> {
  const mine = ++startGeneration;
  clear(startNav);
  if (needsKey()) {
    startNav.append(h('p', { className: 'meta' }, 'Hosts appear once a key is in use.'));
    return;
  }
  await firstView;
  await afterUserWork();
  if (mine !== startGeneration) return;
  const ctx: StartPanelContext = {
    open: (patch) => navigate(patch as Partial<ViewState>, { fresh: true }),
    report: (error) => report(error, startNav),
  };
  for (const p of startPanels(settings.features as unknown as Record<string, boolean>)) {
    const section = h('section', { id: `start-${p.id}`, 'aria-labelledby': `start-${p.id}-title` }, h('h2', { id: `start-${p.id}-title` }, p.title));
    startNav.append(section);
    try {
      await p.render(section, ctx);
    } catch (error) {
      report(error, section);
    }
  }
}

// ---------------------------------------------------------------- search

const HEX = /^[0-9a-f]+$/i;
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;
const IPV6 = /^[0-9a-f:]+:[0-9a-f:]*$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9_-]{1,63}\.)+[a-z]{2,63}\.?$/i;

function eventSummary(e: EventLineFragment): string {
  const any = e as Record<string, unknown>;
  const dest = any['destination'] as { ipAddress?: string | null; port?: number | null } | undefined;
  if (typeof any['commandLine'] === 'string') return any['commandLine'];
  if (typeof any['domainName'] === 'string') return `${any['domainName']}${any['ipAddress'] ? ` → ${String(any['ipAddress'])}` : ''}`;
  if (dest?.ipAddress) return `→ ${dest.ipAddress}:${dest.port ?? ''}`;
  if (typeof any['svcName'] === 'string') return `${any['svcName']} ${String(any['executable'] ?? '')}`;
  if (typeof any['filePath'] === 'string') return any['filePath'];
  return 'missing' in any ? 'parent never received' : '';
}

/** The process view of an event: processes open themselves, activity opens with its process. */
function openEvent(e: { atom: string; orgId: string; eventType: string }): void {
  navigate({ view: 'process', atom: e.atom, org: e.orgId, panel: e.atom }, { fresh: true });
}

function eventTable(events: readonly EventLineFragment[], caption: string): HTMLTableElement {
  const body = h('tbody');
  for (const e of events) {
    body.append(
      h(
        'tr',
        {},
        h('td', {}, fmtTime(e.eventTime)),
        h('td', {}, e.hostname ?? e.sensorId ?? ''),
        h('td', {}, e.eventType),
        h('td', { className: 'mono' }, h('button', { className: 'link open-event', type: 'button', 'data-atom': e.atom, onclick: () => openEvent(e) }, eventSummary(e) || e.atom)),
      ),
    );
  }
  return h('table', {}, h('caption', { className: 'visually-hidden' }, caption), h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Host'), h('th', {}, 'Type'), h('th', {}, 'What (opens the process view)'))), body);
}

async function sightingsSection(kind: IndicatorKind, value: string, orgId: string | null, title: string): Promise<HTMLElement> {
  const d = await request(SightingsDocument, { kind, value, orgId: orgId || null });
  const section = h('section', { className: 'sightings', 'data-kind': kind }, h('h2', {}, title));
  section.append(h('p', { className: 'prevalence', id: `prevalence-${kind.toLowerCase()}` }, `On ${d.prevalence.hosts} of ${d.prevalence.totalHosts} hosts (${fmtCount(d.prevalence.events)} events).`));
  const ul = h('ul', { className: 'sighting-hosts' });
  for (const s of d.sightings.nodes) {
    ul.append(
      h(
        'li',
        { 'data-sid': s.sensorId },
        h('button', { className: 'link sighting-host', type: 'button', onclick: () => navigate({ view: 'timeline', org: s.orgId, sid: s.sensorId, ...around(s.firstSeen) }, { fresh: true }) }, s.hostname ?? s.sensorId),
        ` · ${fmtCount(s.count)} events, ${fmtTime(s.firstSeen)} to ${fmtTime(s.lastSeen)}`,
      ),
    );
  }
  section.append(ul);
  const events = d.sightings.nodes.flatMap((s) => s.events.nodes);
  if (events.length) section.append(eventTable(events, `events carrying ${value}`));
  return section;
}

async function renderSearch(q: string): Promise<void> {
  searchInput.value = q;
  const said = h('p', { className: 'message', id: 'searched', role: 'status' }, 'Searching…');
  const results = h('div', { className: 'scroll', id: 'results' });
  clear(view, said, results);
  const org = state.org || null;
  const lower = q.toLowerCase();
  try {
    if (q.startsWith('event:') || (HEX.test(q) && q.length === 32)) {
      const found = (await request(FindEventDocument, { atom: q })).event;
      if (found) {
        said.textContent = `Searched atoms for ${q}: found a ${found.eventType} on ${found.hostname ?? found.sensorId ?? 'an unknown host'}.`;
        results.append(eventTable([found], 'the event'));
        return;
      }
      if (q.startsWith('event:')) {
        said.textContent = `Searched atoms for ${q}: no such event.`;
        return;
      }
    }
    if (HEX.test(q) && [32, 40, 64].includes(q.length)) {
      const name = q.length === 64 ? 'SHA-256' : q.length === 40 ? 'SHA-1' : 'MD5';
      said.textContent = `Searched hashes (${name}) for ${q}${q.length === 32 ? ' (no event has it as its atom)' : ''}.`;
      const processes = await request(SearchEventsDocument, { filter: { hash: { equals: q }, eventTypes: PROCESS_TYPES, orgIds: org ? [org] : null }, first: 50 });
      results.append(h('h2', {}, `Processes that ran it (${fmtCount(processes.events.totalCount)})`), eventTable(processes.events.nodes, 'processes with this hash'));
      results.append(await sightingsSection('HASH', q, org, 'Hosts that saw this hash'));
      return;
    }
    if (IPV4.test(q) || (IPV6.test(q) && q.includes('::'))) {
      said.textContent = `Searched IP addresses for ${q}.`;
      results.append(await sightingsSection('IP', q, org, 'Hosts that saw this address'));
      return;
    }
    const host = (await hosts()).find((s) => (s.hostname ?? '').toLowerCase() === lower || (s.hostname ?? '').toLowerCase().split('.')[0] === lower || s.sensorId === q);
    if (host) {
      said.textContent = `Searched hostnames for ${q}: ${host.hostname ?? host.sensorId}.`;
      const last = host.lastSeen ? Date.parse(host.lastSeen) : Date.now();
      const recent = await request(SearchEventsDocument, { filter: { sensorIds: [host.sensorId], orgIds: [host.orgId], eventTypes: ['NEW_PROCESS'] }, first: 50 });
      results.append(
        h('p', {}, h('button', { type: 'button', id: 'open-host-timeline', onclick: () => navigate({ view: 'timeline', org: host.orgId, sid: host.sensorId, from: new Date(last - 3_600_000).toISOString(), to: new Date(last + 1000).toISOString() }, { fresh: true }) }, 'Open this host’s timeline (last hour seen)')),
        h('h2', {}, 'Newest processes on this host'),
        eventTable(recent.events.nodes, 'newest processes'),
      );
      return;
    }
    if (DOMAIN.test(q) && !q.includes(' ')) {
      said.textContent = `Searched DNS domains for ${q}.`;
      results.append(await sightingsSection('DOMAIN', q, org, 'Hosts that resolved this domain'));
      return;
    }
    said.textContent = `Searched process command lines containing “${q}”.`;
    const found = await request(SearchEventsDocument, { filter: { commandLine: { contains: q }, eventTypes: PROCESS_TYPES, orgIds: org ? [org] : null }, first: 50 });
    results.append(h('h2', {}, `Processes (${fmtCount(found.events.totalCount)})`), eventTable(found.events.nodes, 'processes with this command line'));
  } catch (error) {
    report(error);
  }
}

// ---------------------------------------------------------------- process view

let cy: Core | null = null;
let model: ProcessModel | null = null;
/** The model's view key: the same atom and org keep the drawing (and its expansions) across panel changes. */
let modelKey = '';

function addTree(m: ProcessModel, nodes: readonly TreeNodeFragment[]): void {
  for (const n of nodes) m.attach(toProc(n));
}

async function loadProcessView(atom: string, org: string): Promise<ProcessModel> {
  const m = new ProcessModel(atom);
  // The first view (FIRST_VIEW_MAX, in model.ts): the children, and the grandchildren when few. The
  // children's childTypeCounts say how many grandchildren there are, so the tree's second level
  // (all of it, in a wide tree) is walked only when it will be drawn.
  const first = await request(ProcessViewDocument, { atom, orgId: org || null, maxDepth: 1, first: FIRST_VIEW_MAX });
  if (!first.event) throw new Error(`No event ${atom}${org ? ` in org ${org}` : ''} (or not visible to this key).`);
  const focal = toProc(first.event);
  m.add(focal);
  const chain = first.ancestors.map(toProc).reverse();
  for (const a of chain) m.add(a);
  m.chain = [...chain.map((a) => a.atom), atom];
  m.initiallyOpen.add(atom);
  const children = first.descendants.edges.map((e) => toProc(e.node));
  for (const c of children) m.attach(c);
  for (const e of first.descendants.edges) m.cursors.set(e.node.atom, e.cursor);
  if (drawsTwoLevels(children, first.descendants.pageInfo.hasNextPage)) {
    const two = await request(TwoLevelsDocument, { atom, orgId: focal.orgId, first: FIRST_VIEW_MAX });
    for (const e of two.descendants.edges) if (e.depth === 2) m.attach(toProc(e.node));
    for (const c of children) m.initiallyOpen.add(c.atom);
  }
  return m;
}

const childPage = (atom: string, orgId: string, first: number, after: string | null, priority: RequestPriority) => request(ChildProcessesDocument, { atom, orgId, first, after }, priority);

/** Children fetches under way, per process: a click waits for the one its hover started. */
const fetching = new Map<string, Promise<void>>();
/**
 * The user's own work in flight: the children fetches a click or a hover started, and an expansion
 * until it is painted. Work ahead of the user (the fetch-ahead, the start panels) sends nothing
 * meanwhile: the server's two cores and the page's main thread are the click's first.
 */
const userWork = new Set<Promise<unknown>>();

function holdWhile(work: Promise<unknown>): void {
  userWork.add(work);
  const done = () => userWork.delete(work);
  work.then(done, done);
}

/** Resolves once none of the user's own work is in flight. */
async function afterUserWork(): Promise<void> {
  while (userWork.size) await Promise.allSettled([...userWork]);
}

/** Loads a process's children, a page at a time in the API's order, up to `target` (what its expansions draw). */
async function ensureChildren(m: ProcessModel, atom: string, target = m.wanted(atom), priority: RequestPriority = 'auto'): Promise<void> {
  const running = fetching.get(atom);
  if (running) await running.catch(() => undefined);
  const n = m.nodes.get(atom);
  if (!n || m.loadedChildren(atom) >= target) return;
  const load = (async () => {
    let after: string | null = null;
    while (m.loadedChildren(atom) < target) {
      const d: Awaited<ReturnType<typeof childPage>> = await childPage(atom, n.orgId, Math.min(API_PAGE, target), after, priority);
      addTree(m, d.descendants.nodes);
      if (!d.descendants.pageInfo.hasNextPage || !d.descendants.pageInfo.endCursor) break;
      after = d.descendants.pageInfo.endCursor;
    }
  })();
  fetching.set(atom, load);
  if (priority !== 'low') holdWhile(load);
  try {
    await load;
  } finally {
    if (fetching.get(atom) === load) fetching.delete(atom);
  }
}

/**
 * Starts loading what expanding `id` (a process or its "+N" stub) would draw, when the pointer or
 * the keyboard reaches it: a hunter's click comes a few hundred milliseconds later, and finds the
 * children loaded (only their layout and painting left). Errors are left to the click.
 */
function prefetch(id: string): void {
  const m = model;
  const atom = id.startsWith('more:') ? id.slice(5) : id;
  if (!m || !m.hasHidden(atom) || state.collapsed.includes(atom)) return;
  void ensureChildren(m, atom, m.nextWanted(atom)).catch(() => undefined);
}

/** Fetch-ahead requests answered for the current view, and whether it has run them all (the test hook reads them). */
let ahead = { requests: 0, done: false };

/**
 * Once the first view is painted: loads the children of every "+N processes" stub in view, before
 * anyone clicks, at low priority, in sequential requests, small first and then larger up to
 * FETCH_AHEAD_MAX processes (`prefetchPlan`), each sent only when none of the user's own work is
 * in flight (a click's or hover's fetch, an expansion not yet painted). A click on a stub whose request is in flight waits for it (ensureChildren joins it
 * through `fetching`; the first request is small, so the wait is short); a click on one not yet
 * asked for goes out at once. Errors are left to the click.
 */
async function fetchAhead(m: ProcessModel, key: string): Promise<void> {
  ahead = { requests: 0, done: false };
  const current = () => model === m && modelKey === key;
  const plan = prefetchPlan(m.focal, m.aheadChildren(m.focal));
  const planned = new Set(plan.ranges.flatMap((r) => r.atoms));
  const orgId = m.nodes.get(m.focal)?.orgId ?? null;
  for (const r of plan.ranges) {
    await afterUserWork();
    if (!current()) return;
    const atoms = r.atoms.filter((a) => !fetching.has(a) && m.loadedChildren(a) < m.nextWanted(a));
    if (!atoms.length) continue;
    const load = (async () => {
      const d = await request(ChildrenAheadDocument, { atom: r.parent, orgId, count: r.count, after: r.after, first: r.first }, 'low');
      for (const c of d.descendants.nodes) addTree(m, c.children.nodes);
    })();
    for (const a of atoms) fetching.set(a, load);
    try {
      await load;
      if (current()) ahead.requests++;
    } catch {
      /* a click asks again, and reports its error */
    } finally {
      for (const a of atoms) if (fetching.get(a) === load) fetching.delete(a);
    }
  }
  // The other stubs in view (the focal process's own, its ancestors' other children), one by one.
  const singles = [...plan.singles, ...m.visible().nodes.flatMap((v) => (v.kind === 'more' && v.moreOf && !planned.has(v.moreOf) && !plan.singles.includes(v.moreOf) ? [v.moreOf] : []))];
  for (const atom of singles) {
    await afterUserWork();
    if (!current()) return;
    if (!m.hasHidden(atom) || state.collapsed.includes(atom)) continue;
    await ensureChildren(m, atom, m.nextWanted(atom), 'low').catch(() => undefined);
    if (current()) ahead.requests++;
  }
  if (current()) ahead.done = true;
}

/** The tree's drawn processes whose TARGET activity is not asked yet (hidden ones wait until drawn). */
function crossLinkCandidates(m: ProcessModel): ProcNode[] {
  const out: ProcNode[] = [];
  for (const id of drawnIds) {
    const n = m.nodes.get(id);
    if (n && !m.linksFetched.has(n.atom) && n.counts.some((c) => TARGET_TYPES.includes(c.eventType))) out.push(n);
  }
  return out;
}

/** TARGET cross-links for what is drawn (each process asked once, a few at a time). */
async function crossLinks(m: ProcessModel): Promise<boolean> {
  let changed = false;
  const candidates = crossLinkCandidates(m);
  for (const n of candidates) m.linksFetched.add(n.atom);
  let next = 0;
  const worker = async () => {
    while (next < candidates.length && model === m) {
      const n = candidates[next++]!;
      const d = await request(ActivityDocument, { atom: n.atom, orgId: n.orgId, eventTypes: TARGET_TYPES, first: 50 });
      for (const a of d.descendants.nodes) {
        const target = 'target' in a ? a.target : null;
        if (!target || target.atom === n.atom) continue;
        m.addExtra(toProc(target), 'target');
        m.link({ from: n.atom, to: target.atom, kind: 'target', label: a.eventType.toLowerCase().replace(/_/g, ' ') });
        changed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CROSS_LINK_CONCURRENCY, candidates.length) }, worker));
  return changed;
}

/** The lateral-movement answer each model last asked for, and its window (ms). */
const lateralAsked = new WeakMap<ProcessModel, { from: number; to: number; data: LateralQuery }>();

async function lateral(m: ProcessModel): Promise<boolean> {
  const focal = m.nodes.get(m.focal);
  if (!focal?.sensorId) return false;
  const times = [...m.nodes.values()].map((n) => (n.eventTime ? Date.parse(n.eventTime) : NaN)).filter((t) => !Number.isNaN(t));
  if (!times.length) return false;
  const from = Math.min(...times) - 3_600_000;
  const to = Math.max(...times) + 6 * 3_600_000;
  // The answer for a window that covers this one is this one's too (the host and org are the
  // model's): an expansion only needs it read again against the processes now loaded.
  const known = lateralAsked.get(m);
  const d = known && known.from <= from && known.to >= to ? known.data : await request(LateralDocument, { orgIds: [focal.orgId], sensorIds: [focal.sensorId], from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  if (d !== known?.data) lateralAsked.set(m, { from, to, data: d });
  let changed = false;
  // One link per (process, started process): the connections' ports are listed on it.
  const ports = new Map<string, { from: string; to: string; host: string; ports: Set<number> }>();
  for (const move of d.lateralMovement) {
    const source = move.sourceProcess?.atom;
    if (!source || !m.nodes.has(source)) continue;
    const port = ((move.connection as Record<string, unknown>)['destination'] as { port?: number } | undefined)?.port;
    for (const p of move.processesStarted) {
      m.addExtra(toProc(p), 'remote');
      const key = `${source}>${p.atom}`;
      const entry = ports.get(key) ?? { from: source, to: p.atom, host: move.destinationHost.hostname ?? move.destinationHost.sensorId, ports: new Set<number>() };
      if (port) entry.ports.add(port);
      ports.set(key, entry);
      changed = true;
    }
  }
  for (const l of ports.values()) m.link({ from: l.from, to: l.to, kind: 'lateral', label: `lateral → ${l.host}${[...l.ports].map((p) => ` :${p}`).join('')}` });
  return changed;
}

/** The hosts and window (ms) each model last asked detection marks for. */
const marksAsked = new WeakMap<ProcessModel, { from: number; to: number; hosts: Set<string> }>();

/**
 * Marks the drawn processes that detections name (an activity's detection marks the process that
 * did it): one query for the drawn hosts over the drawn time, after the tree is up.
 */
async function detectionMarks(m: ProcessModel): Promise<boolean> {
  const focal = m.nodes.get(m.focal);
  if (!settings.features.detections || !focal) return false;
  const drawn = [...m.nodes.values()].filter((n) => n.orgId === focal.orgId);
  const sensors = [...new Set(drawn.map((n) => n.sensorId).filter((s): s is string => !!s))];
  const times = drawn.map((n) => (n.eventTime ? Date.parse(n.eventTime) : NaN)).filter((t) => !Number.isNaN(t));
  if (!sensors.length || !times.length) return false;
  const from = times.reduce((a, b) => Math.min(a, b)) - 3_600_000;
  const to = times.reduce((a, b) => Math.max(a, b)) + 86_400_000;
  const hosts = sensors.slice(0, 1000);
  // Marks already asked for these hosts over a window that covers this one are already in `marked`.
  const known = marksAsked.get(m);
  if (known && known.from <= from && known.to >= to && hosts.every((s) => known.hosts.has(s))) return false;
  const d = await request(DetectionMarksDocument, { filter: { orgIds: [focal.orgId], sensorIds: hosts, from: new Date(from).toISOString(), to: new Date(to).toISOString() }, first: API_PAGE });
  marksAsked.set(m, { from, to, hosts: new Set(hosts) });
  const before = marked.size;
  for (const det of d.detections.nodes) {
    if (det.eventAtom) marked.add(det.eventAtom);
    const parent = det.event && 'parentAtom' in det.event ? det.event.parentAtom : null;
    if (parent && !PROCESS_TYPES.includes(det.eventType ?? '')) marked.add(parent);
  }
  return marked.size > before;
}

/** How many processes a model had loaded when its cross-links and marks were last asked for. */
const enrichedUpTo = new WeakMap<ProcessModel, number>();

/** Enrichments in flight per view: `#graph[data-links]` is "true" once the view's are done (tests wait for it). */
const enriching = new Map<string, number>();

/** Cross-links, lateral movement and detection marks for what is loaded, drawn once they arrive. */
async function enrich(m: ProcessModel, key: string): Promise<void> {
  enrichedUpTo.set(m, m.nodes.size);
  enriching.set(key, (enriching.get(key) ?? 0) + 1);
  graphBox.setAttribute('data-links', 'pending');
  try {
    const [linked, moved, flagged] = await Promise.all([crossLinks(m), lateral(m), detectionMarks(m)]);
    if ((linked || moved || flagged) && modelKey === key && model === m) redraw();
  } finally {
    const left = enriching.get(key)! - 1;
    if (left > 0) enriching.set(key, left);
    else enriching.delete(key);
    if (left === 0 && modelKey === key) graphBox.setAttribute('data-links', 'true');
  }
}

const graphBox = h('div', {
  id: 'graph',
  tabindex: '0',
  role: 'application',
  'aria-roledescription': 'process tree',
  'aria-label': 'Process tree. Arrow keys move between processes (left: parent, right: first child, up and down: siblings), Enter expands or collapses, Escape closes the panel.',
});
const viewTitle = h('h2', { id: 'view-title' });
const viewMessage = h('p', { className: 'message', id: 'view-message', role: 'status' });

function processToolbar(): HTMLElement {
  const download = (blob: Blob, name: string) => {
    const a = h('a', { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    setTimeout(() => {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 1000);
  };
  return h(
    'div',
    { className: 'toolbar' },
    viewTitle,
    h('button', { type: 'button', id: 'export-png', onclick: () => cy && download(exportPng(cy), `atomgraph-${state.atom}.png`) }, 'Export PNG'),
    h('button', { type: 'button', id: 'export-svg', onclick: () => cy && download(exportSvg(cy), `atomgraph-${state.atom}.svg`) }, 'Export SVG'),
    h('span', { className: 'legend' }, 'orange ⚠: a detection fired on it · double border: more below · dashed grey: parent never received · red dashed: remote thread / handle / injection · blue dotted: lateral movement'),
  );
}

/** Processes to flag in the drawing (detections on them or on their activity). */
const marked = new Set<string>();
/**
 * The tree's processes in the last drawing, in drawing order. Cross-linked processes are not among
 * them: their own links are not asked (csrss.exe opens handles to everything), so one round of
 * asking settles a view, and opening a linked process shows its links.
 */
let drawnIds: string[] = [];
/** Where the last drawing's time went (the benchmark reads it through the test hook). */
let drawTimings: Record<string, number> = {};
/** The node the user last acted on: kept where it is on screen when the drawing changes. */
let anchor: string | null = null;

function redraw(fit = false): void {
  if (!cy || !model) return;
  model.collapsed = new Set(state.collapsed);
  const select = state.panel || null;
  const t0 = performance.now();
  const plan = planOf(model, marked);
  drawnIds = plan.nodes.filter((n) => n.kind === 'process').map((n) => n.id);
  drawTimings = { planMs: performance.now() - t0, ...draw(cy, plan, { select, anchor: anchor ?? select ?? model.focal, fit }) };
  anchor = null;
  (window as unknown as { atomgraphExplorer?: unknown }).atomgraphExplorer = testHook();
}

/** Replays the URL's expansions (in order, so parents come before their children). */
async function replayExpansions(m: ProcessModel): Promise<void> {
  m.expanded = state.expanded;
  for (const atom of new Set(state.expanded)) if (m.nodes.has(atom)) await ensureChildren(m, atom);
}

/** How long Cytoscape's last frame took to render (its renderer keeps it; the rest of paintMs is waiting for frames). */
function lastRenderMs(): number {
  return (cy as unknown as { renderer(): { lastRedrawTime?: number } } | null)?.renderer().lastRedrawTime ?? -1;
}

/** How many frames Cytoscape has rendered (each a full redraw of the canvas). */
function framesRendered(): number {
  return (cy as unknown as { renderer(): { redrawCount?: number } } | null)?.renderer().redrawCount ?? 0;
}

/**
 * Resolves once what was drawn is on screen: Cytoscape draws on an animation frame (its renderer
 * clears `requestedFrame` once it has drawn), and a task queued from that frame runs after the
 * browser has rendered it. One frame, not two: waiting for the next frame only added its wait
 * (16 ms at rest, up to 100 ms on a busy machine) to every measure, with nothing more on screen.
 */
function painted(): Promise<void> {
  const pending = () => (cy as unknown as { renderer(): { requestedFrame?: boolean } } | null)?.renderer().requestedFrame === true;
  return new Promise((resolve) => {
    const frame = () =>
      requestAnimationFrame(() => {
        if (pending()) {
          frame();
          return;
        }
        const after = new MessageChannel();
        after.port1.onmessage = () => resolve();
        after.port2.postMessage(null);
      });
    frame();
  });
}

async function renderProcess(previous: ViewState | null): Promise<void> {
  const key = `${state.org}/${state.atom}`;
  const sameView = previous?.view === 'process' && model && modelKey === key;
  if (!sameView || !cy || !view.contains(graphBox)) {
    clear(view, processToolbar(), viewMessage, graphBox);
    viewMessage.textContent = 'Loading the process view…';
    viewTitle.textContent = '';
    for (const a of ['data-ready', 'data-ready-ms', 'data-loaded-ms', 'data-links']) graphBox.removeAttribute(a);
    cy?.destroy();
    cy = createGraph(graphBox);
    cy.on('tap', 'node', (e) => void onTap(e.target.id() as string));
    // Only where the pointer rests: sweeping across the drawing asks for nothing.
    let resting: ReturnType<typeof setTimeout> | undefined;
    cy.on('mouseover', 'node', (e) => {
      clearTimeout(resting);
      const id = e.target.id() as string;
      resting = setTimeout(() => prefetch(id), PREFETCH_REST_MS);
    });
    cy.on('mouseout', 'node', () => clearTimeout(resting));
    model = null;
    modelKey = key;
    marked.clear();
    try {
      const asked = performance.now();
      const m = await loadProcessView(state.atom, state.org);
      const queryMs = performance.now() - asked;
      if (modelKey !== key) return;
      model = m;
      await replayExpansions(m);
      // When the queries were answered: the rest of data-ready-ms is the page's own work.
      graphBox.setAttribute('data-loaded-ms', String(Math.round(performance.now())));
      const focal = m.nodes.get(state.atom);
      viewTitle.textContent = `${nodeName(focal ?? null)} on ${focal?.hostname ?? focal?.sensorId ?? '?'}`;
      viewMessage.textContent = `${fmtCount(m.chain.length - 1)} ancestors, ${fmtCount(m.nodes.size - m.chain.length)} processes below loaded.`;
      if (!state.org && focal) history.replaceState(null, '', formatState((state = { ...state, org: focal.orgId })));
      redraw(true);
      // Cross-links, lateral movement and marks are asked while the first view paints (the page's
      // own work), not after it, where they would share the server with a hunter's first click.
      const enriched = enrich(m, key).then(
        () => null,
        (error: unknown) => ({ error }),
      );
      firstViewDone();
      const painting = performance.now();
      await painted();
      // The first view's query (sent at `queryStartMs` after navigation) and the page's own work.
      drawTimings = { queryStartMs: asked, queryMs, ...drawTimings, paintMs: performance.now() - painting, renderMs: lastRenderMs() };
      graphBox.setAttribute('data-ready', 'true');
      // Milliseconds since navigation when the tree was painted and clickable (the benchmark reads it).
      graphBox.setAttribute('data-ready-ms', String(Math.round(performance.now())));
      if (FETCH_AHEAD) void fetchAhead(m, key);
      const failed = await enriched;
      if (failed) throw failed.error;
    } catch (error) {
      viewMessage.textContent = '';
      report(error);
      return;
    }
  } else {
    // Same view, new expansions or collapses (back/forward, or a click).
    const m = model!;
    const asked = performance.now();
    await replayExpansions(m);
    const queryMs = performance.now() - asked;
    redraw();
    // Processes loaded since (by this expansion, a hover or the fetch-ahead) widen the lateral and
    // marks window; newly drawn ones need their cross-links. Said at once, with the drawing, so a
    // reader of the drawing never sees "true" between the two.
    const toEnrich = m.nodes.size > (enrichedUpTo.get(m) ?? 0) || crossLinkCandidates(m).length > 0;
    if (toEnrich) graphBox.setAttribute('data-links', 'pending');
    if (expandStarted !== null) {
      const t = performance.now();
      await painted();
      drawTimings = { sinceClickMs: asked - expandStarted, queryMs, ...drawTimings, paintMs: performance.now() - t, renderMs: lastRenderMs(), frames: framesRendered() - framesAtExpand };
    }
    // Processes loaded since (by this expansion or a hover before it) get their cross-links and
    // marks after the drawing is painted.
    if (toEnrich) void enrich(m, key).catch((error: unknown) => report(error));
  }
  if (expandStarted !== null) {
    lastExpandMs = performance.now() - expandStarted;
    expandStarted = null;
    expansionPainted();
  }
  // The panel is read again only when it shows something else (an expansion leaves it as it is).
  if (!sameView || previous?.panel !== state.panel || previous?.pivot !== state.pivot || panel.hidden === !!state.panel) await renderPanel();
}

async function onTap(id: string): Promise<void> {
  if (!model || !cy) return;
  if (id.startsWith('lane:')) return;
  if (id.startsWith('more:')) {
    // A stub: draw a page more of that process's children (or reopen it when collapsed).
    const parent = id.slice(5);
    startExpand();
    anchor = parent;
    if (state.collapsed.includes(parent)) navigate({ collapsed: state.collapsed.filter((a) => a !== parent) });
    else navigate({ expanded: [...state.expanded, parent] });
    return;
  }
  if (state.panel === id) {
    toggle(id);
    return;
  }
  // First click: open its panel, and draw one more level if there is more below.
  const more = model.hasHidden(id) && !state.collapsed.includes(id) && model.limit(id) === 0;
  startExpand();
  anchor = id;
  navigate(more ? { panel: id, pivot: '', expanded: [...state.expanded, id] } : { panel: id, pivot: '' });
}

let lastExpandMs = 0;
let expandStarted: number | null = null;
/** Cytoscape's frames rendered when the expansion started (the benchmark reports how many it took). */
let framesAtExpand = 0;
/** Ends the user work an expansion holds (when painted; or after EXPANSION_HOLD_MS, a click that drew nothing). */
let expansionPainted: () => void = () => {};
const EXPANSION_HOLD_MS = 3000;

/** Marks the start of an expansion or collapse; lastExpandMs reads 0 until it is painted. */
function startExpand(): void {
  expandStarted = performance.now();
  framesAtExpand = framesRendered();
  lastExpandMs = 0;
  expansionPainted();
  holdWhile(
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, EXPANSION_HOLD_MS);
      expansionPainted = () => {
        clearTimeout(timer);
        resolve();
      };
    }),
  );
}

/** Enter, or a click on the selected process: expand one more level, or collapse what is drawn. */
function toggle(id: string): void {
  if (!model || !model.nodes.get(id)) return;
  startExpand();
  anchor = id;
  if (state.collapsed.includes(id)) navigate({ collapsed: state.collapsed.filter((a) => a !== id) });
  else if (model.hasHidden(id)) navigate({ expanded: [...state.expanded, id] });
  else if (model.hasDrawnChildren(id)) navigate({ collapsed: [...state.collapsed, id] });
}

/** What tests and the benchmark read: the drawn nodes and where they are on screen. */
function testHook() {
  return {
    nodes: () =>
      cy
        ? cy.nodes().filter((n) => !n.hasClass('lane')).map((n) => ({ id: n.id(), label: String(n.data('label') ?? ''), kind: String(n.data('kind') ?? ''), lane: (n.data('lane') as string | undefined) ?? null, selected: n.selected(), detected: n.hasClass('detected') }))
        : [],
    edges: () => (cy ? cy.edges().map((e) => ({ source: e.source().id(), target: e.target().id(), kind: e.classes().join(' '), label: String(e.data('label') ?? '') })) : []),
    position: (id: string) => {
      const n = cy?.$id(id);
      if (!n || n.empty()) return null;
      const p = n.renderedPosition();
      const box = graphBox.getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    },
    center: (id: string) => {
      const n = cy?.$id(id);
      if (n && n.nonempty()) {
        cy!.zoom(1);
        cy!.center(n);
      }
    },
    lastExpandMs: () => lastExpandMs,
    /** The fetch-ahead's requests answered so far, and whether it is done (`ahead=off`: never). */
    ahead: () => ({ ...ahead }),
    timings: () => drawTimings,
  };
}

// Keyboard: arrows move through the tree (left: parent, right: first child, up/down: siblings).
document.addEventListener('keydown', (e) => {
  // The tree's keys work while the drawing (or nothing in particular) has focus, never while typing.
  const focus = document.activeElement;
  if (!model || !cy || state.view !== 'process' || !(focus === document.body || focus === null || graphBox.contains(focus))) return;
  const current = state.panel || model.focal;
  const visibleIds = new Set(cy.nodes().map((n) => n.id()));
  // A process's drawn children: the chain's next step first, "+N" stubs last.
  const childrenOf = (id: string) => {
    const ids = cy!
      .edges('.tree, .more')
      .filter((e) => e.source().id() === id)
      .map((e) => (e as EdgeSingular).target().id());
    const next = model!.chain[model!.chain.indexOf(id) + 1];
    const rank = (x: string) => (x === next ? 0 : x.startsWith('more:') ? 2 : 1);
    return ids.sort((a, b) => rank(a) - rank(b));
  };
  let next: string | null = null;
  if (e.key === 'ArrowLeft') next = model.parentOf(current);
  else if (e.key === 'ArrowRight') next = childrenOf(current)[0] ?? null;
  else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
    const parent = model.parentOf(current);
    const siblings = parent ? childrenOf(parent) : [current];
    const i = siblings.indexOf(current);
    next = siblings[i + (e.key === 'ArrowDown' ? 1 : -1)] ?? null;
  } else if (e.key === 'Enter') {
    e.preventDefault();
    if (current.startsWith('more:')) void onTap(current);
    else toggle(current);
    return;
  } else return;
  e.preventDefault();
  if (next && visibleIds.has(next)) {
    cy.$(':selected').unselect();
    cy.$id(next).select();
    const n = model.nodes.get(next);
    announcer.textContent = n ? `${nodeName(n)} on ${n.hostname ?? ''}` : next.startsWith('more:') ? String(cy.$id(next).data('label')) : next;
    prefetch(next);
    if (!next.startsWith('more:')) navigate({ panel: next, pivot: '' }, { replace: true });
  }
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && state.panel) navigate({ panel: '', pivot: '' });
});

// ---------------------------------------------------------------- side panel

type Detail = NonNullable<NodeDetailQuery['event']>;

/** The typed fields of the node's GraphQL type, flattened (raw and links left out). */
function typedFields(e: Detail): [string, string][] {
  const rows: [string, string][] = [];
  const visit = (prefix: string, value: unknown) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (value.length) rows.push([prefix, value.join(', ')]);
      return;
    }
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(prefix ? `${prefix}.${k}` : k, v);
      return;
    }
    rows.push([prefix, String(value)]);
  };
  for (const [k, v] of Object.entries(e)) if (k !== 'raw' && k !== '__typename' && k !== 'detections') visit(k, v);
  return rows;
}

async function renderPanel(): Promise<void> {
  if (!state.panel) {
    panel.hidden = true;
    clear(panel);
    return;
  }
  panel.hidden = false;
  const atom = state.panel;
  const org = state.org || null;
  clear(panel, h('p', { className: 'message' }, 'Loading…'));
  try {
    const d = await request(NodeDetailDocument, { atom, orgId: org });
    if (state.panel !== atom) return;
    const e = d.event;
    if (!e) {
      clear(panel, h('p', { className: 'message' }, `No event ${atom}.`));
      return;
    }
    const fields = e as Record<string, unknown>;
    const hash = typeof fields['hash'] === 'string' ? (fields['hash'] as string) : null;
    const commandLine = typeof fields['commandLine'] === 'string' ? (fields['commandLine'] as string) : null;
    const isProcess = e.__typename === 'NewProcess' || e.__typename === 'ExistingProcess';
    const proc = model?.nodes.get(atom) ?? null;
    const table = h('table', { id: 'typed-fields' }, h('caption', { className: 'visually-hidden' }, `${e.__typename} fields`));
    for (const [k, v] of typedFields(e)) table.append(h('tr', {}, h('th', { scope: 'row' }, k), h('td', { className: 'mono' }, v)));
    const pivotBox = h('div', { id: 'pivot-result' });
    const pivots = h(
      'div',
      { className: 'pivots' },
      hash ? h('button', { type: 'button', id: 'pivot-hash', onclick: () => navigate({ pivot: 'hash' }) }, 'Hosts that ran this hash') : null,
      commandLine ? h('button', { type: 'button', id: 'pivot-cmd', onclick: () => navigate({ pivot: 'cmd' }) }, 'Same command line elsewhere') : null,
      isProcess ? h('button', { type: 'button', id: 'pivot-touch', onclick: () => navigate({ pivot: 'touch' }) }, 'What touched this process') : null,
      e.sensorId ? h('button', { type: 'button', id: 'pivot-timeline', onclick: () => navigate({ view: 'timeline', org: e.orgId, sid: e.sensorId ?? '', ...around(e.eventTime) }, { fresh: true }) }, 'Host timeline around this time') : null,
      state.view !== 'process' || state.atom !== atom ? h('button', { type: 'button', id: 'open-process-view', onclick: () => openEvent(e) }, 'Open its process view') : null,
      proc && proc.counts.length ? h('button', { type: 'button', id: 'pivot-activity', onclick: () => navigate({ pivot: 'activity' }) }, 'List its activity') : null,
    );
    clear(
      panel,
      h('div', { className: 'head' }, h('h2', { id: 'panel-title' }, `${e.__typename === 'MissingEvent' ? 'Missing parent' : basename(typeof fields['filePath'] === 'string' ? (fields['filePath'] as string) : '') || e.eventType}`), h('button', { type: 'button', id: 'panel-close', 'aria-label': 'Close the panel', onclick: () => navigate({ panel: '', pivot: '' }) }, '×')),
      h('p', { className: 'meta' }, `${e.__typename} · ${fmtTime(e.eventTime)} · ${e.hostname ?? e.sensorId ?? 'unknown host'}${typeof fields['userName'] === 'string' ? ` · ${String(fields['userName'])}` : ''}`),
      pivots,
      e.detections.length
        ? h(
            'section',
            { id: 'event-detections' },
            h('h2', {}, `Detections on this event (${e.detections.length})`),
            h('ul', {}, ...e.detections.map((d) => detectionItem(d, () => d.eventAtom && navigate({ view: 'process', org: d.orgId, atom: d.eventAtom, panel: d.eventAtom }, { fresh: true })))),
          )
        : null,
      pivotBox,
      table,
      h('details', { id: 'raw-json' }, h('summary', {}, 'Raw JSON'), h('pre', {}, JSON.stringify(e.raw, null, 2))),
    );
    await renderPivot(pivotBox, e, hash, commandLine);
  } catch (error) {
    clear(panel);
    report(error, panel);
  }
}

async function renderPivot(into: HTMLElement, e: Detail, hash: string | null, commandLine: string | null): Promise<void> {
  const org = e.orgId;
  if (state.pivot === 'hash' && hash) into.append(await sightingsSection('HASH', hash, org, 'Hosts that ran this hash'));
  if (state.pivot === 'cmd' && commandLine) into.append(await sightingsSection('COMMAND_LINE', commandLine, org, 'Same command line elsewhere'));
  if (state.pivot === 'touch') {
    const d = await request(TargetedByDocument, { atom: e.atom, orgId: org });
    const conn = d.event && 'targetedBy' in d.event ? d.event.targetedBy : null;
    const section = h('section', { id: 'touched-by' }, h('h2', {}, `What touched this process (${fmtCount(conn?.totalCount ?? 0)})`));
    if (conn) {
      const rows: EventLineFragment[] = [];
      for (const t of conn.nodes) {
        rows.push(t);
        const by = 'parent' in t ? t.parent : null;
        if (by) section.append(h('p', { className: 'meta' }, `${t.eventType.toLowerCase()} from `, h('button', { className: 'link', type: 'button', onclick: () => openEvent(by) }, `${basename((by as Record<string, unknown>)['filePath'] as string | null) || by.eventType} on ${by.hostname ?? ''}`)));
      }
      if (!rows.length) section.append(h('p', { className: 'meta' }, 'Nothing targeted it.'));
    }
    into.append(section);
  }
  if (state.pivot === 'activity') {
    const proc = model?.nodes.get(e.atom);
    const types = (proc?.counts ?? []).filter((c) => !PROCESS_TYPES.includes(c.eventType)).map((c) => c.eventType);
    const d = await request(ActivityDocument, { atom: e.atom, orgId: org, eventTypes: types.length ? types : null, first: 100 });
    into.append(h('section', { id: 'activity' }, h('h2', {}, `Activity (${fmtCount(d.descendants.totalCount)})`), eventTable(d.descendants.nodes, 'activity')));
  }
}

// ---------------------------------------------------------------- host timeline

async function renderTimeline(): Promise<void> {
  const org = state.org || null;
  const from = state.from || new Date(Date.now() - 3_600_000).toISOString();
  const to = state.to || new Date().toISOString();
  const filter: EventFilter = { sensorIds: [state.sid], orgIds: org ? [org] : null, from, to };
  const title = h('h2', { id: 'view-title' }, `Timeline of ${state.sid}`);
  const histogram = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  histogram.setAttribute('class', 'histogram');
  histogram.setAttribute('id', 'histogram');
  histogram.setAttribute('role', 'img');
  const list = h('div', { className: 'scroll', id: 'timeline-list' });
  const pager = h('div', { className: 'toolbar' });
  clear(view, h('div', { className: 'toolbar' }, title, h('span', { className: 'legend' }, `${fmtTime(from)} to ${fmtTime(to)}, oldest first; each bar is one minute, up to 500 minutes (click one to zoom to it)`)), histogram, pager, list);
  try {
    const hostList = await hosts().catch(() => [] as Host[]);
    const host = hostList.find((s) => s.sensorId === state.sid);
    if (host) title.textContent = `Timeline of ${host.hostname ?? host.sensorId}`;
    const counts = (await request(HistogramDocument, { filter })).eventCounts;
    drawHistogram(histogram, counts, from, to);
    let cursor: string | null = null;
    const stack: (string | null)[] = [];
    const page = async (after: string | null) => {
      const d = await request(TimelineDocument, { filter, first: TIMELINE_PAGE, after });
      clear(list, eventTable(d.events.nodes, 'events in time order'));
      cursor = d.events.pageInfo.hasNextPage ? (d.events.pageInfo.endCursor ?? null) : null;
      const shown = stack.length * TIMELINE_PAGE;
      clear(
        pager,
        h('span', { id: 'timeline-count' }, `${fmtCount(d.events.totalCount)} events; showing ${fmtCount(shown + 1)}–${fmtCount(shown + d.events.nodes.length)}`),
        stack.length ? h('button', { type: 'button', id: 'timeline-prev', onclick: () => void page(stack.pop() ?? null) }, 'Previous page') : null,
        cursor ? h('button', { type: 'button', id: 'timeline-next', onclick: () => { stack.push(after); void page(cursor); } }, 'Next page') : null,
      );
    };
    await page(null);
  } catch (error) {
    report(error);
  }
}

function drawHistogram(svg: SVGSVGElement, counts: readonly { key: string; count: number }[], from: string, to: string): void {
  const start = Math.floor(Date.parse(from) / 60_000);
  const minutes = Math.max(1, Math.min(500, Math.ceil(Date.parse(to) / 60_000) - start));
  const max = Math.max(1, ...counts.map((c) => c.count));
  svg.setAttribute('viewBox', `0 0 ${minutes} 100`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-label', `Events per minute: ${counts.length} minutes with events, at most ${max} in one minute`);
  for (const c of counts) {
    const i = Math.floor(Date.parse(c.key) / 60_000) - start;
    if (i < 0 || i >= minutes) continue;
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    const height = (c.count / max) * 100;
    rect.setAttribute('x', String(i + 0.1));
    rect.setAttribute('width', '0.8');
    rect.setAttribute('y', String(100 - height));
    rect.setAttribute('height', String(height));
    rect.setAttribute('data-count', String(c.count));
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    t.textContent = `${fmtTime(c.key)}: ${c.count} events`;
    rect.append(t);
    rect.addEventListener('click', () => navigate({ from: c.key, to: new Date(Date.parse(c.key) + 60_000).toISOString() }));
    svg.append(rect);
  }
}

// ---------------------------------------------------------------- dispatch

async function render(previous: ViewState | null): Promise<void> {
  if (needsKey()) {
    panel.hidden = true;
    askForKey();
    return;
  }
  if (state.view !== 'process') {
    cy?.destroy();
    cy = null;
    model = null;
    modelKey = '';
  }
  const sameMain = previous && previous.view === state.view && previous.q === state.q && previous.sid === state.sid && previous.from === state.from && previous.to === state.to && previous.atom === state.atom && previous.org === state.org;
  switch (state.view) {
    case 'search':
      if (!sameMain) await renderSearch(state.q);
      await renderPanel();
      break;
    case 'process':
      if (!state.atom) break;
      await renderProcess(previous);
      break;
    case 'timeline':
      if (!sameMain) await renderTimeline();
      await renderPanel();
      break;
    default:
      clear(view, h('div', { className: 'message', id: 'home' }, h('h2', {}, 'Start'), h('p', {}, 'Search for an atom, a hostname, a hash, a domain, an IP address or command-line text, or pick a host on the left.')));
      await renderPanel();
  }
  document.body.setAttribute('data-view', state.view);
}

void renderStart();
void render(null).finally(() => firstViewDone());
