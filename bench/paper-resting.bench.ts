/**
 * Placement through REST with thousands of resting paper orders (issue 9
 * item 8). The engine runs in a child process (paper-resting-engine.ts) with
 * a feed publishing a book and a trade every 100 ms; this process is the
 * load generator. It fills the book with resting limits (buys 50–80, sells
 * 120–150, none ever fills), then at 6,000 and at 10,000 resting measures
 * POST /api/v1/orders latency (one new resting limit every 10 ms, open loop)
 * and GET /health latency (every 50 ms) at the same time, and what each
 * market event (a book and a trade) cost the engine in CPU meanwhile.
 * Latencies are wall time: on a busy machine they carry its noise; the CPU
 * per market event does not.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { emit } from './stats.js';

const SYMBOL = 'BTC/USDT';
const LEVELS = [6_000, 10_000];
const SAMPLES = 300;
const PLACE_EVERY_MS = 10;
const HEALTH_EVERY_MS = 50;
const SETTLE_MS = 2_000;

const here = dirname(fileURLToPath(import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'paper-resting-engine.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
child.once('exit', (code) => code && process.stderr.write(`engine exited with ${code}\n`));
async function nextLine<T>(): Promise<T> {
  const { value, done } = await lines.next();
  if (done) throw new Error('the engine process ended');
  return JSON.parse(value as string) as T;
}
const { port, key } = await nextLine<{ port: number; key: string }>();
/** the engine's CPU per market event (a book and a trade), its event loop delays and its CPU share since the last call */
interface EngineStats {
  cpu_us_per_book_and_trade: number | null;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  cpu_share: number;
}
async function engineStats(): Promise<EngineStats> {
  child.stdin!.write('stats\n');
  return nextLine();
}
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

function call(method: string, path: string, body?: unknown): Promise<{ status: number; ns: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          host: `127.0.0.1:${port}`,
          authorization: `Bearer ${key}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ns: Number(process.hrtime.bigint() - t0), text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

let placed = 0;
/** a resting limit that never fills: buys 50.00–79.99, sells 120.00–149.99 */
async function placeResting(): Promise<number> {
  const i = placed++;
  const side = i % 2 ? 'sell' : 'buy';
  const cents = (side === 'buy' ? 5_000 : 12_000) + ((i >> 1) % 3_000);
  const res = await call('POST', '/api/v1/orders', { symbol: SYMBOL, side, type: 'limit', quantity: '0.1', price: (cents / 100).toFixed(2) });
  // a venue refusal is also a 201 (the order exists, rejected): only a resting order counts
  if (res.status !== 201 || (JSON.parse(res.text) as { status: string }).status !== 'open') throw new Error(`order refused: ${res.status} ${res.text}`);
  return res.ns;
}

async function fillTo(count: number): Promise<void> {
  const workers = Array.from({ length: 8 }, async () => {
    while (placed < count) await placeResting();
  });
  await Promise.all(workers);
}

function quantiles(ns: number[]): { p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number } {
  const sorted = Float64Array.from(ns).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! / 1e4) / 100;
  return { p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99), max_ms: at(1) };
}

/** placements every PLACE_EVERY_MS and /health every HEALTH_EVERY_MS, both open loop */
async function measure(): Promise<{ place: number[]; health: number[] }> {
  const place: Promise<number>[] = [];
  const health: Promise<number>[] = [];
  const start = performance.now();
  await new Promise<void>((done) => {
    const tick = () => {
      const elapsed = performance.now() - start;
      while (place.length < Math.min(SAMPLES, Math.floor(elapsed / PLACE_EVERY_MS) + 1)) place.push(placeResting());
      while (health.length < Math.floor(elapsed / HEALTH_EVERY_MS) + 1 && place.length < SAMPLES) {
        health.push(call('GET', '/health').then((r) => (r.status === 200 ? r.ns : Promise.reject(new Error(`health ${r.status}`)))));
      }
      if (place.length < SAMPLES) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  return { place: await Promise.all(place), health: await Promise.all(health) };
}

try {
  // the default max_open_orders would stop the fill: remove it for the bench's account
  const limits = await call('PUT', '/api/v1/risk/limits', { account: 'paper', limits: { max_open_orders: null } });
  if (limits.status !== 200) throw new Error(`risk limits: ${limits.status} ${limits.text}`);
  for (let i = 0; i < 200; i++) await placeResting(); // warm up
  const result: Record<string, unknown> = { bench: 'paper_resting_rest', goal_p95_ms_at_6000: 10 };
  for (const level of LEVELS) {
    const fillStart = performance.now();
    const before = placed;
    await fillTo(level);
    const fillRate = Math.round((placed - before) / ((performance.now() - fillStart) / 1000));
    // steady state with this many resting: the fill burst's WAL checkpoint and GC are over
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    await engineStats();
    const { place, health } = await measure();
    const engine = await engineStats();
    const p = quantiles(place);
    const h = quantiles(health);
    result[`resting_${level}`] = { fill_orders_per_s: fillRate, place: p, health: { p50_ms: h.p50_ms, p99_ms: h.p99_ms, max_ms: h.max_ms }, engine: {
        market_event_cpu_us: engine.cpu_us_per_book_and_trade,
        loop_delay_p99_ms: engine.loop_delay_p99_ms,
        loop_delay_max_ms: engine.loop_delay_max_ms,
        cpu_share: engine.cpu_share,
      },
    };
  }
  emit(result);
} finally {
  agent.destroy();
  child.stdin!.end();
}
