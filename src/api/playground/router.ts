/**
 * GraphiQL at GET /graphql for browsers (Accept prefers text/html, as Apollo decides for its own
 * landing page); every other request, POST or JSON GET, goes on to Apollo. The page holds no data,
 * so it is served without a key; the queries it sends need one as any other client's do.
 */
import { type Request, Router } from 'express';
import { playgroundAssets } from './assets';
import { PLAYGROUND_EXAMPLES } from './examples';
import { playgroundPage } from './page';
import { assetHandler, PAGE_HEADERS } from '../web/static';

export interface PlaygroundOptions {
  auth: 'keys' | 'off';
  /** Whether the explorer is served (the header links to it). */
  explorer?: boolean;
}

/** The media types Apollo answers with, then HTML: a browser's Accept picks HTML, curl's does not. */
const ANSWERABLE = ['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html'];

function prefersHtml(req: Request): boolean {
  return req.header('accept') !== undefined && req.accepts(ANSWERABLE) === 'text/html';
}

export function playgroundRouter(options: PlaygroundOptions): Router {
  const assets = playgroundAssets();
  const page = playgroundPage({ auth: options.auth, examples: PLAYGROUND_EXAMPLES, explorer: options.explorer ?? false });
  // strict: /graphql/ would resolve the page's relative asset URLs under /graphql/.
  const router = Router({ strict: true });

  router.get('/graphql', (req, res, next) => {
    if (!prefersHtml(req)) {
      next();
      return;
    }
    res.set(PAGE_HEADERS).type('html').send(page);
  });

  router.get('/playground', (_req, res) => {
    res.redirect(302, 'graphql');
  });

  router.get('/playground/assets/:name', assetHandler(assets, 'no such playground file'));

  return router;
}
