/**
 * REST orders from outside the server (issue 15): `npm run serve` runs in its
 * own process (bench/serve-process.ts: runtime, SQLite journal, replay feeds,
 * the API on loopback) and this process is the load generator, an undici Pool
 * of 8 keep-alive connections. Each request is POST /api/v1/orders, a market
 * order on the paper venue, answered 201 after its journal commit. Eight bot
 * keys (a key's own rate limit is at most 1,000/s) take turns.
 *
 * - rest_orders_sustained: closed loop, one request in flight per connection,
 *   for SECONDS: the most orders per second the server sustains.
 * - rest_orders_at_1000: open loop at 1,000 orders/s for SECONDS; latency is
 *   from the moment a request was due to its full answer, so a stall is
 *   charged to every request that waited behind it.
 *
 * Both report the load generator's own CPU per order (client_cpu_us_per_order):
 * on 2 cores it shares the machine with the server, and must stay far below
 * the server's for the rate to be the server's.
 *
 * BENCH_REST_SECONDS sets the length of each phase (default 10);
 * BENCH_REST_CPU_PROF=DIR writes the server's CPU profile there (--cpu-prof).
 */
import { availableParallelism } from 'node:os';
import { restBots } from './rest-bots.js';
import { startServeProcess } from './serve-process.js';
import { emit, percentiles } from './stats.js';
import { closedLoop as closedLoopOf, openLoop as openLoopOf } from './load-loops.js';

const CONNECTIONS = 8;
const RATE = 1000;
const SECONDS = Number(process.env['BENCH_REST_SECONDS'] ?? 10);
const profDir = process.env['BENCH_REST_CPU_PROF'];

const cpuUsPer = (cpu: NodeJS.CpuUsage, orders: number) => Math.round((cpu.user + cpu.system) / orders);

const server = await startServeProcess({
  args: ['--paper-balance', '1000000000'],
  nodeArgs: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
});

try {
  const bots = await restBots(server, CONNECTIONS);
  const { order } = bots;

  const closedLoop = (seconds: number) => closedLoopOf(order, CONNECTIONS, seconds);
  const openLoop = (rate: number, seconds: number) => openLoopOf(order, rate, seconds);

  // warm up: JIT, SQLite page cache, the keys' auth cache
  await closedLoop(2);
  const failedBefore = bots.failed;

  // what the server spends with no orders (the replayed markets, timers), taken off its CPU per order
  const idle0 = server.cpuUs();
  const idleStart = performance.now();
  await new Promise((r) => setTimeout(r, 2000));
  const idleUsPerS = (server.cpuUs() - idle0) / ((performance.now() - idleStart) / 1000);
  const cpu0 = server.cpuUs();
  const clientCpu0 = process.cpuUsage();
  const sustained = await closedLoop(SECONDS);
  const cpuPerOrder = Math.round((server.cpuUs() - cpu0 - idleUsPerS * sustained.seconds) / sustained.ns.length);
  const clientCpuPerOrder = cpuUsPer(process.cpuUsage(clientCpu0), sustained.ns.length);
  const sustainedFailed = failedBefore();
  const rssAfterSustained = server.rssMb();
  const pacedCpu0 = process.cpuUsage();
  const pacedServerCpu0 = server.cpuUs();
  const paced = await openLoop(RATE, SECONDS);
  const pacedServerCpu = Math.round((server.cpuUs() - pacedServerCpu0 - idleUsPerS * paced.seconds) / paced.total);
  const pacedClientCpu = cpuUsPer(process.cpuUsage(pacedCpu0), paced.total);
  const pacedFailed = failedBefore() - sustainedFailed;

  const common = { cores: availableParallelism(), connections: CONNECTIONS, keys: CONNECTIONS, process: 'separate' };
  emit({
    bench: 'rest_orders_sustained',
    goal_orders_per_s: 5000,
    ...common,
    orders: sustained.ns.length,
    failed: sustainedFailed,
    seconds: Math.round(sustained.seconds * 100) / 100,
    orders_per_s: Math.round(sustained.ns.length / sustained.seconds),
    ...percentiles(sustained.ns),
    server_cpu_us_per_order: cpuPerOrder,
    // the load generator's own (this process): at 2 cores it shares the machine with the server
    client_cpu_us_per_order: clientCpuPerOrder,
    server_idle_cpu_ms_per_s: Math.round(idleUsPerS / 1000),
    server_rss_mb: rssAfterSustained,
  });
  emit({
    bench: 'rest_orders_at_1000',
    goal_p99_us: 10_000,
    ...common,
    asked_per_s: RATE,
    orders: paced.ns.length,
    failed: pacedFailed,
    achieved_per_s: Math.round(paced.ns.length / paced.seconds),
    ...percentiles(paced.ns),
    server_cpu_us_per_order: pacedServerCpu,
    client_cpu_us_per_order: pacedClientCpu,
    server_rss_mb: server.rssMb(),
  });
  if (bots.failures.size > 0) emit({ bench: 'rest_orders_failures', failures: Object.fromEntries(bots.failures) });
  await bots.close();
} finally {
  await server.stop();
}
