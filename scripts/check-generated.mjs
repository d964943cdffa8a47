// Fails when committed generated files differ from what the generators produce now.
// Regenerates into the working tree, then asks git whether anything changed.
import { execFileSync } from 'node:child_process';

const GENERATED = ['schema.graphql', 'src/api/generated', 'web/explorer/gql'];
execFileSync('npm', ['run', '--silent', 'codegen'], { stdio: 'inherit' });
const changed = execFileSync('git', ['status', '--porcelain', '--', ...GENERATED], { encoding: 'utf8' }).trim();
if (changed) {
  console.error(`generated code is stale; run \`npm run codegen\` and commit:\n${changed}`);
  process.exit(1);
}
console.log('generated code is up to date');
