/**
 * Every file the playground page loads, all from our own origin (SOC networks are often offline):
 * GraphiQL's and React's UMD builds straight from node_modules, plus our bootstrap script and
 * styles. Only names in this list are served; nothing else under node_modules is reachable.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StaticAsset } from '../web/static';
import { CLIENT_ICON, CLIENT_SCRIPT, CLIENT_STYLES } from './client';

export type PlaygroundAsset = StaticAsset;

/** A file inside an installed package. package.json is resolved because react's `exports` hides umd/. */
function packageFile(pkg: string, file: string): PlaygroundAsset {
  const path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
  if (!existsSync(path)) throw new Error(`${pkg} has no ${file}`);
  return { kind: 'file', path };
}

/** Resolves the files now, so a missing dependency stops the server at start, not at a user's first visit. */
export function playgroundAssets(): ReadonlyMap<string, PlaygroundAsset> {
  try {
    return new Map<string, PlaygroundAsset>([
      ['react.production.min.js', packageFile('react', 'umd/react.production.min.js')],
      ['react-dom.production.min.js', packageFile('react-dom', 'umd/react-dom.production.min.js')],
      ['graphiql.min.js', packageFile('graphiql', 'graphiql.min.js')],
      ['graphiql.min.js.map', packageFile('graphiql', 'graphiql.min.js.map')],
      ['graphiql.min.css', packageFile('graphiql', 'graphiql.min.css')],
      ['graphiql.min.css.map', packageFile('graphiql', 'graphiql.min.css.map')],
      ['playground.js', { kind: 'text', type: 'text/javascript; charset=utf-8', body: CLIENT_SCRIPT }],
      ['playground.css', { kind: 'text', type: 'text/css; charset=utf-8', body: CLIENT_STYLES }],
      ['favicon.svg', { kind: 'text', type: 'image/svg+xml', body: CLIENT_ICON }],
    ]);
  } catch (error) {
    throw new Error(`the playground's files are missing (graphiql, react, react-dom): run npm ci, or set PLAYGROUND=false`, { cause: error });
  }
}
