/**
 * What every page atomgraph serves to browsers shares (the playground at /graphql, the explorer at
 * /explorer): one Content-Security-Policy, one set of headers, one rule for serving files (only
 * names in a fixed list; nothing else on disk is reachable), and one way to hand settings to a page
 * without inline script.
 */
import type { Request, Response } from 'express';

/**
 * Scripts from our origin only, requests to our origin only (HTTP and the graphql-ws socket).
 * Style sheets too, except that GraphiQL's dialogs (settings, short keys) insert a <style> element
 * whose text depends on the scrollbar's width, so no hash fits it: style-src-elem allows inline
 * <style> elements while style="" attributes stay forbidden (GraphiQL and Cytoscape set styles
 * through the DOM, which CSP does not restrict). GraphiQL's CSS carries its fonts as data: URLs;
 * the explorer's PNG export is a data: image.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-elem 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Revalidated on each load (ETag), so an upgrade is seen at once; an unchanged file costs a 304.
  'Cache-Control': 'no-cache',
};

/** Headers of an HTML page: the CSP, and no framing (clickjacking). */
export const PAGE_HEADERS = { ...COMMON_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Frame-Options': 'DENY' };

export type StaticAsset = { kind: 'file'; path: string; type?: string } | { kind: 'text'; type: string; body: string };

/** JSON that cannot end the <script> block it sits in nor open a comment there. */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** GET handler for `.../assets/:name`: a file of the list, or 404 for any other name. */
export function assetHandler(assets: ReadonlyMap<string, StaticAsset>, notFound: string) {
  return (req: Request<{ name: string }>, res: Response): void => {
    const asset = assets.get(req.params.name);
    if (!asset) {
      res.status(404).set(COMMON_HEADERS).type('text').send(`${notFound}\n`);
      return;
    }
    res.set(COMMON_HEADERS);
    if (asset.kind === 'text') {
      res.type(asset.type).send(asset.body);
      return;
    }
    if (asset.type) res.type(asset.type);
    res.sendFile(asset.path, { cacheControl: false });
  };
}
