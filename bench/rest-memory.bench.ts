/**
 * The serve process's memory over a long REST session (issue 15: ≤ 400 MB
 * RSS after 1,000,000 orders): bots place market orders through REST (8
 * keep-alive connections, closed loop, bench/rest-bots.ts) and at each
 * checkpoint the server's RSS and V8 heap in use are read after a full GC
 * (through its inspector, on loopback). `heap_growth_bytes_per_order` is the heap's
 * slope over the second half of the run: what each further order keeps.
 *
 * BENCH_REST_MEMORY_ORDERS sets the count. Default 200,000: past the bounded
 * memories' fill (10,000 closed orders, 100,000 applied trade ids) the heap is
 * flat, so the slope over the second half says what 1,000,000 would add, and
 * a full million through REST on this machine takes far longer than the rest
 * of `npm run bench` (bench/memory.bench.ts does the million in process).
 */
import { availableParallelism } from 'node:os';
import { restBots } from './rest-bots.js';
import { startServeProcess } from './serve-process.js';
import { emit } from './stats.js';

const TOTAL = Number(process.env['BENCH_REST_MEMORY_ORDERS'] ?? 200_000);
const CONNECTIONS = 8;
const CHECKPOINTS = 10;

const server = await startServeProcess({ args: ['--paper-balance', '1000000000'], inspect: true });
try {
  const bots = await restBots(server, CONNECTIONS);
  const before = await server.memoryAfterGc();
  const curve: Array<{ orders: number; rss_mb: number; heap_mb: number }> = [];
  const started = performance.now();
  let placed = 0;
  const step = TOTAL / CHECKPOINTS;
  for (let c = 1; c <= CHECKPOINTS; c++) {
    const until = Math.round(step * c);
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (placed < until) {
          placed += 1;
          await bots.order(process.hrtime.bigint());
        }
      }),
    );
    curve.push({ orders: placed, ...(await server.memoryAfterGc()) });
  }
  const half = curve[Math.floor(CHECKPOINTS / 2) - 1]!;
  const last = curve[curve.length - 1]!;
  emit({
    bench: 'rest_memory_after_orders',
    goal_rss_mb: 400,
    cores: availableParallelism(),
    connections: CONNECTIONS,
    orders: placed,
    failed: bots.failed(),
    seconds: Math.round((performance.now() - started) / 1000),
    rss_mb_before: before.rss_mb,
    heap_mb_before: before.heap_mb,
    rss_mb: last.rss_mb,
    heap_mb: last.heap_mb,
    heap_growth_bytes_per_order: Math.round(((last.heap_mb - half.heap_mb) * 1024 * 1024) / (last.orders - half.orders)),
    projected_heap_mb_at_1m: Math.round(last.heap_mb + ((last.heap_mb - half.heap_mb) * (1_000_000 - last.orders)) / (last.orders - half.orders)),
    curve,
  });
  await bots.close();
} finally {
  await server.stop();
}
