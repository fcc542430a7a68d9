/**
 * `npm run serve` as a child process for benchmarks: the real headless server
 * (runtime, SQLite journal in a temporary data folder, bundled replay feeds,
 * the local API on loopback), so a load generator in this process measures it
 * from outside its event loop.
 */
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { startServeChild } from '../scripts/serve-child.js';

export interface ServeProcess {
  url: string;
  pid: number;
  /** the admin key given as TERN_API_KEY */
  adminKey: string;
  /** the server's resident set size now, in MB (from /proc) */
  rssMb(): number;
  /**
   * After a full GC in the server (through its inspector; started with
   * `inspect: true`): its V8 heap in use and RSS, in MB.
   */
  memoryAfterGc(): Promise<{ heap_mb: number; rss_mb: number }>;
  /** CPU time the server has used so far (user + system), in µs (from /proc): per order, less noisy than wall time on a shared machine */
  cpuUs(): number;
  stop(): Promise<void>;
}

/**
 * `nodeArgs` go to the server's node (e.g. `--cpu-prof`); `args` to serve.
 * Resolves once it prints that it is serving.
 */
export async function startServeProcess(opts: { args?: string[]; nodeArgs?: string[]; inspect?: boolean; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const served = await startServeChild({
    name: 'bench',
    args: opts.args ?? [],
    nodeArgs: [...(opts.nodeArgs ?? []), ...(opts.inspect ? ['--inspect=127.0.0.1:0'] : [])],
    ready: /web UI: /,
    timeoutMs: opts.timeoutMs ?? 60_000,
    // a --cpu-prof profile is written at a clean stop: give it time
    stopGraceMs: 30_000,
  });
  const out = served.output;

  const pid = served.pid;
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
  const memoryAfterGc = async () => {
    const inspector = /Debugger listening on (ws:\/\/\S+)/.exec(out())?.[1];
    if (inspector === undefined) throw new Error('start the serve process with inspect: true');
    const value = await inspectorCall(inspector, 'JSON.stringify(process.memoryUsage())');
    const m = JSON.parse(value) as { heapUsed: number; rss: number };
    return { heap_mb: Math.round(m.heapUsed / (1024 * 1024)), rss_mb: Math.round(m.rss / (1024 * 1024)) };
  };
  return { url: served.url, pid, adminKey: served.key, rssMb, memoryAfterGc, cpuUs, stop: served.stop };
}

/** a full GC in the inspected process, then `expression` evaluated there (a string) */
async function inspectorCall(url: string, expression: string): Promise<string> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let id = 0;
  const send = (method: string, params: object = {}) =>
    new Promise<{ result?: { result?: { value?: unknown } } }>((resolve, reject) => {
      const mine = ++id;
      const onMessage = (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as { id?: number; error?: unknown; result?: { result?: { value?: unknown } } };
        if (msg.id !== mine) return;
        socket.off('message', onMessage);
        if (msg.error) reject(new Error(JSON.stringify(msg.error)));
        else resolve(msg);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id: mine, method, params }));
    });
  try {
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    const answer = await send('Runtime.evaluate', { expression, returnByValue: true });
    return String(answer.result?.result?.value);
  } finally {
    socket.close();
  }
}
