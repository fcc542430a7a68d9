/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after
 * another (so they don't compete for the 2 cores), and prints each one's JSON
 * lines. `npm run bench -- oms` runs only the files whose name contains "oms".
 * Benchmarks report numbers; they never pass or fail on a threshold.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

let failed = 0;
for (const file of files) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of run.stdout.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      JSON.parse(text);
      process.stdout.write(`${text}\n`);
    } catch {
      // not a result line
    }
  }
  if (run.status !== 0) {
    failed += 1;
    process.stdout.write(`${JSON.stringify({ bench: file, error: `exited with ${run.status ?? run.signal}` })}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
