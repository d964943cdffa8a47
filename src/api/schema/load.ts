/** The SDL the server runs: schema.graphql at the package root (beside src/ and dist/). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCHEMA_PATH = join(__dirname, '..', '..', '..', 'schema.graphql');

export function loadTypeDefs(): string {
  return readFileSync(SCHEMA_PATH, 'utf8');
}
