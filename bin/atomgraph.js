#!/usr/bin/env node
// The CLI runs the compiled build; `npm run build` (run by `npm start`) produces dist/.
require('../dist/cli/main.js');
