/**
 * @jest-environment-options {"customExportConditions": ["umd", "node", "require", "default"]}
 */
// (d3-hierarchy is an ES module; its "umd" export is the same code as a script jest can require.)
// The explorer's layout (web/explorer/src/layout.ts) on plain data: every node placed, children to
// the right of their parent, no two boxes of a lane overlapping, lanes apart and each covering its
// nodes; and it stays linear: 2,000 processes in well under a second.
import { positionsOf, type DrawPlan } from '../../web/explorer/src/layout';

type Box = { x: number; y: number; w: number; h: number };

/** A root with `fan` children of `fan` children each in lane A, plus a two-node chain in lane B. */
function plan(fan: number): DrawPlan {
  const nodes: DrawPlan['nodes'] = [];
  const edges: DrawPlan['edges'] = [];
  const node = (id: string, lane: string, lines = 1) => nodes.push({ id, lane, label: id, kind: 'process', classes: 'process', w: 40 + id.length * 6, h: lines * 14 + 12 });
  const edge = (source: string, target: string, classes = 'tree') => edges.push({ id: `${source}>${target}`, source, target, label: '', classes });
  node('root', 'lane:A');
  for (let c = 0; c < fan; c++) {
    node(`c${c}`, 'lane:A', 2);
    edge('root', `c${c}`);
    for (let g = 0; g < fan; g++) {
      node(`g${c}-${g}`, 'lane:A', (c + g) % 2 ? 1 : 2);
      edge(`c${c}`, `g${c}-${g}`);
    }
  }
  node('more:root', 'lane:A');
  edge('root', 'more:root', 'more');
  node('remote1', 'lane:B');
  node('remote2', 'lane:B');
  edge('remote1', 'remote2');
  // A cross-link between lanes is not a tree edge: it does not pull remote1 into lane A.
  edge('g0-0', 'remote1', 'lateral');
  return { lanes: [{ id: 'lane:A', label: 'A' }, { id: 'lane:B', label: 'B' }], nodes, edges };
}

const boxOf = (p: DrawPlan, placed: ReturnType<typeof positionsOf>, id: string): Box => {
  const n = p.nodes.find((x) => x.id === id)!;
  const at = placed.nodes.get(id)!;
  return { x: at.x, y: at.y, w: n.w, h: n.h };
};
const overlap = (a: Box, b: Box) => Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;

describe('the explorer layout', () => {
  it('places every node, parents left of their children, no two boxes overlapping, lanes apart and around their nodes', () => {
    const p = plan(8);
    const placed = positionsOf(p);
    expect([...placed.nodes.keys()].sort()).toEqual(p.nodes.map((n) => n.id).sort());
    for (const e of p.edges.filter((x) => x.classes === 'tree' || x.classes === 'more')) {
      const from = boxOf(p, placed, e.source);
      const to = boxOf(p, placed, e.target);
      expect(to.x - to.w / 2).toBeGreaterThan(from.x + from.w / 2);
    }
    const boxes = p.nodes.map((n) => boxOf(p, placed, n.id));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect([p.nodes[i]!.id, p.nodes[j]!.id, overlap(boxes[i]!, boxes[j]!)]).toEqual([p.nodes[i]!.id, p.nodes[j]!.id, false]);
    const a = placed.lanes.get('lane:A')!;
    const b = placed.lanes.get('lane:B')!;
    // Lane B below lane A, not touching it, and right of the node whose cross-link reaches into it.
    expect(b.y - b.h / 2).toBeGreaterThan(a.y + a.h / 2);
    const source = boxOf(p, placed, 'g0-0');
    const remote = boxOf(p, placed, 'remote1');
    expect(remote.x - remote.w / 2).toBeGreaterThan(source.x + source.w / 2);
    for (const n of p.nodes) {
      const lane = placed.lanes.get(n.lane)!;
      const box = boxOf(p, placed, n.id);
      expect(box.x - box.w / 2).toBeGreaterThanOrEqual(lane.x - lane.w / 2);
      expect(box.x + box.w / 2).toBeLessThanOrEqual(lane.x + lane.w / 2);
      expect(box.y - box.h / 2).toBeGreaterThanOrEqual(lane.y - lane.h / 2);
      expect(box.y + box.h / 2).toBeLessThanOrEqual(lane.y + lane.h / 2);
    }
  });

  it('keeps siblings in the order given (the API\'s, oldest first)', () => {
    const p = plan(4);
    const placed = positionsOf(p);
    const ys = ['c0', 'c1', 'c2', 'c3'].map((id) => placed.nodes.get(id)!.y);
    expect([...ys].sort((x, y) => x - y)).toEqual(ys);
  });

  it('lays out 2,000 processes in well under a second', () => {
    const p = plan(45);
    expect(p.nodes.length).toBeGreaterThan(2000);
    const started = performance.now();
    positionsOf(p);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
