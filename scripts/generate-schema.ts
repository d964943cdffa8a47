// Writes the event types generated from the catalogue into schema.graphql (between its markers).
import { readFileSync, writeFileSync } from 'node:fs';
import { SCHEMA_PATH } from '../src/api/schema/load';
import { withGeneratedSection } from '../src/api/schema/event-types';

const current = readFileSync(SCHEMA_PATH, 'utf8');
const next = withGeneratedSection(current);
if (next !== current) writeFileSync(SCHEMA_PATH, next);
process.stdout.write(`schema.graphql ${next === current ? 'already up to date' : 'regenerated'} from the catalogue\n`);
