#!/usr/bin/env node
// The CLI runs the compiled build; `npm run build` (run by `npm start`) produces dist/.
const { NODE_FLAGS } = require('./node-flags.js');
// V8 takes these flags from the command line only (NODE_OPTIONS refuses them), as npm start and the
// Dockerfile give them; a bin started without them (`npx atomgraph serve`) sets them before any of
// the program is loaded, when V8 has made no allocation-site decision yet.
const missing = NODE_FLAGS.filter((flag) => !process.execArgv.includes(flag));
if (missing.length > 0) require('node:v8').setFlagsFromString(missing.join(' '));
require('../dist/cli/main.js');
