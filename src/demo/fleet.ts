/** The demo fleet: what `npm run demo` generates and loads, and the key it is remembered by. */
import { withDefaults, type GenerateOptions } from '../generate';

/** Two orgs so the org filters mean something; one attack story in each. */
export const DEMO_FLEET: GenerateOptions = withDefaults({ hosts: 50, events: 200_000, seed: 'atomgraph-demo', orgs: 2 });

/** Changes whenever the fleet would: another seed, size or generator version loads afresh. */
export function demoFleetKey(options: GenerateOptions, generatorVersion: string): string {
  return ['demo', generatorVersion, options.seed, options.hosts, options.events, options.orgs, options.stories].join('/');
}
