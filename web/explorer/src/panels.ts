/**
 * Start panels: what the left column offers as places to begin (the host list now; the newest
 * detections once the API has them). A panel is registered with the feature it needs; the page
 * draws only those whose feature the server reported (settings.features, read from the schema the
 * server runs), so a panel for an API that is not merged yet stays hidden instead of erroring.
 */
export interface StartPanelContext {
  /** Opens a view (see state.ts): the panel navigates through this, never by itself. */
  open(patch: Record<string, string>): void;
  report(error: unknown): void;
}

export interface StartPanel {
  id: string;
  title: string;
  /** A key of settings.features that must be true, or null for always. */
  needs: 'detections' | null;
  render(into: HTMLElement, ctx: StartPanelContext): void | Promise<void>;
}

const REGISTRY: StartPanel[] = [];

export function registerPanel(panel: StartPanel): void {
  if (!REGISTRY.some((p) => p.id === panel.id)) REGISTRY.push(panel);
}

export function startPanels(features: Record<string, boolean>): StartPanel[] {
  return REGISTRY.filter((p) => p.needs === null || features[p.needs] === true);
}
