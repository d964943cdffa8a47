/**
 * The explorer's files: the bundle `npm run build` writes to dist/explorer (esbuild, see
 * scripts/build-explorer.mjs) plus the playground's icon. Only these names are served.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_ICON } from '../playground/client';
import type { StaticAsset } from '../web/static';

/** dist/explorer at the package root: src/api/explorer and dist/api/explorer both sit three levels down. */
export const EXPLORER_BUILD_DIR = join(__dirname, '..', '..', '..', 'dist', 'explorer');

/** What the bundle consists of (the build writes exactly these). */
export const EXPLORER_FILES: Readonly<Record<string, string>> = {
  'explorer.js': 'text/javascript; charset=utf-8',
  'explorer.css': 'text/css; charset=utf-8',
};

/** The files, or null when the bundle has not been built (the page then says how to build it). */
export function explorerAssets(dir = EXPLORER_BUILD_DIR): ReadonlyMap<string, StaticAsset> | null {
  const files = Object.entries(EXPLORER_FILES).map(([name, type]) => [name, { kind: 'file', path: join(dir, name), type }] as const);
  if (!files.every(([, f]) => existsSync(f.path))) return null;
  return new Map<string, StaticAsset>([...files, ['favicon.svg', { kind: 'text', type: 'image/svg+xml', body: CLIENT_ICON }]]);
}
