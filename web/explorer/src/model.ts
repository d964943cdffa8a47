/**
 * The process view's data, independent of drawing: the focal event, its ancestry, the process tree
 * loaded so far below it, and the cross-links (TARGET and lateral movement). Pages come from the
 * API on demand; `visible()` says what to draw given what is expanded or collapsed.
 */
import type { TreeNodeFragment } from '../gql/graphql';

export const PROCESS_TYPES = ['NEW_PROCESS', 'EXISTING_PROCESS'];
/** Activity whose routing.target names another process: drawn as cross-links. */
export const TARGET_TYPES = ['NEW_REMOTE_THREAD', 'REMOTE_PROCESS_HANDLE', 'THREAD_INJECTION', 'SENSITIVE_PROCESS_ACCESS'];
/** Children drawn per process before the rest are summarised as "+N processes" (paged on demand). */
export const CHILD_PAGE = 100;

/**
 * The first view of a process draws its children, and their children too only when the two levels
 * hold at most this many processes; otherwise each child shows its own "+N processes" stub. A wide
 * tree's first view stays a few hundred nodes (and one page of one query), whatever its size.
 */
export const FIRST_VIEW_MAX = 200;

export type NodeKind = 'process' | 'missing' | 'target' | 'remote';

export interface ProcNode {
  atom: string;
  eventType: string;
  eventTime: string | null;
  orgId: string;
  sensorId: string | null;
  hostname: string | null;
  parentAtom: string | null;
  filePath: string | null;
  commandLine: string | null;
  hash: string | null;
  userName: string | null;
  processId: number | null;
  missing: boolean;
  counts: { eventType: string; count: number }[];
}

export interface CrossLink {
  from: string;
  to: string;
  kind: 'target' | 'lateral';
  label: string;
}

export function toProc(n: TreeNodeFragment): ProcNode {
  const any = n as Partial<Record<string, unknown>> & TreeNodeFragment;
  const str = (k: string) => (typeof any[k] === 'string' ? (any[k] as string) : null);
  return {
    atom: n.atom,
    eventType: n.eventType,
    eventTime: (n.eventTime as string | null) ?? null,
    orgId: n.orgId,
    sensorId: n.sensorId ?? null,
    hostname: n.hostname ?? null,
    parentAtom: n.parentAtom ?? null,
    filePath: str('filePath'),
    commandLine: str('commandLine'),
    hash: str('hash'),
    userName: str('userName'),
    processId: typeof any['processId'] === 'number' ? (any['processId'] as number) : null,
    missing: 'missing' in any && any['missing'] === 'MissingEvent',
    counts: n.childTypeCounts.map((c) => ({ eventType: c.eventType, count: c.count })),
  };
}

export function processChildCount(n: ProcNode): number {
  return n.counts.filter((c) => PROCESS_TYPES.includes(c.eventType)).reduce((s, c) => s + c.count, 0);
}

/**
 * Whether the first view draws the grandchildren: `children` are the focal process's children as
 * loaded (a page of FIRST_VIEW_MAX), `moreChildren` whether the page stopped short of them all.
 */
export function drawsTwoLevels(children: readonly ProcNode[], moreChildren: boolean): boolean {
  if (moreChildren) return false;
  const grandchildren = children.reduce((sum, c) => sum + processChildCount(c), 0);
  return grandchildren > 0 && children.length + grandchildren <= FIRST_VIEW_MAX;
}

export interface VisibleNode {
  id: string;
  node: ProcNode | null;
  kind: NodeKind | 'more';
  /** For "more" nodes: whose children, and how many are not drawn. */
  moreOf?: string;
  hidden?: number;
  focal?: boolean;
  depth: number;
}

export interface VisibleEdge {
  id: string;
  source: string;
  target: string;
  kind: 'tree' | 'target' | 'lateral' | 'more';
  label?: string;
}

export class ProcessModel {
  readonly nodes = new Map<string, ProcNode>();
  /** Process children loaded per process, in the API's order (oldest first). */
  readonly kids = new Map<string, string[]>();
  /** Processes whose children came with the first load (drawn without being expanded). */
  readonly initiallyOpen = new Set<string>();
  /** Expansions asked for, in order; an atom once per page of children it shows. */
  expanded: readonly string[] = [];
  readonly extra = new Map<string, NodeKind>();
  readonly links: CrossLink[] = [];
  /** Root first, ending at the focal event. */
  chain: string[] = [];
  collapsed = new Set<string>();
  /** Processes whose activity was fetched for cross-links. */
  readonly linksFetched = new Set<string>();
  /** Each process's cursor among its parent's children, where it came with one (the fetch-ahead starts after one). */
  readonly cursors = new Map<string, string>();

  constructor(readonly focal: string) {}

  add(n: ProcNode): void {
    const known = this.nodes.get(n.atom);
    if (!known || known.missing) this.nodes.set(n.atom, n);
  }

  /** Records `child` under its parent (once). */
  attach(child: ProcNode): void {
    this.add(child);
    if (!child.parentAtom) return;
    const list = this.kids.get(child.parentAtom) ?? [];
    if (!list.includes(child.atom)) list.push(child.atom);
    this.kids.set(child.parentAtom, list);
  }

