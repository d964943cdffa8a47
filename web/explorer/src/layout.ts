/**
 * Where each drawn node goes: per host lane, d3-hierarchy's tidy tree (Reingold-Tilford, linear
 * time) left to right, lanes stacked top to bottom. Plain data in, plain numbers out (no DOM, no
 * Cytoscape), so it is unit-tested on its own (test/unit/explorer-layout.test.ts).
 */
import { hierarchy, tree, type HierarchyPointNode } from 'd3-hierarchy';

/** Gaps of the layout, in model pixels. */
const NODE_GAP = 10;
const RANK_GAP = 60;
const LANE_GAP = 70;
const LANE_PAD = 16;

export interface DrawnBox {
  id: string;
  lane: string;
  label: string;
  kind: string;
  classes: string;
  w: number;
  h: number;
}

export interface DrawPlan {
  lanes: { id: string; label: string }[];
  nodes: DrawnBox[];
  edges: { id: string; source: string; target: string; label: string; classes: string }[];
}

interface LayoutItem {
  box: DrawnBox | null;
  children: LayoutItem[];
}

export interface Placed {
  nodes: Map<string, { x: number; y: number }>;
  /** Each lane's rectangle (centre and size), drawn behind its nodes. */
  lanes: Map<string, { x: number; y: number; w: number; h: number }>;
}

/**
 * Positions (centres) of every node: per lane, a tidy tree of the lane's forest (a node's tree
 * parent when drawn in the same lane, else it starts a tree of its own), left to right with a
 * column per depth as wide as its widest node; lanes stacked top to bottom in the plan's order.
 */
export function positionsOf(plan: DrawPlan): Placed {
  const items = new Map<string, LayoutItem>();
  for (const b of plan.nodes) items.set(b.id, { box: b, children: [] });
  const hasParent = new Set<string>();
  for (const e of plan.edges) {
    if (e.classes !== 'tree' && e.classes !== 'more') continue;
    const from = items.get(e.source);
    const to = items.get(e.target);
    if (!from || !to || hasParent.has(e.target) || from.box!.lane !== to.box!.lane) continue;
    hasParent.add(e.target);
    from.children.push(to);
  }
  const roots = new Map<string, LayoutItem>(plan.lanes.map((l) => [l.id, { box: null, children: [] }]));
  for (const b of plan.nodes) if (!hasParent.has(b.id)) roots.get(b.lane)!.children.push(items.get(b.id)!);

  const out = new Map<string, { x: number; y: number }>();
  const laneBoxes = new Map<string, { x: number; y: number; w: number; h: number }>();
  const half = (n: HierarchyPointNode<LayoutItem>) => (n.data.box?.h ?? 0) / 2;
  // Separation is between centres, in pixels (nodeSize 1): half of each box plus a gap, more
  // between cousins than siblings and more again between separate trees of one lane.
  const layout = tree<LayoutItem>()
    .nodeSize([1, 1])
    .separation((a, b) => half(a) + half(b) + (a.parent === b.parent ? (a.depth === 1 ? 3 : 1) : 2) * NODE_GAP);
  let top = 0;
  for (const lane of plan.lanes) {
    const root = layout(hierarchy(roots.get(lane.id)!, (d) => d.children));
    const widths: number[] = [];
    let minX = Infinity;
    let maxX = -Infinity;
    root.each((n) => {
      if (!n.data.box) return;
      widths[n.depth] = Math.max(widths[n.depth] ?? 0, n.data.box.w);
      minX = Math.min(minX, n.x - half(n));
      maxX = Math.max(maxX, n.x + half(n));
    });
    const columns: number[] = [];
    let left = 0;
    for (let d = 1; d < widths.length; d++) {
      const w = widths[d] ?? 0;
      columns[d] = left + w / 2;
      left += w + RANK_GAP;
    }
    // A lane reached by cross-links (lateral movement) starts right of the nodes that reach into
    // it, so the link reads left to right; the block moves whole, by an offset.
    const inLane = new Set<string>();
    root.each((n) => void (n.data.box && inLane.add(n.data.box.id)));
    let shift = 0;
    for (const e of plan.edges) {
      const from = out.get(e.source);
      const source = items.get(e.source)?.box;
      if (inLane.has(e.target) && from && source) shift = Math.max(shift, from.x + source.w / 2 + RANK_GAP);
    }
    root.each((n) => {
      if (n.data.box) out.set(n.data.box.id, { x: shift + (columns[n.depth] ?? 0), y: top + n.x - minX });
    });
    if (!Number.isFinite(minX)) continue;
    const height = maxX - minX;
    laneBoxes.set(lane.id, { x: shift + (left - RANK_GAP) / 2, y: top + height / 2, w: left - RANK_GAP + 2 * LANE_PAD, h: height + 2 * LANE_PAD });
    top += height + LANE_GAP;
  }
  return { nodes: out, lanes: laneBoxes };
}

