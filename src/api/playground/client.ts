/**
 * What runs in the browser, served as /playground/assets/playground.js, .css and favicon.svg. Kept as text here
 * because the build is `tsc` alone and copies no .js files into dist; the page loads it from our
 * origin (no inline script), so the Content-Security-Policy can forbid inline code.
 *
 * The script reads its settings from the page's JSON block (auth mode and example tabs), mounts
 * GraphiQL (the UMD build, which exposes window.GraphiQL with createFetcher) and, with AUTH=keys,
 * a field for the API key. The key is kept in sessionStorage: it survives a reload of this tab,
 * is gone when the tab closes, and is never shared with other tabs or written to disk by design.
 * GraphiQL's own storage (tabs, history) holds queries, never the key.
 */

export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var React = window.React;
  var ReactDOM = window.ReactDOM;
  var GraphiQL = window.GraphiQL;
  var h = React.createElement;
  var root = document.getElementById('atomgraph-playground');
  var settings = JSON.parse(document.getElementById('atomgraph-playground-settings').textContent);
  var KEY_STORAGE = 'atomgraph.apiKey';

  // The page is served at the GraphQL endpoint itself, so that is where queries go (this also
  // holds behind a proxy that serves the API under a path prefix).
  var endpoint = location.origin + location.pathname;
  var socketUrl = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + location.pathname;

  function storedKey() {
    try { return sessionStorage.getItem(KEY_STORAGE) || ''; } catch (e) { return ''; }
  }
  function storeKey(key) {
    try {
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch (e) { /* storage switched off: the key lasts until the page reloads */ }
  }

  var NO_KEY = 'Paste an API key in the field above: atomgraph keys create --org <oid> --role reader';

  function fetcherFor(key) {
    if (settings.auth === 'keys' && !key) {
      // Nothing to send yet: say what is missing instead of collecting 401s.
      return function () { return Promise.resolve({ errors: [{ message: NO_KEY, extensions: { code: 'UNAUTHENTICATED' } }] }); };
    }
    var authorization = key ? { authorization: 'Bearer ' + key } : {};
    return GraphiQL.createFetcher({
      url: endpoint,
      subscriptionUrl: socketUrl,
      headers: authorization,
      // graphql-ws sends these in connection_init; the server reads authorization from there.
      wsConnectionParams: authorization,
      enableIncrementalDelivery: false,
    });
  }

  function KeyForm(props) {
    var inputRef = React.useRef(null);
    function submit(event) {
      event.preventDefault();
      props.onKey(inputRef.current.value.trim().replace(/^Bearer\s+/i, ''));
    }
    function forget() {
      inputRef.current.value = '';
      props.onKey('');
    }
    return h('form', { className: 'atomgraph-key', onSubmit: submit, autoComplete: 'off' },
      h('label', { htmlFor: 'atomgraph-key-input' }, 'API key'),
      h('input', {
        id: 'atomgraph-key-input', name: 'apiKey', type: 'password', ref: inputRef, defaultValue: props.apiKey,
        placeholder: 'paste a key from: atomgraph keys create', spellCheck: false, autoComplete: 'off',
      }),
      h('button', { type: 'submit', id: 'atomgraph-key-use' }, 'Use key'),
      props.apiKey ? h('button', { type: 'button', onClick: forget }, 'Forget') : null,
      h('span', { className: 'atomgraph-key-status', id: 'atomgraph-key-status' },
        props.apiKey ? 'key in use (kept in this tab only)' : 'no key yet'));
  }

  function Playground() {
    var state = React.useState(storedKey);
    var apiKey = state[0];
    var setKey = state[1];
    // A new fetcher makes GraphiQL fetch the schema again, now with the key.
    var fetcher = React.useMemo(function () { return fetcherFor(apiKey); }, [apiKey]);
    function onKey(key) {
      storeKey(key);
      setKey(key);
    }
    return h('div', { className: 'atomgraph-layout' },
      h('header', { className: 'atomgraph-bar' },
        h('span', { className: 'atomgraph-title' }, 'atomgraph'),
        settings.explorer ? h('a', { href: 'explorer', id: 'atomgraph-explorer-link' }, 'Explorer') : null,
        settings.auth === 'keys' ? h(KeyForm, { apiKey: apiKey, onKey: onKey }) : h('span', { className: 'atomgraph-key-status' }, 'auth is off (AUTH=off): every org is visible')),
      h('main', { className: 'atomgraph-graphiql' },
        h(GraphiQL, {
          fetcher: fetcher,
          defaultTabs: settings.examples,
          defaultEditorToolsVisibility: 'variables',
          shouldPersistHeaders: false,
        })));
  }

  ReactDOM.createRoot(root).render(h(Playground));
})();
`;

export const CLIENT_STYLES = `html, body, #atomgraph-playground { height: 100%; margin: 0; }
.atomgraph-layout { display: flex; flex-direction: column; height: 100%; }
.atomgraph-bar { display: flex; align-items: center; gap: 1rem; padding: 0.4rem 1rem;
  font: 14px system-ui, sans-serif; border-bottom: 1px solid rgba(128, 128, 128, 0.3); }
.atomgraph-title { font-weight: 600; }
.atomgraph-key { display: flex; align-items: center; gap: 0.5rem; }
.atomgraph-key input { width: 28rem; max-width: 50vw; font: 13px ui-monospace, monospace; padding: 0.25rem 0.4rem; }
.atomgraph-key-status { opacity: 0.7; }
.atomgraph-graphiql { flex: 1; min-height: 0; }
`;

/** A small mark for the browser tab (served as favicon.svg, so browsers do not ask for /favicon.ico). */
export const CLIENT_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="8" cy="8" r="5" fill="#e10098"/><circle cx="24" cy="10" r="4" fill="#e10098"/><circle cx="14" cy="24" r="5" fill="#e10098"/><path d="M8 8L24 10M8 8L14 24M24 10L14 24" stroke="#e10098" stroke-width="2"/></svg>
`;
