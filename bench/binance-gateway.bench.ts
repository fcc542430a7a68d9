/**
 * ccxt → Tern's Binance gateway → paper fill → ack on loopback (issue 14):
 * the real ccxt binance class, in a separate process, places market orders
 * at 200/s (open loop) through /binance/api/v3/order (HMAC-signed, FULL
 * response with the fills); the engine, risk checks, paper venue and SQLite
 * journal run here. Latency is ccxt's createOrder call, start → parsed order
 * (ccxt's own signing and parsing included: what a bot sees); `sequential` is
 * the same call one order at a time (before the 200/s run). Both processes
 * are warmed up first (300 orders). CPU per order is each process's CPU time
 * over a phase divided by its orders: the server's (this process: HTTP,
 * gateway, engine, journal; less what it spends idle, measured over 2 s
 * without orders) and the load generator's, which must stay well under
 * 1e6 / rate µs for the rate to be the server's to keep.
 * BENCH_GATEWAY_CPU_PROF=DIR writes this process's CPU profile there (--cpu-prof);
 * BENCH_GATEWAY_PERF=FILE records the 200/s run with Linux perf (on-CPU samples of
 * every thread: a loaded machine skews a wall-clock profile less; run this file
 * with node --perf-basic-prof for the JavaScript names).
 * Where a tail comes from: `server` is each order's time inside the server
 * (request read → answer written), and `server_gc` / `client_gc` each process's
 * collector pauses during the 200/s run.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createApiServer } from '../src-main/api/server.js';
import { benchEngine } from './engine-fixture.js';
import { emit, percentiles } from './stats.js';
import { watchGc, type GcPauses } from './gc-pauses.js';

const RATE = 200;
const SECONDS = 10;
const SEQUENTIAL = 500;
const profDir = process.env['BENCH_GATEWAY_CPU_PROF'];
const perfFile = process.env['BENCH_GATEWAY_PERF'];
const here = dirname(fileURLToPath(import.meta.url));
const { engine, refreshBook, dispose } = await benchEngine();
const key = 'tern_bench_gateway_key';
engine.ensureKey(key, 'bench-bot', ['trade']);
const server = createApiServer({ engine, port: 0, version: 'bench', logger: false, rateLimit: { perSecond: 100_000, burst: 100_000 } });
// how long each order took inside the server (fastify's elapsedTime: request read → answer written): a
// latency tail the server's own time does not show is spent before or after it (waiting to be read, the client)
let serverNs: number[] | null = null;
server.app.addHook('onResponse', (req, reply, done) => {
  if (serverNs && req.method === 'POST' && req.url === '/binance/api/v3/order') serverNs.push(reply.elapsedTime * 1e6);
  done();
});
const { url } = await server.listen();
// the paper fills eat the book: top it up while the load runs
const refill = setInterval(refreshBook, 200);

const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'binance-gateway-client.ts'), `${url}/binance`, key, String(RATE), String(SECONDS)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const cpuAt = new Map<string, NodeJS.CpuUsage>();
const wallAt = new Map<string, number>();
let profiler: Session | null = null;
let perf: ReturnType<typeof spawn> | null = null;
let gc: ReturnType<typeof watchGc> | null = null;
let serverGc = null as GcPauses | null;
let serverTimes = null as number[] | null;
let out = '';
let seen = 0;
child.stdout.setEncoding('utf8').on('data', (d: string) => {
  out += d;
  const lines = out.split('\n');
  for (; seen < lines.length - 1; seen++) {
    const line = lines[seen]!;
    if (!line.startsWith('{"phase"')) continue;
    const { phase } = JSON.parse(line) as { phase: string };
    void (async () => {
      // the profile covers the measured phases only (not start-up and warm-up)
      if (phase === 'sequential' && profDir) {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      if (phase === 'end' && profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(join(profDir!, `binance-gateway-${Date.now()}.cpuprofile`), JSON.stringify(profile));
      }
      if (phase === 'paced') {
        gc = watchGc();
        serverNs = [];
      }
      if (phase === 'paced' && perfFile) {
        perf = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '1999', '-g', '-p', String(process.pid), '-o', perfFile], { stdio: 'ignore' });
        await new Promise((r) => setTimeout(r, 300));
      }
      if (phase === 'end' && perf) {
        perf.kill('SIGINT');
        await new Promise((r) => perf!.once('exit', r));
      }
      if (phase === 'end') {
        serverGc = gc?.stop() ?? null;
        serverTimes = serverNs;
        serverNs = null;
      }
      cpuAt.set(phase, process.cpuUsage());
      wallAt.set(phase, performance.now());
      child.stdin.write('go\n');
    })();
  }
});
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
clearInterval(refill);
if (code !== 0) throw new Error(`the ccxt load generator exited with ${code}`);
const { samples, sequential, seconds, errors, firstError, clientCpuUs, clientGc } = JSON.parse(out.trim().split('\n').at(-1)!) as {
  samples: number[];
  sequential: number[];
  seconds: number;
  errors: number;
  firstError?: string;
  clientCpuUs: number;
  clientGc: GcPauses;
};
const cpuSpent = (from: string, to: string) => {
  const [a, b] = [cpuAt.get(from)!, cpuAt.get(to)!];
  return b.user - a.user + b.system - a.system;
};
const wallMs = (from: string, to: string) => wallAt.get(to)! - wallAt.get(from)!;
// µs of CPU per ms with no orders: the engine's and the server's timers, the book refills
const idleUsPerMs = cpuSpent('idle', 'sequential') / wallMs('idle', 'sequential');
const cpuUs = (from: string, to: string, orders: number) => Math.round((cpuSpent(from, to) - idleUsPerMs * wallMs(from, to)) / orders);
emit({
  bench: 'binance_gateway_roundtrip',
  what: 'ccxt (own process) → /binance/api/v3/order → paper fill → FULL ack, loopback',
  goal_p99_us: 5000,
  cores: availableParallelism(),
  rate_per_s: Math.round(samples.length / seconds),
  orders: samples.length,
  errors,
  ...(firstError ? { first_error: firstError } : {}),
  ...percentiles(samples),
  sequential: percentiles(sequential),
  // CPU per order at 200/s after the warm-up, what the server spends idle taken off (as the REST bench does):
  // what the load costs Tern, less sensitive to a busy machine than latency
  server_cpu_us_per_order: cpuUs('paced', 'end', RATE * SECONDS),
  server_cpu_us_per_order_sequential: cpuUs('sequential', 'paced', SEQUENTIAL),
  server_idle_cpu_ms_per_s: Math.round(idleUsPerMs),
  client_cpu_us_per_order: clientCpuUs,
  // the same orders' time inside the server (at 200/s)
  server: serverTimes && serverTimes.length > 0 ? percentiles(serverTimes) : null,
  // the collectors' pauses during the 200/s run, each process's: a pause is latency for the orders it holds up
  server_gc: serverGc,
  client_gc: clientGc,
});
await server.close();
await engine.stop();
dispose();
