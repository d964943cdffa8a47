// The explorer's first view and its stubs (web/explorer/src/model.ts) on plain data: a wide tree
// opens with the focal process's children, each with a "+N processes" stub carrying its own count;
// a small one opens two levels; an expansion fetches exactly one page of one process's children.
import { aheadRequestMax, type AheadChild, CHILD_PAGE, drawsTwoLevels, FETCH_AHEAD_FIRST, FETCH_AHEAD_MAX, FIRST_VIEW_MAX, prefetchPlan, ProcessModel, type ProcNode } from '../../web/explorer/src/model';

function proc(atom: string, parentAtom: string | null, children: number): ProcNode {
  return {
    atom,
    eventType: 'NEW_PROCESS',
    eventTime: '2024-06-01T09:00:00.000Z',
    orgId: 'org',
    sensorId: 'sid',
    hostname: 'HOST',
    parentAtom,
    filePath: `C:\\${atom}.exe`,
    commandLine: null,
    hash: null,
    userName: null,
    processId: null,
    missing: false,
    counts: children ? [{ eventType: 'NEW_PROCESS', count: children }, { eventType: 'DNS_REQUEST', count: 2 }] : [{ eventType: 'DNS_REQUEST', count: 2 }],
  };
}

/** A focal root with `fan` children of `per` children each; only the children are loaded. */
function wide(fan: number, per: number): { model: ProcessModel; children: ProcNode[] } {
  const model = new ProcessModel('root');
  model.add(proc('root', null, fan));
  model.chain = ['root'];
  model.initiallyOpen.add('root');
  const children = Array.from({ length: fan }, (_, i) => proc(`c${i}`, 'root', per));
  for (const c of children) model.attach(c);
  return { model, children };
}

describe('the explorer\'s first view', () => {
  it('draws two levels only when they hold at most FIRST_VIEW_MAX processes', () => {
    // 40 children with 50 each (the benchmark's tree): 2,040 processes, children only.
    expect(drawsTwoLevels(wide(40, 50).children, false)).toBe(false);
    // 10 children with 19 each: 200 processes, both levels.
    expect(drawsTwoLevels(wide(10, 19).children, false)).toBe(true);
    // One more grandchild than fits.
    const over = wide(10, 19).children;
    over[0] = proc('c0', 'root', 20);
    expect(10 + 10 * 19 + 1).toBe(FIRST_VIEW_MAX + 1);
    expect(drawsTwoLevels(over, false)).toBe(false);
    // No grandchildren: nothing to ask for; more children than a page: never.
    expect(drawsTwoLevels(wide(5, 0).children, false)).toBe(false);
    expect(drawsTwoLevels(wide(3, 1).children, true)).toBe(false);
  });

  it('shows a wide tree as its children, each with a stub counting what is below it', () => {
    const { model } = wide(40, 50);
    const { nodes, edges } = model.visible();
    expect(nodes.filter((n) => n.kind === 'process').map((n) => n.id)).toEqual(['root', ...Array.from({ length: 40 }, (_, i) => `c${i}`)]);
    const stubs = nodes.filter((n) => n.kind === 'more');
    expect(stubs.map((n) => [n.moreOf, n.hidden])).toEqual(Array.from({ length: 40 }, (_, i) => [`c${i}`, 50]));
    expect(edges.filter((e) => e.kind === 'more').length).toBe(40);
    expect(nodes.length).toBe(81);
  });

  it('fetches one page of one process on expansion, and the same ahead of it', () => {
    const { model } = wide(40, 50);
    expect(model.wanted('c3')).toBe(0);
    expect(model.nextWanted('c3')).toBe(50);
    model.expanded = ['c3'];
    expect(model.wanted('c3')).toBe(50);
    for (let g = 0; g < 50; g++) model.attach(proc(`g${g}`, 'c3', 0));
    const drawn = model.visible().nodes;
    expect(drawn.filter((n) => n.node?.parentAtom === 'c3').length).toBe(50);
    expect(drawn.some((n) => n.id === 'more:c3')).toBe(false);
    expect(model.hasHidden('c3')).toBe(false);
    // A process with more children than a page: the next page only.
    const { model: big } = wide(1, 250);
    expect(big.nextWanted('c0')).toBe(CHILD_PAGE);
    big.expanded = ['c0'];
    expect(big.nextWanted('c0')).toBe(2 * CHILD_PAGE);
    big.expanded = ['c0', 'c0'];
    expect(big.nextWanted('c0')).toBe(250);
  });
});

