/**
 * Place → exchange ack → Tern `open`, over the exchange simulator on
 * loopback with the real ccxt binance class. Reports the whole call and the
 * part Tern adds on top of ccxt's createOrder round trip (pre-trade checks,
 * journal commits, the ack and the `accepted` report through the OMS). ccxt's
 * rate limiter is on, at 1 ms (the simulator has no limits; its 50 ms default
 * would only measure waiting).
 */
import type { Exchange } from 'ccxt';
import { Engine } from '../src-main/engine/engine.js';
import { SequentialIds, systemClock } from '../src-main/engine/ports/clock.js';
import { openTempStore } from '../src-main/store/temp-store.js';
import { CcxtFeed } from '../src-main/venues/ccxt/ccxt-feed.js';
import { CcxtVenue } from '../src-main/venues/ccxt/ccxt-venue.js';
import { createExchange } from '../src-main/venues/ccxt/exchange-factory.js';
import { startExchangeSim } from '../tools/exchange-sim/index.js';
import { emit, percentiles } from './stats.js';

const WARMUP = 200;
const SAMPLES = 2000;

async function main() {
  const sim = await startExchangeSim({ historyMinutes: 10 });
  sim.control.setPrice('ETH/USDT', '3000');
  const { apiKey, secret } = sim.control.createApiKey({ USDT: '100000000' });
  const temp = openTempStore();
  const exchange: Exchange = createExchange({ exchange: 'binance', baseUrl: sim.url, credentials: { apiKey, secret }, rateLimitMs: 1, timeoutMs: 5000 });
  // ccxt's own call, timed from the outside: everything in it is the round trip
  const inner: number[] = [];
  const createOrder = exchange.createOrder.bind(exchange);
  exchange.createOrder = (async (...args: Parameters<Exchange['createOrder']>) => {
    const t0 = process.hrtime.bigint();
    try {
      return await createOrder(...args);
    } finally {
      inner.push(Number(process.hrtime.bigint() - t0));
    }
  }) as Exchange['createOrder'];
  const clock = systemClock;
  const ids = new SequentialIds('bench');
  const venue = new CcxtVenue({
    account: 'bn',
    exchangeId: 'binance',
    exchange,
    marketData: new CcxtFeed({ exchange, source: 'binance@bench', clock }),
    clock,
  });
  temp.store.record({ type: 'account', account: { id: 'bn', exchange: 'binance', mode: 'live', status: 'active', startingBalances: {}, createdAt: 0 } });
  temp.store.commit();
  const engine = new Engine({ store: temp.store, clock, ids, version: 'bench', paperBalances: {}, venueFor: () => venue, reconcile: { intervalMs: 0 } });
  await engine.start();

  const total: number[] = [];
  const added: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const price = (2000 + (i % 500) / 100).toFixed(2);
    const t0 = process.hrtime.bigint();
    const o = await engine.call('orders.create', { account: 'bn', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.01', price }, { actor: 'bench' });
    const dt = Number(process.hrtime.bigint() - t0);
    if (o.status !== 'open') throw new Error(`order ${o.id} is ${o.status}`);
    if (i >= WARMUP) {
      total.push(dt);
      added.push(dt - inner[inner.length - 1]!);
    }
  }
  emit({
    bench: 'ccxt-roundtrip',
    samples: SAMPLES,
    what: 'place → exchange ack → open, loopback simulator, real ccxt binance',
    total: percentiles(total),
    ccxt_round_trip: percentiles(inner.slice(WARMUP)),
    tern_added: percentiles(added),
    goal_tern_added_p99_us: 1000,
  });
  await engine.stop();
  temp.dispose();
  await sim.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
