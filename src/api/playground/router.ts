/**
 * GraphiQL at GET /graphql for browsers (Accept prefers text/html, as Apollo decides for its own
 * landing page); every other request, POST or JSON GET, goes on to Apollo. The page holds no data,
 * so it is served without a key; the queries it sends need one as any other client's do.
 */
import { type Request, type Response, Router } from 'express';
import { playgroundAssets } from './assets';
import { PLAYGROUND_EXAMPLES } from './examples';
import { CONTENT_SECURITY_POLICY, playgroundPage } from './page';

export interface PlaygroundOptions {
  auth: 'keys' | 'off';
}

/** The media types Apollo answers with, then HTML: a browser's Accept picks HTML, curl's does not. */
const ANSWERABLE = ['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html'];

function prefersHtml(req: Request): boolean {
  return req.header('accept') !== undefined && req.accepts(ANSWERABLE) === 'text/html';
}

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Revalidated on each load (ETag), so an upgrade is seen at once; an unchanged file costs a 304.
  'Cache-Control': 'no-cache',
};

export function playgroundRouter(options: PlaygroundOptions): Router {
  const assets = playgroundAssets();
  const page = playgroundPage({ auth: options.auth, examples: PLAYGROUND_EXAMPLES });
  // strict: /graphql/ would resolve the page's relative asset URLs under /graphql/.
  const router = Router({ strict: true });

  router.get('/graphql', (req, res, next) => {
    if (!prefersHtml(req)) {
      next();
      return;
    }
    res.set(COMMON_HEADERS).set({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Frame-Options': 'DENY' }).type('html').send(page);
  });

  router.get('/playground', (_req, res) => {
    res.redirect(302, 'graphql');
  });

  router.get('/playground/assets/:name', (req: Request<{ name: string }>, res: Response) => {
    const asset = assets.get(req.params.name);
    if (!asset) {
      res.status(404).set(COMMON_HEADERS).type('text').send('no such playground file\n');
      return;
    }
    res.set(COMMON_HEADERS);
    if (asset.kind === 'text') {
      res.type(asset.type).send(asset.body);
      return;
    }
    res.sendFile(asset.path, { cacheControl: false });
  });

  return router;
}
