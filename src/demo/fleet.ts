/** The demo fleet: what `npm run demo` generates and loads, and the key it is remembered by. */
import { createHash } from 'node:crypto';
import { withDefaults, type GenerateOptions, type Truth } from '../generate';

/** Two orgs so the org filters mean something; one attack story in each. */
export const DEMO_FLEET: GenerateOptions = withDefaults({ hosts: 50, events: 200_000, seed: 'atomgraph-demo', orgs: 2 });

/**
 * Names the fleet by its ground truth, so a generator that now writes other events (another
 * version, other options) loads afresh instead of printing queries for a fleet that is not there.
 */
export function demoFleetKey(truth: Truth): string {
  return `demo/${createHash('sha256').update(JSON.stringify(truth)).digest('hex')}`;
}
