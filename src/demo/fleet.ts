/** The demo fleet: what `npm run demo` generates and loads (src/demo/load-fleet.ts loads it once). */
import { DEMO_CLOCK_SKEW, withDefaults, type GenerateOptions } from '../generate';

/**
 * Two orgs so the org filters mean something; one attack story in each. Hosts' clocks disagree by
 * up to a few seconds, as on real captures, so lateral movement has to be found by the flow.
 */
export const DEMO_FLEET: GenerateOptions = withDefaults({ hosts: 50, events: 200_000, seed: 'atomgraph-demo', orgs: 2, clockSkew: DEMO_CLOCK_SKEW });

