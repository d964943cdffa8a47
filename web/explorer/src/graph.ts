/**
 * Drawing a ProcessModel with Cytoscape.js: one lane (a compound node) per host, processes as boxes
 * with activity badges, parents that never arrived dashed and grey, TARGET cross-links red and
 * dashed, lateral movement blue and dotted, big subtrees as "+N processes" stubs.
 *
 * Layout: d3-hierarchy's tidy tree (Reingold-Tilford, linear time) per host lane, left to right;
 * the lanes are then stacked by an offset. A layered layout over the whole graph (dagre) took
 * seconds for 2,000 processes and tens of seconds with the lanes as compound nodes; the drawing is a
 * forest per host plus a few cross-links, which a tree layout places in milliseconds. A change
 * (expand, collapse, cross-links arriving) is drawn as a diff: only new elements are added, only
 * removed ones removed, and existing nodes move to their new places, with the node the user acted
 * on kept where it was on screen.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import svg from 'cytoscape-svg';
import { basename, fmtCount } from './dom';
import { positionsOf, type DrawnBox, type DrawPlan, type Placed } from './layout';
import { PROCESS_TYPES, type ProcessModel, type ProcNode, type VisibleNode } from './model';

cytoscape.use(svg);

/** Short names for the activity badges; other types show their own name. */
const BADGE: Record<string, string> = {
  DNS_REQUEST: 'dns',
  NEW_TCP4_CONNECTION: 'tcp',
  NEW_TCP6_CONNECTION: 'tcp6',
  NEW_UDP4_CONNECTION: 'udp',
  FILE_CREATE: 'file+',
  FILE_DELETE: 'file-',
  FILE_MODIFIED: 'file~',
  MODULE_LOAD: 'dll',
  CODE_IDENTITY: 'code',
  NEW_REMOTE_THREAD: 'rthread',
  REMOTE_PROCESS_HANDLE: 'handle',
  THREAD_INJECTION: 'inject',
  SENSITIVE_PROCESS_ACCESS: 'sensitive',
  REGISTRY_WRITE: 'reg',
  SERVICE_CHANGE: 'svc',
  TERMINATE_PROCESS: 'exit',
  NETWORK_SUMMARY: 'net',
};

export function badges(n: ProcNode): string {
  return n.counts
    .filter((c) => !PROCESS_TYPES.includes(c.eventType))
    .slice(0, 4)
    .map((c) => `${BADGE[c.eventType] ?? c.eventType.toLowerCase()} ${fmtCount(c.count)}`)
    .join(' · ');
}

export function nodeName(n: ProcNode | null): string {
  if (!n) return '';
  if (n.missing) return 'parent never received';
  return basename(n.filePath) || n.eventType;
}

function label(v: VisibleNode): string {
  if (v.kind === 'more') return `+${fmtCount(v.hidden ?? 0)} processes`;
  const n = v.node;
  if (!n) return v.id;
  const first = nodeName(n) + (n.processId !== null ? ` (${n.processId})` : '');
  const second = badges(n);
  return second ? `${first}\n${second}` : first;
}

const laneId = (sid: string | null) => `lane:${sid ?? 'unknown'}`;

