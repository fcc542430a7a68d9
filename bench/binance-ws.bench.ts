/**
 * The Binance gateway's user-data stream (issue 14): market orders placed at
 * 200/s through POST /binance/api/v3/order (signed, as a bot sends them),
 * each timed from the request to its fill's `executionReport` (x=TRADE) on a
 * `/binance/ws/<listenKey>` stream — what a bot waiting on its stream sees.
 * The bot runs in its own process (binance-ws-client.ts), as a real one
 * would; the engine, paper venue, journal, event fan-out, Binance formatting
 * and socket run here, and their CPU per order is reported beside latency.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiServer } from '../src-main/api/server.js';
import { benchEngine } from './engine-fixture.js';
import { emit, percentiles } from './stats.js';

const RATE = 200;
const SECONDS = 10;
const WARMUP = 200;
const here = dirname(fileURLToPath(import.meta.url));
const { engine, refreshBook, dispose } = await benchEngine();
const key = 'tern_bench_binance_ws_key';
engine.ensureKey(key, 'bench-ws-bot', ['trade']);
const server = createApiServer({ engine, port: 0, version: 'bench', logger: false, rateLimit: { perSecond: 100_000, burst: 100_000 } });
const { url } = await server.listen();
// the paper fills eat the book: top it up while the load runs
const refill = setInterval(refreshBook, 200);

const cpu0 = process.cpuUsage();
const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'binance-ws-client.ts'), `${url}/binance`, key, String(RATE), String(SECONDS), String(WARMUP)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
clearInterval(refill);
const cpu = process.cpuUsage(cpu0);
if (code !== 0) throw new Error(`the bot process exited with ${code}`);
const r = JSON.parse(out.trim().split('\n').at(-1)!) as { samples: number[]; seconds: number; errors: number; firstError?: string; missing: number; reports: number; clientCpuUs: number };
const placed = WARMUP + RATE * SECONDS;
emit({
  bench: 'binance_ws_execution_report',
  what: 'POST /binance/api/v3/order (market, signed) → paper fill → executionReport TRADE on /binance/ws/<listenKey>, loopback, bot in its own process',
  rate_per_s: Math.round((placed / r.seconds) * 10) / 10,
  orders: r.samples.length,
  errors: r.errors,
  ...(r.firstError ? { first_error: r.firstError } : {}),
  missing_reports: r.missing,
  execution_reports: r.reports,
  ...percentiles(r.samples),
  // CPU per order (warm-up included) on each side: what the load costs, less sensitive to a busy machine than latency
  server_cpu_us_per_order: Math.round((cpu.user + cpu.system) / placed),
  client_cpu_us_per_order: Math.round(r.clientCpuUs / placed),
});
await server.close();
await engine.stop();
dispose();
