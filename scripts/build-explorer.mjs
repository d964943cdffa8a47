// Bundles the explorer (web/explorer, TypeScript) into dist/explorer with esbuild: one script and
// one style sheet, minified, no source from any CDN. Run by `npm run build`; the server serves
// exactly these files (src/api/explorer/assets.ts). `--dir` writes elsewhere (tests).
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into `outdir` (dist/explorer by default); returns the output files' sizes. */
export async function buildExplorer(outdir = join(root, 'dist', 'explorer')) {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { explorer: join(root, 'web', 'explorer', 'src', 'main.ts') },
    outdir,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome109', 'firefox115', 'safari16'],
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    loader: { '.css': 'css' },
  });
  return Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, out]) => [file, out.bytes]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--dir');
  const sizes = await buildExplorer(at > 0 ? process.argv[at + 1] : undefined);
  for (const [file, bytes] of Object.entries(sizes)) console.log(`explorer: ${file} ${(bytes / 1024).toFixed(0)} KiB`);
}
