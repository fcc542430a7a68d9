/**
 * What `serve` prints about API keys: a new admin key only with --new-key,
 * so restarts no longer pile up permanent admin keys.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveKeyLines } from '../src-main/serve-keys.js';
import { SqliteStore } from '../src-main/store/sqlite-store.js';
import { FakeEngine } from './helpers/fake-engine.js';

const ROOT = join(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function run(args: string[], env: Record<string, string | undefined>, until: RegExp): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main', 'headless.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, TERN_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not get there:\n${out}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (until.test(out)) child.kill('SIGTERM');
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
}

describe('serve and API keys', () => {
  it('makes and prints a new admin key only with --new-key', async () => {
    const engine = new FakeEngine();
    const quiet = await serveKeyLines(engine, { newKey: false, envKey: false });
    expect(quiet.join('\n')).toMatch(/none printed.*--new-key.*TERN_API_KEY/);
    expect(await engine.call('keys.list', {}, { actor: 't' })).toEqual([]);

    expect(await serveKeyLines(engine, { newKey: false, envKey: true })).toEqual(['  API key: TERN_API_KEY (admin)']);
    expect(await engine.call('keys.list', {}, { actor: 't' })).toEqual([]);

    const loud = await serveKeyLines(engine, { newKey: true, envKey: true });
    const [created] = await engine.call('keys.list', {}, { actor: 't' });
    expect(created).toMatchObject({ scopes: ['admin'], expires_at: null });
    const key = /: (tern_\S+)$/.exec(loud[1]!)![1]!;
    expect(engine.authenticate(key)).toMatchObject({ id: created!.id });
  });

  it('as a process: a start without --new-key or TERN_API_KEY stores no key and still prints the sign-in link', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-serve-keys-'));
    dirs.push(dataDir);
    const webRoot = join(dataDir, 'web');
    mkdirSync(webRoot);
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Tern</title>');
    const started = await run(['--data-dir', dataDir, '--port', '0', '--feed', `replay:${join(ROOT, 'resources', 'replay', 'BTC-USDT_1m_sample.csv')}`], { TERN_API_KEY: undefined, TERN_WEB_ROOT: webRoot }, /sign-in link[^\n]*#signin=\S+\n/);
    expect(started.out).toContain('API key: none printed');
    expect(started.out).not.toMatch(/tern_[A-Za-z0-9_-]{20,}/);
    const store = SqliteStore.open(join(dataDir, 'tern.db'));
    try {
      expect(store.loadKeys()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
