/**
 * The playground's HTML: no inline script or style, so CONTENT_SECURITY_POLICY can forbid both.
 * Settings reach the bootstrap script in a JSON data block (type application/json is never run).
 * Asset URLs are relative to the page (served at /graphql), so a proxy's path prefix is kept.
 */
import { jsonForScriptBlock } from '../web/static';
import type { PlaygroundExample } from './examples';

export interface PageSettings {
  auth: 'keys' | 'off';
  examples: readonly PlaygroundExample[];
  explorer?: boolean;
}

/** The one policy of every page we serve (src/api/web/static.ts); re-exported for the playground's callers. */
export { CONTENT_SECURITY_POLICY } from '../web/static';

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
