/**
 * The risk engine's cost on the order path: RiskEngine.check + onAccepted
 * (what the OMS calls for each new order) with 10 active limits over three
 * scopes, state ACTIVE, every order passing, decisions to the in-memory audit
 * trail. Prints one JSON line.
 */
import { Decimal } from '../src-main/engine/model/decimal.js';
import type { InstrumentSpec, OrderRecord } from '../src-main/engine/model/types.js';
import type { PreTradeContext } from '../src-main/engine/oms/pre-trade.js';
import { ManualClock } from '../src-main/engine/ports/clock.js';
import { RiskEngine } from '../src-main/engine/risk/risk-engine.js';
import { emit, percentiles } from './stats.js';

const ORDERS = Number(process.env.ORDERS ?? 200_000);
const WARMUP = 20_000;

const clock = new ManualClock(Date.UTC(2024, 0, 1));
const risk = new RiskEngine({
  clock,
  journal: { record() {}, publish() {}, durable: () => Promise.resolve() },
  settings: { loadSetting: () => undefined },
  openOrders: () => 12,
});
risk.setLimits({
  limits: {
    max_order_quantity: '100',
    max_order_notional: '10000000',
    max_position_notional: '50000000',
    max_open_orders: '1000',
    max_orders_per_second: '1000000000',
    price_band_pct: '10',
  },
});
risk.setLimits({ account: 'paper', limits: { max_order_quantity: '50', max_order_notional: '5000000' } });
risk.setLimits({ account: 'paper', symbol: 'BTC/USDT', limits: { max_order_quantity: '10', price_band_pct: '5' } });
const limits = risk.snapshot().limits.reduce((n, l) => n + Object.keys(l.limits).length, 0);

const instrument: InstrumentSpec = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  priceIncrement: new Decimal('0.01'),
  sizeIncrement: new Decimal('0.0001'),
  minQuantity: new Decimal('0.0001'),
  minNotional: new Decimal('5'),
  makerFee: new Decimal('0.001'),
  takerFee: new Decimal('0.001'),
};
const mid = new Decimal('42000.5');
const position = new Decimal('1.25');
const zero = new Decimal(0);

function makeOrder(i: number): OrderRecord {
  return {
    id: `O-${i}`,
    clientOrderId: `c-${i}`,
    account: 'paper',
    symbol: 'BTC/USDT',
    side: i % 2 ? 'buy' : 'sell',
    type: 'limit',
    quantity: new Decimal('0.015'),
    price: new Decimal(41000 + (i % 2000)),
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    state: 'initialized',
    previousState: null,
    filledQuantity: zero,
    averagePrice: null,
    fees: zero,
    rejectReason: null,
    venueOrderId: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

const orders = Array.from({ length: 4096 }, (_, i) => makeOrder(i));
const samples = new Float64Array(ORDERS);
for (let i = 0; i < WARMUP + ORDERS; i++) {
  clock.advance(1);
  const order = orders[i & 4095]!;
  const context: PreTradeContext = { instrument, position, mid, now: clock.now(), monotonic: clock.monotonic(), fromKillSwitch: false };
  const t0 = process.hrtime.bigint();
  risk.check(order, context);
  risk.onAccepted(order, context);
  const t1 = process.hrtime.bigint();
  if (i >= WARMUP) samples[i - WARMUP] = Number(t1 - t0);
}
const { p50_us, p99_us } = percentiles(Array.from(samples));
emit({ bench: 'risk_check', p50_us, p99_us, limits });
