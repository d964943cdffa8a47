/**
 * What the URL holds, so a pasted link opens the same view: the view, the org, the event, the
 * nodes expanded or collapsed by hand, the node whose panel is open and its pivot, the search, the
 * host timeline's host and times. Every change is a history entry; back and forward re-render.
 */
export type View = 'home' | 'search' | 'process' | 'timeline';
export type Pivot = '' | 'hash' | 'cmd' | 'touch' | 'activity';

export interface ViewState {
  view: View;
  org: string;
  q: string;
  atom: string;
  expanded: string[];
  collapsed: string[];
  panel: string;
  pivot: Pivot;
  sid: string;
  from: string;
  to: string;
}

const EMPTY: ViewState = { view: 'home', org: '', q: '', atom: '', expanded: [], collapsed: [], panel: '', pivot: '', sid: '', from: '', to: '' };
const VIEWS: readonly View[] = ['home', 'search', 'process', 'timeline'];
const PIVOTS: readonly Pivot[] = ['', 'hash', 'cmd', 'touch', 'activity'];
/** Bounds on what a pasted URL can make the page do. */
const MAX_LIST = 200;

function list(value: string | null): string[] {
  return value ? value.split(',').filter((s) => s.length > 0).slice(0, MAX_LIST) : [];
}

export function parseState(search: string): ViewState {
  const p = new URLSearchParams(search);
  const view = p.get('view') as View | null;
  const pivot = (p.get('pivot') ?? '') as Pivot;
  return {
    view: view && VIEWS.includes(view) ? view : 'home',
    org: p.get('org') ?? '',
    q: p.get('q') ?? '',
    atom: p.get('atom') ?? '',
    expanded: list(p.get('exp')),
    collapsed: list(p.get('col')),
    panel: p.get('panel') ?? '',
    pivot: PIVOTS.includes(pivot) ? pivot : '',
    sid: p.get('sid') ?? '',
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
  };
}

export function formatState(state: ViewState): string {
  const p = new URLSearchParams();
  const put = (k: string, v: string) => {
    if (v) p.set(k, v);
  };
  put('view', state.view === 'home' ? '' : state.view);
  put('org', state.org);
  put('q', state.q);
  put('atom', state.atom);
  put('exp', state.expanded.join(','));
  put('col', state.collapsed.join(','));
  put('panel', state.panel);
  put('pivot', state.pivot);
  put('sid', state.sid);
  put('from', state.from);
  put('to', state.to);
  const text = p.toString();
  return text ? `?${text}` : location.pathname;
}

export function withState(patch: Partial<ViewState>, base: ViewState = EMPTY): ViewState {
  return { ...base, ...patch };
}

export const emptyState = (): ViewState => ({ ...EMPTY });
