import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ApiMetrics } from '../src-main/api/metrics.js';
import { FakeEngine } from './helpers/fake-engine.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'unhandled-errors.ts');

it('an unhandled rejection and an uncaught exception are logged and counted, and the process keeps running', () => {
  // without the guard, Node ends the process with code 1 at the first of them
  const run = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout.trim())).toEqual({ rejection: 1, exception: 1 });
  const logged = run.stderr.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; err: string; msg: string });
  expect(logged.map((l) => l.kind)).toEqual(['rejection', 'exception']);
  expect(logged[0]!.msg).toMatch(/unhandled rejection \(a bug\); the engine keeps running/);
  expect(logged[0]!.err).toMatch(/nobody awaits/);
  expect(logged[0]!.err).not.toContain('abcdef'); // a signed URL's signature is cut
  expect(logged[1]!.err).toMatch(/nobody catches this/);
}, 60_000);

it('/metrics has the counter, 0 in a process without any', async () => {
  const text = await new ApiMetrics(new FakeEngine()).render();
  expect(text).toMatch(/^tern_unhandled_errors_total\{kind="rejection"\} 0$/m);
  expect(text).toMatch(/^tern_unhandled_errors_total\{kind="exception"\} 0$/m);
});
