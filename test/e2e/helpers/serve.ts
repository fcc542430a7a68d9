import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './build.js';

export const SAMPLE_FEED = join(ROOT, 'resources', 'replay', 'BTC-USDT_1m_sample.csv');
export const ETH_BTC_SAMPLE = join(ROOT, 'resources', 'replay', 'ETH-BTC_1m_sample.csv');

export interface Served {
  url: string;
  port: number;
  /** the admin key given as TERN_API_KEY */
  key: string;
  /** the one-time link `serve` printed */
  signInLink: string;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `npm run serve` for real: the headless engine as a child process, with a
 * temporary data folder, a replay feed, a free port, TERN_API_KEY, and the
 * web UI from `webRoot`. Resolves once it printed its sign-in link.
 */
export async function startServe(opts: { webRoot: string; speed?: number; feed?: string; markets?: ReadonlyArray<{ file: string; symbol: string }>; timeoutMs?: number }): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-e2e-data-'));
  const port = await freePort();
  const key = `tern_e2e_${randomBytes(12).toString('hex')}`;
  const feed = `replay:${opts.feed ?? SAMPLE_FEED}@${opts.speed ?? 20}`;
  // several markets: --feed/--symbol pairs
  const feedArgs = opts.markets ? opts.markets.flatMap((m) => ['--feed', `replay:${m.file}@${opts.speed ?? 20}`, '--symbol', m.symbol]) : ['--feed', feed];
  // one process (tsx as a loader, not its CLI, which would put a second process in between): a kill reaches the server itself
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main', 'headless.ts'), '--data-dir', dataDir, '--port', String(port), ...feedArgs], {
    cwd: ROOT,
    env: { ...process.env, TERN_API_KEY: key, TERN_WEB_ROOT: opts.webRoot, TERN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // never outlive the test or bench that started it, even when it dies without cleaning up
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const signInLink = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within ${opts.timeoutMs ?? 30_000} ms:\n${out}`)), opts.timeoutMs ?? 30_000);
    const check = () => {
      const m = /sign-in link[^:]*: (http:\/\/\S+#signin=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });

  return { url: `http://127.0.0.1:${port}`, port, key, signInLink, output: () => out, stop };
}
