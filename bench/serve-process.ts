/**
 * `npm run serve` as a child process for benchmarks: the real headless server
 * (runtime, SQLite journal in a temporary data folder, bundled replay feeds,
 * the local API on loopback), so a load generator in this process measures it
 * from outside its event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../test/e2e/helpers/build.js';
import { freePort } from '../test/e2e/helpers/serve.js';

export interface ServeProcess {
  url: string;
  pid: number;
  /** the admin key given as TERN_API_KEY */
  adminKey: string;
  /** the server's resident set size now, in MB (from /proc) */
  rssMb(): number;
  /** CPU time the server has used so far (user + system), in µs (from /proc): per order, less noisy than wall time on a shared machine */
  cpuUs(): number;
  stop(): Promise<void>;
}

/**
 * `nodeArgs` go to the server's node (e.g. `--cpu-prof`); `args` to serve.
 * Resolves once it prints that it is serving.
 */
export async function startServeProcess(opts: { args?: string[]; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-bench-data-'));
  const port = await freePort();
  const adminKey = `tern_bench_${randomBytes(12).toString('hex')}`;
  // node itself with tsx as a loader (not tsx's CLI, a second process): the pid is the server's, for RSS and signals
  const child: ChildProcess = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), '--import', 'tsx', join(ROOT, 'src-main', 'headless.ts'), '--data-dir', dataDir, '--port', String(port), ...(opts.args ?? [])],
    { cwd: ROOT, env: { ...process.env, TERN_API_KEY: adminKey, TERN_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      // SIGTERM: a clean stop, so a --cpu-prof profile is written
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  await new Promise<void>((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`serve did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      if (/web UI: /.test(out)) {
        clearTimeout(timer);
        resolve();
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

  const pid = child.pid!;
  const rssMb = () => {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? NaN : Math.round(Number(kb) / 1024);
  };
  const ticksUs = 1e6 / 100; // USER_HZ: 100 on Linux
  const cpuUs = () => {
    // the fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * ticksUs;
  };
  return { url: `http://127.0.0.1:${port}`, pid, adminKey, rssMb, cpuUs, stop };
}
