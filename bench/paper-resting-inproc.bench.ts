/**
 * Issue 10 part 2, in process: what one placement costs (place → ack, the
 * journal committed) with 0 and with 10,000 resting paper orders, and what a
 * market event (a book and a trade) costs the engine with them resting. No
 * HTTP, no second process: paper-resting.bench.ts measures the same through
 * REST, where the wire and the load generator add their own milliseconds.
 */
import { emit, percentiles } from './stats.js';
import { benchEngine, SYMBOL } from './engine-fixture.js';

const ctx = { actor: 'bench' };
const SAMPLES = 3_000;

/** a resting limit that never fills: buys 50–80, sells 120–150 */
function restingParams(i: number) {
  const side = i % 2 ? 'sell' : 'buy';
  const price = (side === 'buy' ? 50 + (i % 300) / 10 : 120 + (i % 300) / 10).toFixed(1);
  return { symbol: SYMBOL, side, type: 'limit', quantity: '0.1', price } as const;
}

async function measure(resting: number) {
  const { engine, feed, dispose } = await benchEngine();
  // the default max_open_orders (1000) would stop the fill: removed for the bench's account, as in the REST bench
  await engine.call('risk.setLimits', { account: 'paper', limits: { max_open_orders: null } }, ctx);
  for (let i = 0; i < resting; i++) await engine.call('orders.create', restingParams(i), ctx);
  const open = (await engine.call('orders.list', { status: 'open', limit: 10_000 }, ctx)).length;
  if (open !== resting) throw new Error(`${open} resting, expected ${resting}`);
  const place: number[] = [];
  const event: number[] = [];
  for (let i = 0; i < SAMPLES + 1_000; i++) {
    if (i % 50 === 0) {
      const wobble = (i % 5) / 10;
      const t0 = process.hrtime.bigint();
      feed.pushBook(SYMBOL, [[(99.9 - wobble).toFixed(1), '1000000']], [[(100.1 + wobble).toFixed(1), '1000000']]);
      feed.pushTrade(SYMBOL, '100.00', '0.01', i % 2 ? 'buy' : 'sell');
      if (i >= 1_000) event.push(Number(process.hrtime.bigint() - t0));
    }
    const t0 = process.hrtime.bigint();
    const o = await engine.call('orders.create', restingParams(resting + i), ctx);
    const dt = Number(process.hrtime.bigint() - t0);
    if (o.status !== 'open') throw new Error(`a placement did not rest: ${o.status}`);
    if (i >= 1_000) place.push(dt); // the first thousand warm the JIT
  }
  dispose();
  const e = percentiles(event);
  return { place: percentiles(place), market_event: { p50_us: e.p50_us, p99_us: e.p99_us } };
}

const quiet = await measure(0);
const busy = await measure(10_000);
emit({ bench: 'paper_resting_in_process', goal_p99_ms_at_10000: 2, samples: SAMPLES, resting_0: quiet, resting_10000: busy });