/** What to draw, as plain data (no positions yet). `marked` names nodes to flag (e.g. detections). */
export function planOf(model: ProcessModel, marked: ReadonlySet<string> = new Set()): DrawPlan {
  const { nodes, edges } = model.visible();
  const lanes = new Map<string, string>();
  const boxes: DrawnBox[] = [];
  for (const v of nodes) {
    const host = v.node ?? (v.moreOf ? model.nodes.get(v.moreOf) ?? null : null);
    const lane = laneId(host?.sensorId ?? null);
    if (!lanes.has(lane)) lanes.set(lane, host?.hostname ?? host?.sensorId ?? 'unknown host');
    const classes = [v.kind, v.focal ? 'focal' : '', v.node && model.hasHidden(v.id) ? 'expandable' : '', marked.has(v.id) ? 'detected' : ''].filter(Boolean).join(' ');
    const text = (marked.has(v.id) ? '⚠ ' : '') + label(v);
    const lines = text.split('\n');
    const w = Math.max(...lines.map((l) => l.length)) * 6.6 + 18;
    boxes.push({ id: v.id, lane, label: text, kind: v.kind, classes, w, h: lines.length * 14 + 12 });
  }
  return {
    lanes: [...lanes].map(([id, name]) => ({ id, label: name })),
    nodes: boxes,
    edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target, label: e.label ?? '', classes: e.kind })),
  };
}

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      shape: 'round-rectangle',
      'background-color': '#eef3fb',
      'border-width': 1,
      'border-color': '#5b7db1',
      label: 'data(label)',
      'text-wrap': 'wrap',
      'text-valign': 'center',
      'text-halign': 'center',
      'font-size': 11,
      'font-family': 'system-ui, sans-serif',
      color: '#10233f',
      // Sized from the label's text (cytoscape deprecated width: label).
      width: 'data(w)',
      height: 'data(h)',
      // Labels too small to read are not drawn (thousands of them are most of a frame's cost).
      'min-zoomed-font-size': 6,
      'z-index-compare': 'manual',
      'z-index': 20,
    },
  },
  { selector: 'node.focal', style: { 'border-width': 3, 'border-color': '#c2185b', 'background-color': '#fde7f0' } },
  { selector: 'node.expandable', style: { 'border-style': 'double', 'border-width': 3 } },
  { selector: 'node.missing', style: { 'border-style': 'dashed', 'background-color': '#f2f2f2', 'border-color': '#666', color: '#444', 'font-style': 'italic' } },
  { selector: 'node.target', style: { 'background-color': '#fff0f0', 'border-color': '#b71c1c' } },
  { selector: 'node.remote', style: { 'background-color': '#eaf6ff', 'border-color': '#0d47a1', 'border-width': 2 } },
  { selector: 'node.more', style: { shape: 'round-tag', 'background-color': '#fff8e1', 'border-color': '#a67c00', color: '#5d4500' } },
  {
    selector: 'node.lane',
    style: {
      // Behind everything, and not clickable: clicks and drags reach the canvas.
      'z-index': 0,
      events: 'no',
      shape: 'rectangle',
      'background-color': '#fafafa',
      'border-color': '#9e9e9e',
      'border-width': 1,
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -4,
      'font-size': 13,
      'font-weight': 'bold',
      color: '#333',
      padding: '16px',
    },
  },
  { selector: 'node.detected', style: { 'background-color': '#ffe0b2', 'border-color': '#e65100', 'border-width': 3 } },
  { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#ff6f00', 'overlay-opacity': 0 } },
  {
    selector: 'edge',
    style: { width: 1.5, 'line-color': '#7a8aa6', 'target-arrow-color': '#7a8aa6', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.8, 'z-index-compare': 'manual', 'z-index': 10 },
  },
  // Tree edges straight: the cheapest to route, and a tidy tree keeps them apart.
  { selector: 'edge.tree, edge.more', style: { 'curve-style': 'straight' } },
  { selector: 'edge.more', style: { 'line-style': 'dashed', 'line-color': '#c9a227', 'target-arrow-color': '#c9a227' } },
  {
    selector: 'edge.target',
    style: { 'line-style': 'dashed', 'line-color': '#c62828', 'target-arrow-color': '#c62828', width: 2, label: 'data(label)', 'font-size': 9, color: '#b71c1c', 'text-outline-color': '#fff', 'text-outline-width': 2 },
  },
  {
    selector: 'edge.lateral',
    style: { 'line-style': 'dotted', 'line-color': '#1565c0', 'target-arrow-color': '#1565c0', width: 3, label: 'data(label)', 'font-size': 10, color: '#0d47a1', 'text-outline-color': '#fff', 'text-outline-width': 2 },
  },
];

export function createGraph(container: HTMLElement): Core {
  return cytoscape({
    container,
    style: STYLE,
    boxSelectionEnabled: false,
    selectionType: 'single',
    minZoom: 0.05,
    maxZoom: 3,
    // Pan and zoom move a snapshot of the drawing instead of redrawing thousands of labels.
    textureOnViewport: true,
    hideEdgesOnViewport: true,
  });
}

/**
 * Draws `plan` into `cy` as a diff of what is there. `anchor`: a node to keep where it is on
 * screen (the one the user acted on); `fit`: frame the drawing instead (a new view).
 */
