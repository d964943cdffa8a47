/**
 * The explorer's HTML: no inline script or style (the playground's CSP applies). Settings reach the
 * bundle in a JSON data block. Asset URLs are relative to the page (served at /explorer), so a
 * proxy's path prefix is kept.
 */
import { jsonForScriptBlock } from '../web/static';

export interface ExplorerSettings {
  auth: 'keys' | 'off';
  /** Panels whose API the schema has: the detections panel slots in once Query.detections exists. */
  features: { detections: boolean };
  /** Whether the playground is served (the header links to it). */
  playground: boolean;
}

export function explorerPage(settings: ExplorerSettings): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>atomgraph explorer</title>
<link rel="icon" href="explorer/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="explorer/assets/explorer.css">
<script type="application/json" id="atomgraph-explorer-settings">${jsonForScriptBlock(settings)}</script>
</head>
<body>
<div id="atomgraph-explorer"></div>
<noscript>The explorer needs JavaScript. Without it, query the API at graphql.</noscript>
<script src="explorer/assets/explorer.js"></script>
</body>
</html>
`;
}

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>atomgraph explorer</title></head>
<body><main><h1>The explorer is not built</h1><p>Run <code>npm run build</code> (it bundles the page into dist/explorer), then restart the server.</p></main></body></html>
`;
