/**
 * The platform data is consistent: every program runs an image that exists, has a profile, and
 * starts only programs that exist; every pool a profile names exists; templates use known
 * placeholders, whose values never need JSON escaping (expandJson relies on it).
 */
import { buildFleet } from '../../../src/generate/fleet/hosts';
import { MODELS, type PlatformModel } from '../../../src/generate/platforms';
import { Prng } from '../../../src/generate/prng';
import { expand, expandJson, KNOWN_PLACEHOLDERS, placeholdersOf, placeholderValues } from '../../../src/generate/sim/templates';

const models = Object.values(MODELS);

function problems(model: PlatformModel): string[] {
  const out: string[] = [];
  const at = (what: string) => `${model.platform}: ${what}`;
  const programKeys = new Set(Object.keys(model.programs));
  for (const [key, program] of Object.entries(model.programs)) {
    if (!model.images[program.image] && key !== 'dropper') out.push(at(`program ${key} runs unknown image ${program.image}`));
    if (!model.profiles[program.profile]) out.push(at(`program ${key} has unknown profile ${program.profile}`));
    for (const child of program.boot ?? []) {
      const name = typeof child === 'string' ? child : child.program;
      if (!programKeys.has(name)) out.push(at(`program ${key} boots unknown ${name}`));
    }
    for (const [child] of program.spawns?.children ?? []) if (child !== '$tool' && !programKeys.has(child)) out.push(at(`program ${key} spawns unknown ${child}`));
    for (const m of program.modules ?? []) if (!model.images[m]) out.push(at(`program ${key} loads unknown module ${m}`));
  }
  for (const [name, profile] of Object.entries(model.profiles)) {
    if (profile.domains && !model.domains[profile.domains]) out.push(at(`profile ${name}: no domain pool ${profile.domains}`));
    if (profile.registry && !model.registry[profile.registry]) out.push(at(`profile ${name}: no registry pool ${profile.registry}`));
    for (const pool of profile.files ?? []) if (!model.files[pool]) out.push(at(`profile ${name}: no file pool ${pool}`));
    for (const m of profile.modules ?? []) if (!model.images[m]) out.push(at(`profile ${name}: unknown module ${m}`));
    const kinds = Object.keys(profile.mix);
    if (model.platform !== 'windows' && kinds.some((k) => /^(reg|pipe|handle|thread)/.test(k))) out.push(at(`profile ${name} does Windows-only things`));
  }
  for (const tool of model.tools) if (!programKeys.has(tool)) out.push(at(`unknown tool ${tool}`));
  if (!programKeys.has(model.root)) out.push(at(`unknown root ${model.root}`));
  const templates = [
    ...Object.values(model.programs).map((p) => p.cmd ?? ''),
    ...Object.values(model.images).map((i) => i.path),
    ...Object.values(model.files).flat(),
    ...Object.values(model.registry).flat(),
    ...Object.values(model.domains).flat(),
  ];
  for (const t of templates) for (const name of placeholdersOf(t)) if (!KNOWN_PLACEHOLDERS.has(name)) out.push(at(`unknown placeholder {${name}} in ${t}`));
  return out;
}

describe('platform models', () => {
  it.each(models.map((m) => [m.platform, m] as const))('%s is consistent', (_name, model) => {
    expect(problems(model)).toEqual([]);
  });

  it('expands placeholders to values that never need JSON escaping', () => {
    const fleet = buildFleet('placeholders', 40, 20);
    const rng = new Prng('placeholders');
    for (const host of fleet.hosts) {
      for (const [name, value] of Object.entries(placeholderValues({ host, rng, time: 1_700_000_000_000 }))) {
        expect([name, JSON.stringify(value)]).toEqual([name, `"${value}"`]);
      }
    }
  });

  it('expands a template to JSON text that decodes to the plain expansion', () => {
    const [host] = buildFleet('json', 1, 1).hosts;
    if (!host) throw new Error('no host');
    const template = 'C:\\Users\\{user}\\AppData\\Local\\Temp\\{hex8}.tmp';
    const json = expandJson(template, { host, rng: new Prng('x'), time: 0 });
    expect(JSON.parse(json)).toBe(expand(template, { host, rng: new Prng('x'), time: 0 }));
    expect(JSON.parse(json)).toMatch(/^C:\\Users\\[a-z0-9]+\\AppData\\Local\\Temp\\[0-9a-f]{8}\.tmp$/);
  });
});