export function draw(cy: Core, plan: DrawPlan, options: { select: string | null; anchor: string | null; fit: boolean }): Record<string, number> {
  const t0 = performance.now();
  const placed = positionsOf(plan);
  const t1 = performance.now();
  const anchorNode = options.anchor ? cy.$id(options.anchor) : null;
  const anchorBefore = anchorNode && anchorNode.nonempty() ? { ...anchorNode.renderedPosition() } : null;
  const wanted = new Set<string>();
  for (const l of plan.lanes) wanted.add(l.id);
  for (const n of plan.nodes) wanted.add(n.id);
  for (const e of plan.edges) wanted.add(e.id);
  cy.batch(() => {
    cy.elements()
      .filter((e) => !wanted.has(e.id()))
      .remove();
    const add: ElementDefinition[] = [];
    // A lane is a plain node drawn behind its processes and sized by the layout, not a compound
    // node: Cytoscape would otherwise recompute its bounds from thousands of children on every change.
    for (const l of plan.lanes) {
      const box = placed.lanes.get(l.id) ?? { x: 0, y: 0, w: 1, h: 1 };
      const have = cy.$id(l.id);
      const data = { label: l.label, kind: 'lane', w: box.w, h: box.h };
      if (have.empty()) add.push({ group: 'nodes', data: { id: l.id, ...data }, classes: 'lane', position: { x: box.x, y: box.y } });
      else {
        have.data(data);
        have.position({ x: box.x, y: box.y });
      }
    }
    for (const n of plan.nodes) {
      const position = placed.nodes.get(n.id) ?? { x: 0, y: 0 };
      const have = cy.$id(n.id);
      if (have.empty()) {
        add.push({ group: 'nodes', data: { id: n.id, label: n.label, lane: n.lane, kind: n.kind, w: n.w, h: n.h, cls: n.classes }, classes: n.classes, position });
        continue;
      }
      // Only what changed: a restyle or a move costs per element.
      if (have.data('label') !== n.label) have.data({ label: n.label, w: n.w, h: n.h });
      if (have.data('cls') !== n.classes) {
        have.data('cls', n.classes);
        have.classes(n.classes);
      }
      const p = have.position();
      if (p.x !== position.x || p.y !== position.y) have.position(position);
    }
    for (const e of plan.edges) {
      const have = cy.$id(e.id);
      if (have.empty()) add.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: e.label }, classes: e.classes });
      else if (have.data('label') !== e.label) have.data('label', e.label);
    }
    cy.add(add);
  });
  const t2 = performance.now();
  const timings = () => ({ layoutMs: t1 - t0, elementsMs: t2 - t1, viewportMs: performance.now() - t2 });
  cy.$(':selected').unselect();
  if (options.select && cy.$id(options.select).nonempty()) cy.$id(options.select).select();
  if (options.fit || !anchorBefore) {
    fitTo(cy, placed, options.select && placed.nodes.has(options.select) ? options.select : (plan.nodes.find((n) => n.classes.includes('focal'))?.id ?? null));
    return timings();
  }
  const after = cy.$id(options.anchor!);
  if (after.nonempty()) {
    const now = after.renderedPosition();
    cy.panBy({ x: anchorBefore.x - now.x, y: anchorBefore.y - now.y });
  }
  return timings();
}

/**
 * Frames the drawing from the layout's own numbers (Cytoscape's fit would measure every element
 * and label first); a big tree fitted whole is unreadable, so then `focus` is shown at a legible size.
 */
function fitTo(cy: Core, placed: Placed, focus: string | null): void {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const b of placed.lanes.values()) {
    x1 = Math.min(x1, b.x - b.w / 2);
    x2 = Math.max(x2, b.x + b.w / 2);
    y1 = Math.min(y1, b.y - b.h / 2 - 20);
    y2 = Math.max(y2, b.y + b.h / 2);
  }
  if (!Number.isFinite(x1)) return;
  const pad = 30;
  const width = cy.width();
  const height = cy.height();
  let zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min((width - 2 * pad) / (x2 - x1), (height - 2 * pad) / (y2 - y1))));
  let center = { x: (x1 + x2) / 2, y: (y1 + y2) / 2 };
  const at = focus ? placed.nodes.get(focus) : undefined;
  if (zoom < 0.8) {
    zoom = 0.8;
    // The focused node in the middle, unless that leaves blank canvas above or left of the drawing.
    if (at) center = { x: Math.max(at.x, x1 + (width / 2 - pad) / zoom), y: Math.max(at.y, y1 + (height / 2 - pad) / zoom) };
  }
  cy.viewport({ zoom, pan: { x: width / 2 - zoom * center.x, y: height / 2 - zoom * center.y } });
}

export function exportPng(cy: Core): Blob {
  return cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' });
}

export function exportSvg(cy: Core): Blob {
  const text = (cy as unknown as { svg(o: object): string }).svg({ full: true, scale: 1, bg: '#ffffff' });
  return new Blob([text], { type: 'image/svg+xml' });
}
