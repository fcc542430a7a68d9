/**
 * Process memory after 1,000,000 orders in one session (issue 15): market
 * orders on the paper venue through the engine (risk, fill, journal commit),
 * 500 in flight, as a long-running bot session places them. After a full GC
 * at each checkpoint: RSS and V8 heap, and the heap's growth per order since
 * the first checkpoint (what a longer session would add).
 *
 * BENCH_MEMORY_ORDERS sets the count (default 1,000,000).
 */
import { availableParallelism } from 'node:os';
import { benchEngine, SYMBOL } from './engine-fixture.js';
import { emit } from './stats.js';

const TOTAL = Number(process.env['BENCH_MEMORY_ORDERS'] ?? 1_000_000);
const IN_FLIGHT = 500;
const CHECKPOINTS = 10;
const ctx = { actor: 'bench' };
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench does)');

const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
function settle() {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers };
}

const { engine, refreshBook, dispose } = await benchEngine();
const before = settle();
let placed = 0;
let first: { placed: number; heap: number } | null = null;
const started = performance.now();
const curve: Array<{ orders: number; rss_mb: number; heap_mb: number }> = [];
while (placed < TOTAL) {
  refreshBook();
  const batch = [];
  for (let i = 0; i < IN_FLIGHT && placed < TOTAL; i++, placed++) {
    batch.push(engine.call('orders.create', { symbol: SYMBOL, side: placed % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.1' }, ctx));
  }
  const orders = await Promise.all(batch);
  if (orders.some((o) => o.status !== 'filled')) throw new Error('an order did not fill');
  if (placed % (TOTAL / CHECKPOINTS) === 0) {
    const m = settle();
    first ??= { placed, heap: m.heap };
    curve.push({ orders: placed, rss_mb: mb(m.rss), heap_mb: mb(m.heap) });
  }
}
const seconds = (performance.now() - started) / 1000;
const after = settle();
emit({
  bench: 'memory_after_orders',
  goal_rss_mb: 400,
  cores: availableParallelism(),
  orders: TOTAL,
  seconds: Math.round(seconds),
  rss_mb_before: mb(before.rss),
  rss_mb: mb(after.rss),
  heap_mb_before: mb(before.heap),
  heap_mb: mb(after.heap),
  external_mb: mb(after.external),
  heap_bytes_per_order: first && placed > first.placed ? Math.round((after.heap - first.heap) / (placed - first.placed)) : null,
  curve,
});
dispose();
