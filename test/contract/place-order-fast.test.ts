/**
 * Issue 15: orders.create's plain parameters checked by hand (a backtest's
 * strategy orders skip the zod machinery) accept only what the contract's
 * schema accepts, and give exactly what it gives; anything else is left to
 * the schema (null), which refuses it with its usual error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlaceOrderParams } from '../../src-common/contract/methods.js';
import { placeOrderParamsFast } from '../../src-common/contract/place-order-fast.js';

const base = { account: 'backtest', symbol: 'BTC/USD', side: 'buy', type: 'market', quantity: '0.0123', client_order_id: 'sma-cross-1' };

const accepted: Array<Record<string, unknown>> = [
  base,
  { symbol: 'BTC/USDT', side: 'sell', type: 'limit', quantity: '1', price: '100.5' },
  { ...base, type: 'stop_limit', stop_price: '99', price: '98.5', time_in_force: 'IOC', post_only: false, reduce_only: true },
  { ...base, type: 'take_profit_market', stop_price: '101' },
  { ...base, symbol: 'BTC/USDT:USDT', quantity: '10', time_in_force: 'FOK', post_only: true },
  { ...base, account: 'a', client_order_id: 'A.b_c:d-9' },
];

const refused: Array<Record<string, unknown> | unknown> = [
  null,
  'orders',
  [],
  { ...base, quantity: '0' },
  { ...base, quantity: '0.000' },
  { ...base, quantity: '-1' },
  { ...base, quantity: '1e3' },
  { ...base, quantity: '01' },
  { ...base, quantity: '1.' },
  { ...base, quantity: 1 },
  { ...base, quantity: `1.${'0'.repeat(63)}` },
  { ...base, price: '0' },
  { ...base, stop_price: 'abc' },
  { ...base, side: 'long' },
  { ...base, type: 'stop' },
  { ...base, time_in_force: 'gtc' },
  { ...base, post_only: 'false' },
  { ...base, reduce_only: 1 },
  { ...base, account: 'Backtest' },
  { ...base, account: '' },
  { ...base, symbol: 'btc/usd' },
  { ...base, symbol: 'BTCUSD' },
  { ...base, client_order_id: 'has space' },
  { ...base, client_order_id: 'x'.repeat(37) },
  { ...base, strategy_id: 'someone' },
  { ...base, unknown: 1 },
  { side: 'buy', type: 'market', quantity: '1' },
];

// what the schema takes but the hand check leaves to it: attached exits, trailing stops
const leftToTheSchema: Array<Record<string, unknown>> = [
  { ...base, take_profit: { price: '120' } },
  { ...base, stop_loss: { stop_price: '90' } },
  { ...base, type: 'trailing_stop', trailing_offset: '1', trailing_unit: 'percent' },
  Object.assign(Object.create({ inherited: true }), base),
];

describe('orders.create parameters checked by hand', () => {
  it.each(accepted)('accepts what the schema accepts, with its defaults: %j', (raw) => {
    const fast = placeOrderParamsFast(raw);
    expect(fast).not.toBeNull();
    expect(fast).toStrictEqual(PlaceOrderParams.parse(raw));
  });

  it.each(refused)('leaves what the schema refuses to the schema: %j', (raw) => {
    expect(PlaceOrderParams.safeParse(raw).success).toBe(false);
    expect(placeOrderParamsFast(raw)).toBeNull();
  });

  it.each(leftToTheSchema)('leaves the rest to the schema too: %j', (raw) => {
    expect(placeOrderParamsFast(raw)).toBeNull();
  });
});

// generated near-miss inputs: each field drawn from values the schema takes and values it refuses
// mostly good values (so whole parameter sets pass often enough), sometimes bad ones, sometimes an explicit undefined
const field = (good: unknown[], bad: unknown[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...good) },
    { weight: 2, arbitrary: fc.constantFrom(...bad) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
const goodDecimals = ['1', '0.5', '100.25', `9.${'9'.repeat(62)}`];
const badDecimals = ['0', '0.000', '-1', '1e3', '01', '1.', '.5', ' 1', '1 ', 'NaN', '', `9.${'9'.repeat(63)}`, 1, null];
const arbitraryParams = fc.record(
  {
    account: field(['paper', 'a-b_c', 'x'.repeat(32)], ['Paper', '', 'x'.repeat(33), 7]),
    symbol: field(['BTC/USDT', 'ETH/BTC', 'BTC/USDT:USDT'], ['btc/usdt', 'BTCUSDT', '', 1]),
    side: field(['buy', 'sell'], ['BUY', 'long', null]),
    type: field(['market', 'limit', 'stop_market', 'stop_limit', 'take_profit_market', 'take_profit_limit', 'trailing_stop'], ['stop', 'LIMIT']),
    quantity: field(goodDecimals, badDecimals),
    price: field(goodDecimals, badDecimals),
    stop_price: field(goodDecimals, badDecimals),
    time_in_force: field(['GTC', 'IOC', 'FOK'], ['gtc', 'DAY']),
    post_only: field([true, false], ['true', 0]),
    reduce_only: field([true, false], ['false', 1]),
    client_order_id: field(['a', 'A.b_c:d-9', 'x'.repeat(36)], ['has space', 'x'.repeat(37), '']),
  },
  { requiredKeys: ['symbol', 'side', 'type', 'quantity'] },
);

describe('orders.create parameters checked by hand, generated', () => {
  it('never accepts what the schema refuses, and gives what the schema gives', () => {
    let accepted = 0;
    fc.assert(
      fc.property(arbitraryParams, (raw) => {
        const fast = placeOrderParamsFast(raw);
        const parsed = PlaceOrderParams.safeParse(raw);
        if (fast !== null) {
          accepted++;
          expect(parsed.success).toBe(true);
          // zod keeps a field given as undefined as an undefined key, the hand check leaves it out: the same parameters
          expect(fast).toEqual(parsed.data);
        }
      }),
      { numRuns: 3000 },
    );
    // the generator reaches the accepting side, not only refusals
    expect(accepted).toBeGreaterThan(30);
  });
});
