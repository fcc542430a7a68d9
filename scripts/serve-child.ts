/**
 * `npm run serve` as a child process: the real headless server (runtime,
 * SQLite journal in a temporary data folder, the local API on a free loopback
 * port, TERN_API_KEY set), started the one way the end-to-end tests
 * (test/e2e/helpers/serve.ts) and the benchmarks (bench/serve-process.ts) both
 * need. It never outlives the process that started it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

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

export interface ServeChildOptions {
  /** names the data folder and the admin key (`tern-<name>-data-…`, `tern_<name>_…`) */
  name: string;
  /** serve's own arguments after --data-dir and --port (feeds, symbols) */
  args?: ReadonlyArray<string>;
  /** the server's node arguments (e.g. --cpu-prof, --inspect) */
  nodeArgs?: ReadonlyArray<string>;
  env?: Record<string, string>;
  /** what serve prints once it serves; its match is returned */
  ready: RegExp;
  timeoutMs: number;
  /** how long stop() waits after SIGTERM before SIGKILL */
  stopGraceMs: number;
}

export interface ServeChild {
  url: string;
  port: number;
  pid: number;
  /** the admin key given as TERN_API_KEY */
  key: string;
  /** what `ready` matched in serve's output */
  ready: RegExpExecArray;
  /** stdout and stderr so far */
  output(): string;
  /** SIGTERM (a clean stop: a --cpu-prof profile is written), SIGKILL after the grace; the data folder goes */
  stop(): Promise<void>;
}

/** Resolves once serve printed `ready`; rejects (with its output) if it exits or is late. */
export async function startServeChild(opts: ServeChildOptions): Promise<ServeChild> {
  const dataDir = mkdtempSync(join(tmpdir(), `tern-${opts.name}-data-`));
  const port = await freePort();
  const key = `tern_${opts.name}_${randomBytes(12).toString('hex')}`;
  // node itself with tsx as a loader (not tsx's CLI, a second process): the pid is the server's, for RSS, CPU and signals
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', join(ROOT, 'src-main', 'headless.ts'), '--data-dir', dataDir, '--port', String(port), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, TERN_API_KEY: key, TERN_LOG_LEVEL: 'warn', ...opts.env },
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
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.stopGraceMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within ${opts.timeoutMs} ms:\n${out}`)), opts.timeoutMs);
    const check = () => {
      const m = opts.ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
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

  return { url: `http://127.0.0.1:${port}`, port, pid: child.pid!, key, ready, output: () => out, stop };
}
