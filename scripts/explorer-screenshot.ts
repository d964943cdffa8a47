// `npm run explorer:screenshot`: the README's picture of the explorer, taken from the running demo
// (`npm run demo` in another terminal). It finds the demo's planted attack the way the demo does
// (the generator's ground truth for the demo fleet, same seed), opens the explorer on it in
// headless Chromium and writes docs/explorer.png.
//   --url http://127.0.0.1:4000   where the demo serves (default)
//   --out docs/explorer.png       where to write the PNG
import { join } from 'node:path';
import { DEMO_FLEET } from '../src/demo/fleet';
import { explorerLink } from '../src/demo/queries';
import { generate } from '../src/generate';
import { launchChromium } from '../test/helpers/browser';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

async function main(): Promise<void> {
  const base = arg('url', 'http://127.0.0.1:4000');
  const out = arg('out', join(__dirname, '..', 'docs', 'explorer.png'));
  const dryRun = generate(DEMO_FLEET, { threads: true });
  for await (const chunk of dryRun.stream) void chunk;
  const truth = dryRun.truth();
  const story = truth.stories.find((s) => s.lateral !== null) ?? truth.stories[0];
  if (!story) throw new Error('the demo fleet has no planted attack');
  const link = explorerLink(base, story);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const response = await page.goto(link);
    if (response?.status() !== 200) throw new Error(`${link} answered ${response?.status()}: is the demo running (npm run demo)?`);
    await page.waitForSelector('#graph[data-links="true"]', { timeout: 120_000 });
    await page.waitForSelector('#typed-fields', { timeout: 60_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: out });
    console.log(`wrote ${out} from ${link}`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