  /**
   * A process drawn for a cross-link. It may be loaded already as a hidden child (the fetch-ahead
   * loads them): it is drawn as linked while the tree hides it, and as a child once shown.
   */
  addExtra(n: ProcNode, kind: NodeKind): void {
    if (!this.nodes.has(n.atom)) this.nodes.set(n.atom, n);
    if (!this.extra.has(n.atom)) this.extra.set(n.atom, kind);
  }

  link(l: CrossLink): void {
    const same = this.links.find((x) => x.from === l.from && x.to === l.to && x.kind === l.kind);
    if (!same) this.links.push(l);
    else if (!same.label.split(', ').includes(l.label)) same.label = `${same.label}, ${l.label}`;
  }

  loadedChildren(atom: string): number {
    return this.kids.get(atom)?.length ?? 0;
  }

  /** How many children of a process may be drawn: a page if it came open, a page per expansion. */
  limit(atom: string): number {
    const pages = (this.initiallyOpen.has(atom) ? 1 : 0) + this.expanded.filter((a) => a === atom).length;
    return pages * CHILD_PAGE;
  }

  /** Children the process has beyond those loaded that its limit would draw: what to fetch. */
  wanted(atom: string): number {
    const n = this.nodes.get(atom);
    return n ? Math.min(this.limit(atom), processChildCount(n)) : 0;
  }

  /** What `wanted` will be once the process is expanded once more (what to fetch ahead of a click). */
  nextWanted(atom: string): number {
    const n = this.nodes.get(atom);
    return n ? Math.min(this.limit(atom) + CHILD_PAGE, processChildCount(n)) : 0;
  }

  /** A process's drawn children as the fetch-ahead plans them (`prefetchPlan`): their stubs hang below them. */
  aheadChildren(parent: string): AheadChild[] {
    if (this.collapsed.has(parent)) return [];
    return (this.kids.get(parent) ?? []).slice(0, this.limit(parent)).map((atom) => {
      const n = this.nodes.get(atom);
      const closed = !n || n.missing || this.collapsed.has(atom);
      return { atom, cursor: this.cursors.get(atom) ?? null, children: n ? processChildCount(n) : 0, loaded: this.loadedChildren(atom), want: closed ? 0 : this.nextWanted(atom) };
    });
  }

  /** Whether expanding this process would draw more (children exist beyond those drawn). */
  hasHidden(atom: string): boolean {
    const n = this.nodes.get(atom);
    if (!n) return false;
    const total = processChildCount(n) - (this.chainChild(atom) ? 1 : 0);
    if (this.collapsed.has(atom)) return total > 0;
    return total > Math.min(this.loadedChildren(atom), this.limit(atom));
  }

  /** Whether some of the process's children are drawn (so collapsing it hides something). */
  hasDrawnChildren(atom: string): boolean {
    if (this.collapsed.has(atom)) return false;
    return (this.kids.get(atom) ?? []).filter((k) => k !== this.chainChild(atom)).length > 0 && this.limit(atom) > 0;
  }

  private chainChild(atom: string): string | null {
    const i = this.chain.indexOf(atom);
    return i >= 0 ? (this.chain[i + 1] ?? null) : null;
  }

  /** What to draw: the chain, the focal subtree as expanded, "+N" stubs, and cross-linked nodes. */
  visible(): { nodes: VisibleNode[]; edges: VisibleEdge[] } {
    const nodes: VisibleNode[] = [];
    const edges: VisibleEdge[] = [];
    const seen = new Set<string>();
    const put = (v: VisibleNode) => {
      if (seen.has(v.id)) return false;
      seen.add(v.id);
      nodes.push(v);
      return true;
    };
    this.chain.forEach((atom, i) => {
      const n = this.nodes.get(atom) ?? null;
      put({ id: atom, node: n, kind: n?.missing ? 'missing' : 'process', focal: atom === this.focal, depth: i - this.chain.length + 1 });
      const prev = this.chain[i - 1];
      if (prev) edges.push({ id: `t:${prev}>${atom}`, source: prev, target: atom, kind: 'tree' });
    });
    /** Draws a process's loaded children (minus `skip`, the chain's next step) and a stub for the rest. */
    const walk = (atom: string, depth: number, skip: string | null) => {
      const n = this.nodes.get(atom);
      if (!n || n.missing) return;
      const total = processChildCount(n) - (skip ? 1 : 0);
      const loaded = (this.kids.get(atom) ?? []).filter((k) => k !== skip);
      const kids = this.collapsed.has(atom) ? [] : loaded.slice(0, this.limit(atom));
      for (const kid of kids) {
        const k = this.nodes.get(kid);
        if (!k || !put({ id: kid, node: k, kind: 'process', depth: depth + 1 })) continue;
        edges.push({ id: `t:${atom}>${kid}`, source: atom, target: kid, kind: 'tree' });
        walk(kid, depth + 1, null);
      }
      const hidden = total - kids.length;
      if (hidden > 0) {
        const id = `more:${atom}`;
        put({ id, node: null, kind: 'more', moreOf: atom, hidden, depth: depth + 1 });
        edges.push({ id: `m:${atom}`, source: atom, target: id, kind: 'more' });
      }
    };
    // Ancestors show their other children once expanded (a stub with the count until then).
    this.chain.forEach((atom, i) => {
      if (atom !== this.focal) walk(atom, i - this.chain.length + 1, this.chain[i + 1] ?? null);
    });
    walk(this.focal, 0, null);
    // A cross-linked process (another host's, or one a TARGET names) is drawn while a process it is
    // linked with is drawn: links are asked for every loaded process, hidden ones included (the
    // fetch-ahead loads them), and "back" hides processes whose links stay known.
    for (let grew = true; grew; ) {
      grew = false;
      for (const [atom, kind] of this.extra) {
        const n = this.nodes.get(atom);
        if (!n || seen.has(atom)) continue;
        const linked = this.links.some((l) => (l.to === atom && seen.has(l.from)) || (l.from === atom && seen.has(l.to)));
        if (linked && put({ id: atom, node: n, kind, depth: 0 })) grew = true;
      }
    }
    for (const l of this.links) {
      if (seen.has(l.from) && seen.has(l.to)) edges.push({ id: `${l.kind}:${l.from}>${l.to}`, source: l.from, target: l.to, kind: l.kind, label: l.label });
    }
    return { nodes, edges };
  }