describe('the explorer\'s fetch-ahead plan', () => {
  /** The benchmark's first view, with each child's cursor as the first query gives it. */
  function benchView(): ProcessModel {
    const { model, children } = wide(40, 50);
    for (const c of children) model.cursors.set(c.atom, `cur-${c.atom}`);
    return model;
  }

  it('loads every stub in view, in sequential runs small first, then twice as large, up to FETCH_AHEAD_MAX processes', () => {
    const model = benchView();
    const { ranges, singles } = prefetchPlan('root', model.aheadChildren('root'));
    expect(singles).toEqual([]);
    // Each child and its 50 children: 51 processes. Runs of at most 120, 240, 480, then 500.
    expect(ranges.map((r) => [r.after, r.count, r.first, r.processes])).toEqual([
      [null, 2, 50, 102],
      ['cur-c1', 4, 50, 204],
      ['cur-c5', 9, 50, 459],
      ['cur-c14', 9, 50, 459],
      ['cur-c23', 9, 50, 459],
      ['cur-c32', 7, 50, 357],
    ]);
    expect(ranges.map((r) => aheadRequestMax(ranges.indexOf(r)))).toEqual([FETCH_AHEAD_FIRST, 240, 480, FETCH_AHEAD_MAX, FETCH_AHEAD_MAX, FETCH_AHEAD_MAX]);
    expect(ranges.flatMap((r) => r.atoms)).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`));
    // A fixed size: every run up to it.
    const fixed = prefetchPlan('root', model.aheadChildren('root'), FETCH_AHEAD_MAX);
    expect(fixed.ranges.map((r) => r.count)).toEqual([9, 9, 9, 9, 4]);
    for (const r of fixed.ranges) expect(r.processes).toBeLessThanOrEqual(FETCH_AHEAD_MAX);
  });

  it('skips what is loaded or has nothing below, and asks the next page of an expanded stub', () => {
    const model = benchView();
    for (let g = 0; g < 50; g++) model.attach(proc(`g${g}`, 'c0', 0));
    model.expanded = ['c0'];
    const c1 = model.nodes.get('c1')!;
    model.nodes.set('c1', { ...c1, counts: [] });
    const { ranges } = prefetchPlan('root', model.aheadChildren('root'));
    // c0 is drawn whole, c1 has no children: the first run starts after c1.
    expect(ranges[0]).toMatchObject({ after: 'cur-c1', atoms: ['c2', 'c3'] });
    expect(ranges.flatMap((r) => r.atoms)).not.toContain('c0');
    // A process with more children than a page: one page ahead (its cost counted at that page).
    const { model: big, children: bigChildren } = wide(3, 250);
    for (const c of bigChildren) big.cursors.set(c.atom, `cur-${c.atom}`);
    const plan = prefetchPlan('root', big.aheadChildren('root'), FETCH_AHEAD_MAX);
    expect(plan.ranges.map((r) => [r.count, r.first, r.processes])).toEqual([[3, CHILD_PAGE, 3 + 3 * CHILD_PAGE]]);
    // One stub larger than the first run's size is a run of its own.
    const small = prefetchPlan('root', big.aheadChildren('root'));
    expect(small.ranges.map((r) => [r.count, r.processes])).toEqual([
      [1, 1 + CHILD_PAGE],
      [2, 2 + 2 * CHILD_PAGE],
    ]);
  });

  it('fetches one by one the stubs a run cannot reach', () => {
    const children: AheadChild[] = [
      { atom: 'a', cursor: null, children: 10, loaded: 0, want: 10 },
      { atom: 'b', cursor: 'cb', children: 10, loaded: 0, want: 10 },
      { atom: 'c', cursor: 'cc', children: 900, loaded: 0, want: 600 },
      { atom: 'd', cursor: 'cd', children: 5, loaded: 0, want: 5 },
    ];
    // a starts the first run (at index 0), b joins it; c alone is more than a request; d starts after c.
    const plan = prefetchPlan('p', children);
    expect(plan.ranges.map((r) => [r.after, r.atoms])).toEqual([
      [null, ['a', 'b']],
      ['cc', ['d']],
    ]);
    expect(plan.singles).toEqual(['c']);
    // Without a cursor before it, a stub cannot start a run.
    const noCursor = prefetchPlan('p', [children[0]!, { ...children[1]!, want: 0 }, children[3]!].map((c, i) => (i === 1 ? { ...c, cursor: null } : c)), 12);
    expect(noCursor.ranges.map((r) => r.atoms)).toEqual([['a']]);
    expect(noCursor.singles).toEqual(['d']);
  });

  it('draws a cross-linked process only while a process it is linked with is drawn', () => {
    const { model } = wide(3, 2);
    // c1's children came with the fetch-ahead; c1 is not expanded, so they are hidden.
    model.attach(proc('g0', 'c1', 0));
    model.attach(proc('g1', 'c1', 0));
    const remote = { ...proc('r0', null, 0), sensorId: 'other', hostname: 'OTHER' };
    model.addExtra(remote, 'remote');
    model.link({ from: 'g0', to: 'r0', kind: 'lateral', label: 'lateral → OTHER' });
    // And what the remote process touched, linked from it alone.
    model.addExtra(proc('t0', null, 0), 'target');
    model.link({ from: 'r0', to: 't0', kind: 'target', label: 'remote thread' });
    const ids = () => model.visible().nodes.map((n) => n.id);
    expect(ids()).not.toContain('r0');
    expect(ids()).not.toContain('t0');
    expect(model.visible().edges.some((e) => e.kind === 'lateral')).toBe(false);
    model.expanded = ['c1'];
    expect(ids()).toEqual(expect.arrayContaining(['g0', 'r0', 't0']));
    expect(model.visible().edges.filter((e) => e.kind !== 'tree' && e.kind !== 'more').map((e) => e.id)).toEqual(['lateral:g0>r0', 'target:r0>t0']);
    // Back: c1 closed again, and what hung off its children goes with them.
    model.expanded = [];
    expect(ids()).not.toContain('r0');
    expect(ids()).not.toContain('t0');
  });

  it('draws a cross-linked process that is a hidden child (loaded ahead) as linked, and as a child once shown', () => {
    const { model } = wide(3, 2);
    model.attach(proc('g0', 'c1', 0));
    // c0 (drawn) opened a handle to g0, which the fetch-ahead loaded as c1's hidden child.
    model.addExtra(proc('g0', 'c1', 0), 'target');
    model.link({ from: 'c0', to: 'g0', kind: 'target', label: 'remote process handle' });
    const g0 = () => model.visible().nodes.filter((n) => n.id === 'g0');
    expect(g0()).toEqual([expect.objectContaining({ kind: 'target' })]);
    model.expanded = ['c1'];
    expect(g0()).toEqual([expect.objectContaining({ kind: 'process' })]);
    expect(model.visible().edges.map((e) => e.id)).toEqual(expect.arrayContaining(['t:c1>g0', 'target:c0>g0']));
  });
});
