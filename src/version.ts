/** atomgraph's version, read once from package.json (which sits beside src/ and dist/). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;
