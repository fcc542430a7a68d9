/**
 * ccxt → Tern's Binance gateway → paper fill → ack on loopback (issue 14):
 * the real ccxt binance class, in a separate process, places market orders
 * at 200/s (open loop) through /binance/api/v3/order (HMAC-signed, FULL
 * response with the fills); the engine, risk checks, paper venue and SQLite
 * journal run here. Latency is ccxt's createOrder call, start → parsed order;
 * `sequential` is the same call one order at a time (before the 200/s run).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiServer } from '../src-main/api/server.js';
import { benchEngine } from './engine-fixture.js';
import { emit, percentiles } from './stats.js';

const RATE = 200;
const SECONDS = 10;
const here = dirname(fileURLToPath(import.meta.url));
const { engine, refreshBook, dispose } = await benchEngine();
const key = 'tern_bench_gateway_key';
engine.ensureKey(key, 'bench-bot', ['trade']);
const server = createApiServer({ engine, port: 0, version: 'bench', logger: false, rateLimit: { perSecond: 100_000, burst: 100_000 } });
const { url } = await server.listen();
// the paper fills eat the book: top it up while the load runs
const refill = setInterval(refreshBook, 200);

const cpu0 = process.cpuUsage();
const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'binance-gateway-client.ts'), `${url}/binance`, key, String(RATE), String(SECONDS)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
clearInterval(refill);
const cpu = process.cpuUsage(cpu0);
if (code !== 0) throw new Error(`the ccxt load generator exited with ${code}`);
const { samples, sequential, seconds, errors, firstError } = JSON.parse(out.trim().split('\n').at(-1)!) as {
  samples: number[];
  sequential: number[];
  seconds: number;
  errors: number;
  firstError?: string;
};
emit({
  bench: 'binance_gateway_roundtrip',
  what: 'ccxt (own process) → /binance/api/v3/order → paper fill → FULL ack, loopback',
  goal_p99_us: 5000,
  rate_per_s: Math.round(samples.length / seconds),
  orders: samples.length,
  errors,
  ...(firstError ? { first_error: firstError } : {}),
  ...percentiles(samples),
  sequential: percentiles(sequential),
  // CPU the engine's process spent per order (warm-up included): what the load costs Tern, less sensitive to a busy machine than latency
  server_cpu_us_per_order: Math.round((cpu.user + cpu.system) / (samples.length + errors + sequential.length + 300)),
});
await server.close();
await engine.stop();
dispose();
