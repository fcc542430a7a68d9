#!/usr/bin/env node
// Checks what `npm test` needs before any test runs, and says exactly how to
// fix what is missing. Exits non-zero on any problem: never a silent skip.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_NODE_MAJOR = 22;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

const major = Number(process.versions.node.split('.')[0]);
if (!(major >= MIN_NODE_MAJOR)) {
  const pkg = `node-${process.platform}-${process.arch}@${MIN_NODE_MAJOR}`;
  const prefix = '"$HOME/.cache/tern-node22"';
  problems.push(
    [
      `Node ${MIN_NODE_MAJOR} or newer is required; this is Node ${process.versions.node} (${process.execPath}).`,
      'Fix (installs Node from the npm registry into a cache folder and puts it first on PATH):',
      `  npm i --prefix ${prefix} ${pkg} && export PATH=${prefix}/node_modules/node-${process.platform}-${process.arch}/bin:"$PATH"`,
      'or run the whole CI sequence: bash .ci/run',
    ].join('\n'),
  );
}

for (const dep of ['vitest', 'typescript', 'zod']) {
  if (!existsSync(join(root, 'node_modules', dep, 'package.json'))) {
    problems.push(`Dependency "${dep}" is not installed.\nFix:\n  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci`);
    break;
  }
}

if (problems.length > 0) {
  console.error(`check-prereqs: ${problems.length} problem(s)\n\n${problems.join('\n\n')}\n`);
  process.exit(1);
}
console.log(`check-prereqs: ok (Node ${process.versions.node})`);
