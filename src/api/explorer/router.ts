/**
 * The explorer at GET /explorer: a page of our own that draws process trees, served from our
 * origin under the playground's CSP. Like the playground it holds no data and is served without a
 * key; every query it sends goes to /graphql and needs one as any other client's does.
 */
import { Router } from 'express';
import { Kind, parse } from 'graphql';
import { loadTypeDefs } from '../schema/load';
import { assetHandler, COMMON_HEADERS, PAGE_HEADERS } from '../web/static';
import { explorerAssets } from './assets';
import { explorerPage, NOT_BUILT_PAGE } from './page';

export interface ExplorerOptions {
  auth: 'keys' | 'off';
  playground: boolean;
  /** Where the bundle is (tests point elsewhere); dist/explorer by default. */
  buildDir?: string;
}

/** Whether the schema the server runs has a Query field: panels appear only when their API exists. */
export function queryHasField(typeDefs: string, field: string): boolean {
  return parse(typeDefs).definitions.some(
    (d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Query' && (d.fields ?? []).some((f) => f.name.value === field),
  );
}

export function explorerRouter(options: ExplorerOptions): Router {
  const assets = explorerAssets(options.buildDir);
  const page = explorerPage({
    auth: options.auth,
    playground: options.playground,
    features: { detections: queryHasField(loadTypeDefs(), 'detections') },
  });
  // strict: /explorer/ would resolve the page's relative asset URLs under /explorer/.
  const router = Router({ strict: true });

  router.get('/explorer', (_req, res) => {
    if (!assets) {
      res.status(503).set(PAGE_HEADERS).type('html').send(NOT_BUILT_PAGE);
      return;
    }
    res.set(PAGE_HEADERS).type('html').send(page);
  });
  router.get('/explorer/', (_req, res) => {
    res.redirect(302, '../explorer');
  });
  if (assets) router.get('/explorer/assets/:name', assetHandler(assets, 'no such explorer file'));
  else router.get('/explorer/assets/:name', (_req, res) => void res.status(404).set(COMMON_HEADERS).type('text').send('the explorer is not built: npm run build\n'));
  return router;
}
