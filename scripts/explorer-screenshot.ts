// `npm run explorer:screenshot`: the README's picture of the explorer, taken from the running demo
// (`npm run demo` in another terminal). It finds the demo's planted attack the way the demo does
// (the generator's ground truth for the demo fleet and its detections, same seed), opens the
// explorer on the start page, clicks the attack's top detection in the detections panel (as a
// hunter would start), and writes the process view of its event to docs/explorer.png.
//   --url http://127.0.0.1:4000   where the demo serves (default)
//   --out docs/explorer.png       where to write the PNG
import { join } from 'node:path';
import { DEMO_FLEET } from '../src/demo/fleet';
import { generate } from '../src/generate';
import { DetectionTap, topDetection, withDetections } from '../src/generate/stories/detections';
import { launchChromium } from '../test/helpers/browser';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

async function main(): Promise<void> {
  const base = arg('url', 'http://127.0.0.1:4000');
  const out = arg('out', join(__dirname, '..', 'docs', 'explorer.png'));
  const dryRun = generate(DEMO_FLEET, { threads: true });
  const tap = new DetectionTap();
  for await (const chunk of dryRun.stream.pipe(tap)) void chunk;
  const truth = withDetections(dryRun.truth(), tap.detections());
  const story = truth.stories.find((s) => s.lateral !== null) ?? truth.stories[0];
  if (!story) throw new Error('the demo fleet has no planted attack');
  const top = topDetection(truth, story.id);
  if (!top) throw new Error('the demo\'s attack raised no detection');
  const link = `${base.replace(/\/+$/, '')}/explorer`;
  const browser = await launchChromium();
  try {
    // PNG size grows with pixels: this viewport keeps the file under 300 KB.
    const page = await browser.newPage({ viewport: { width: 1440, height: 810 } });
    const response = await page.goto(link);
    if (response?.status() !== 200) throw new Error(`${link} answered ${response?.status()}: is the demo running (npm run demo)?`);
    // The attack's top detection, from a priority that lists it on the first page.
    const floor = String([9, 7, 5, 3, 1].find((p) => p <= top.priority) ?? '');
    await page.waitForSelector('#detection-count[data-min-priority=""]', { timeout: 120_000 });
    await page.selectOption('#detection-priority', floor);
    await page.waitForSelector(`#detection-count[data-min-priority="${floor}"]`, { timeout: 120_000 });
    const item = `#detection-list li[data-detection-id="${top.id}"] button.open-detection`;
    for (;;) {
      await page.waitForSelector('#detection-list li', { timeout: 120_000 });
      if (await page.locator(item).count()) break;
      if (!(await page.locator('#detections-older').count())) throw new Error(`detection ${top.id} is not listed: is this the demo's graph?`);
      await page.click('#detections-older');
      await page.waitForTimeout(500);
    }
    await page.click(item);
    await page.waitForSelector('#graph[data-links="true"]', { timeout: 120_000 });
    await page.waitForSelector('#event-detections', { timeout: 60_000 });
    // The list scrolled to the clicked detection; show the panel from its top in the picture.
    await page.evaluate('document.querySelector("nav.start").scrollTop = 0');
    await page.waitForTimeout(500);
    await page.screenshot({ path: out });
    console.log(`wrote ${out} from ${page.url()} (detection ${top.id}: ${top.cat})`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
