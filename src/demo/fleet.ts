/** The demo fleet: what `npm run demo` generates and loads (src/demo/load-fleet.ts loads it once). */
import { withDefaults, type GenerateOptions } from '../generate';

/** Two orgs so the org filters mean something; one attack story in each. */
export const DEMO_FLEET: GenerateOptions = withDefaults({ hosts: 50, events: 200_000, seed: 'atomgraph-demo', orgs: 2 });