  parentOf(id: string): string | null {
    if (id.startsWith('more:')) return id.slice(5);
    const i = this.chain.indexOf(id);
    if (i > 0) return this.chain[i - 1] ?? null;
    if (i === 0) return null;
    return this.nodes.get(id)?.parentAtom ?? null;
  }
}

/** Processes one fetch-ahead request may bring (the children it pages and theirs). */
export const FETCH_AHEAD_MAX = 500;
/**
 * The first fetch-ahead request's size; each next one may be twice the last, up to FETCH_AHEAD_MAX.
 * A click the instant the view appears waits for the request in flight when it covers the clicked
 * stub, and competes with it on the server when it does not: a small first request bounds both.
 */
export const FETCH_AHEAD_FIRST = 120;

/** The largest the `index`th fetch-ahead request may be. */
export const aheadRequestMax = (index: number): number => Math.min(FETCH_AHEAD_MAX, FETCH_AHEAD_FIRST * 2 ** index);

/** A process drawn among its parent's children, as the fetch-ahead plans it. */
export interface AheadChild {
  atom: string;
  /** Its cursor among the parent's children (the API's order), when loaded with one. */
  cursor: string | null;
  /** Process children it has, loaded so far, and loaded once its stub is clicked. */
  children: number;
  loaded: number;
  want: number;
}

/** One request: `count` of `parent`'s children after `after`, each with its first `first` children. */
export interface AheadRange {
  parent: string;
  after: string | null;
  count: number;
  first: number;
  /** The stubs it loads. */
  atoms: string[];
  /** Processes it brings back at most. */
  processes: number;
}

/**
 * What to fetch ahead of clicks, in order: runs of one parent's children whose stubs are in view,
 * each run one request of at most `max(i)` processes for the `i`th run (its children plus theirs;
 * by default small first, then growing: `aheadRequestMax`). A run starts at a stub whose previous
 * sibling has a cursor (or at the first child) and ends at its last stub; a stub larger than its
 * run's size alone is a run of its own, up to FETCH_AHEAD_MAX. Stubs no run covers (no cursor to
 * start from, or more children than FETCH_AHEAD_MAX alone) are `singles`, fetched one by one as a
 * click would.
 */
export function prefetchPlan(parent: string, children: readonly AheadChild[], max: number | ((index: number) => number) = aheadRequestMax): { ranges: AheadRange[]; singles: string[] } {
  const limit = typeof max === 'number' ? () => max : max;
  const largest = typeof max === 'number' ? max : FETCH_AHEAD_MAX;
  const ranges: AheadRange[] = [];
  const singles: string[] = [];
  let run: { start: number; end: number; first: number; atoms: string[] } | null = null;
  const cost = (start: number, end: number, first: number) => children.slice(start, end + 1).reduce((sum, c) => sum + 1 + Math.min(first, c.children), 0);
  const close = () => {
    if (!run) return;
    ranges.push({ parent, after: run.start === 0 ? null : children[run.start - 1]!.cursor, count: run.end - run.start + 1, first: run.first, atoms: run.atoms, processes: cost(run.start, run.end, run.first) });
    run = null;
  };
  children.forEach((c, i) => {
    if (c.want <= c.loaded) return;
    if (run) {
      const first = Math.max(run.first, c.want);
      if (cost(run.start, i, first) <= limit(ranges.length)) {
        run.end = i;
        run.first = first;
        run.atoms.push(c.atom);
        return;
      }
      close();
    }
    const startable = i === 0 || children[i - 1]!.cursor !== null;
    if (startable && cost(i, i, c.want) <= largest) run = { start: i, end: i, first: c.want, atoms: [c.atom] };
    else singles.push(c.atom);
  });
  close();
  return { ranges, singles };
}
