/**
 * Drawing a ProcessModel with Cytoscape.js and its dagre (layered) layout: one lane (a compound
 * node) per host, processes as boxes with activity badges, parents that never arrived dashed and
 * grey, TARGET cross-links red and dashed, lateral movement blue and dotted, big subtrees as
 * "+N processes" stubs. No layout code of our own: dagre places everything.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import svg from 'cytoscape-svg';
import { basename, fmtCount } from './dom';
import { PROCESS_TYPES, type ProcessModel, type ProcNode, type VisibleNode } from './model';

cytoscape.use(dagre);
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

export function elementsOf(model: ProcessModel): ElementDefinition[] {
  const { nodes, edges } = model.visible();
  const lanes = new Map<string, string>();
  const els: ElementDefinition[] = [];
  for (const v of nodes) {
    const host = v.node ?? (v.moreOf ? model.nodes.get(v.moreOf) ?? null : null);
    const lane = laneId(host?.sensorId ?? null);
    if (!lanes.has(lane)) lanes.set(lane, host?.hostname ?? host?.sensorId ?? 'unknown host');
    const classes = [v.kind, v.focal ? 'focal' : '', v.node && model.hasHidden(v.id) ? 'expandable' : ''].filter(Boolean).join(' ');
    const text = label(v);
    const lines = text.split('\n');
    const w = Math.max(...lines.map((l) => l.length)) * 6.6 + 18;
    els.push({ group: 'nodes', data: { id: v.id, label: text, parent: lane, kind: v.kind, w, h: lines.length * 14 + 12 }, classes });
  }
  for (const [id, name] of lanes) els.push({ group: 'nodes', data: { id, label: name, kind: 'lane', w: 1, h: 1 }, classes: 'lane' });
  for (const e of edges) els.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: e.label ?? '' }, classes: e.kind });
  return els;
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
      shape: 'rectangle',
      'background-color': '#fafafa',
      'border-color': '#9e9e9e',
      'border-width': 1,
      'text-valign': 'top',
      'text-halign': 'center',
      'font-size': 13,
      'font-weight': 'bold',
      color: '#333',
      padding: '16px',
    },
  },
  { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#ff6f00', 'overlay-opacity': 0 } },
  {
    selector: 'edge',
    style: { width: 1.5, 'line-color': '#7a8aa6', 'target-arrow-color': '#7a8aa6', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.8 },
  },
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
  });
}

/** Replaces the drawing with the model's current view and lays it out (dagre, left to right). */
export function draw(cy: Core, model: ProcessModel, focusId: string | null): void {
  const selected = cy.$(':selected').id();
  cy.batch(() => {
    cy.elements().remove();
    cy.add(elementsOf(model));
  });
  cy.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 12, rankSep: 60, edgeSep: 8, fit: false, animate: false } as cytoscape.LayoutOptions).run();
  const keep = focusId ?? selected;
  if (keep && cy.$id(keep).nonempty()) cy.$id(keep).select();
  cy.fit(cy.elements(), 30);
  // A big tree fitted whole is unreadable: show the focused node at a legible size instead.
  if (cy.zoom() < 0.8) {
    const at = keep && cy.$id(keep).nonempty() ? cy.$id(keep) : cy.nodes('.focal');
    cy.zoom(0.8);
    if (at.nonempty()) cy.center(at);
  }
}

export function exportPng(cy: Core): Blob {
  return cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' });
}

export function exportSvg(cy: Core): Blob {
  const text = (cy as unknown as { svg(o: object): string }).svg({ full: true, scale: 1, bg: '#ffffff' });
  return new Blob([text], { type: 'image/svg+xml' });
}
