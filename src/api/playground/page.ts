/**
 * The playground's HTML: no inline script or style, so CONTENT_SECURITY_POLICY can forbid both.
 * Settings reach the bootstrap script in a JSON data block (type application/json is never run).
 * Asset URLs are relative to the page (served at /graphql), so a proxy's path prefix is kept.
 */
import type { PlaygroundExample } from './examples';

export interface PageSettings {
  auth: 'keys' | 'off';
  examples: readonly PlaygroundExample[];
}

/**
 * Scripts from our origin only, requests to our origin only (HTTP and the graphql-ws socket).
 * Style sheets too, except that GraphiQL's dialogs (settings, short keys) insert a <style> element
 * whose text depends on the scrollbar's width, so no hash fits it: style-src-elem allows inline
 * <style> elements while style="" attributes stay forbidden (GraphiQL sets styles through the DOM,
 * which CSP does not restrict). GraphiQL's CSS carries its fonts as data: URLs.
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

/** JSON that cannot end the <script> block it sits in nor open a comment there. */
function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function playgroundPage(settings: PageSettings): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>atomgraph playground</title>
<link rel="icon" href="playground/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="playground/assets/graphiql.min.css">
<link rel="stylesheet" href="playground/assets/playground.css">
<script type="application/json" id="atomgraph-playground-settings">${jsonForScriptBlock(settings)}</script>
</head>
<body>
<div id="atomgraph-playground"></div>
<noscript>The playground needs JavaScript. Without it, POST GraphQL to this address: curl -H 'content-type: application/json' -d '{"query":"{ version { server } }"}'</noscript>
<script src="playground/assets/react.production.min.js"></script>
<script src="playground/assets/react-dom.production.min.js"></script>
<script src="playground/assets/graphiql.min.js"></script>
<script src="playground/assets/playground.js"></script>
</body>
</html>
`;
}
