/**
 * Issue 9 item 17, as a trader meets it: `npm run serve` on a damaged store
 * says which file and what to do (no usage text, no unrelated "sonic boom is
 * not ready yet" stack) and exits; `serve --repair` keeps the damaged file,
 * says what it kept and lost, and serves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/helpers/serve.js';
import { copyOf, leafPages, realStore, removeAll, trashPage } from '../store/damage-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HEADLESS = join(ROOT, 'src-main', 'headless.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];
let real: string;

beforeAll(async () => {
  real = await realStore(60);
  dirs.push(real);
}, 60_000);
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  removeAll(dirs);
});

/** runs serve until it prints `until` (then SIGTERM) or exits; the exit code and everything it printed */
async function serve(dataDir: string, extra: string[], until?: string): Promise<{ code: number | null; out: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', HEADLESS, '--data-dir', dataDir, '--port', String(port), ...extra], {
    cwd: ROOT,
    env: { ...process.env, TERN_API_KEY: 'tern_test_store_startup_key_0123456789', TERN_WEB_ROOT: join(dataDir, 'no-web-ui'), TERN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const onData = (d: Buffer) => {
    out += d.toString();
    if (until && out.includes(until)) child.kill('SIGTERM');
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { code, out };
}

describe('serve on a damaged store', () => {
  it('refuses with the path and what to do, exit 1, no usage text and no sonic-boom stack; --repair keeps a copy, says what was kept, and serves', async () => {
    const { dataDir, file } = copyOf(real);
    dirs.push(dataDir);
    const pages = leafPages(file, 'journal');
    trashPage(file, pages[Math.floor(pages.length / 2)]!);

    const refused = await serve(dataDir, []);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(`tern serve: the store ${file} is damaged`);
    expect(refused.out).toContain('npm run serve -- --repair');
    expect(refused.out).not.toContain('usage:');
    expect(refused.out).not.toContain('sonic boom');

    const repaired = await serve(dataDir, ['--repair'], 'serving on');
    expect(repaired.out).toMatch(new RegExp(`repair: the damaged store is kept as ${file}\\.damaged-\\S+`));
    expect(repaired.out).toMatch(/repair: journal entries kept: \d+ \(seq 1-\d+, \d+-\d+\); lost: seq \d+-\d+/);
    expect(repaired.out).toContain('serving on');
    expect(repaired.code).toBe(0);
    const copy = /kept as (\S+)/.exec(repaired.out)![1]!;
    expect(existsSync(copy)).toBe(true);

  }, 120_000);
});
