import { describe, expect, it } from 'vitest';
import { Accounts } from '../../../tools/exchange-sim/accounts.js';
import { d } from '../../../tools/exchange-sim/decimal.js';
import { Engine, type MarketEvent } from '../../../tools/exchange-sim/engine.js';
import { SimError } from '../../../tools/exchange-sim/errors.js';
import { DEFAULT_SYMBOLS, toMarket } from '../../../tools/exchange-sim/markets.js';
import { Rng } from '../../../tools/exchange-sim/rng.js';
import type { OrderRequest } from '../../../tools/exchange-sim/types.js';

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

function setup() {
  const accounts = new Accounts();
  const engine = new Engine(DEFAULT_SYMBOLS.map(toMarket), accounts, () => T0, new Rng(1), { historyMinutes: 60 });
  const user: Array<[string, Record<string, unknown>]> = [];
  const market: MarketEvent[] = [];
  engine.sink = { user: (k, e) => user.push([k, e]), market: (e) => market.push(e) };
  const alice = accounts.create({ balances: { USDT: '100000', BTC: '2' } });
  const bob = accounts.create({ balances: { USDT: '100000', BTC: '2' } });
  return { engine, accounts, alice, bob, user, market };
}

function limit(side: 'BUY' | 'SELL', qty: string, price: string, cid?: string): OrderRequest {
  return { symbol: 'BTCUSDT', side, type: 'LIMIT', timeInForce: 'GTC', quantity: d(qty), price: d(price), newClientOrderId: cid };
}

const bal = (a: ReturnType<typeof setup>['alice'], asset: string) => [a.balance(asset).free.toFixed(), a.balance(asset).locked.toFixed()];

function simError(f: () => unknown): SimError {
  try {
    f();
  } catch (e) {
    if (e instanceof SimError) return e;
    throw e;
  }
  throw new Error('expected a SimError');
}

describe('exchange-sim engine', () => {
  it('a resting limit buy locks price × quantity of the quote asset', () => {
    const { engine, alice } = setup();
    const o = engine.placeOrder(alice, limit('BUY', '0.5', '59000'));
    expect(o.status).toBe('NEW');
    expect(bal(alice, 'USDT')).toEqual(['70500', '29500']);
  });

  it('a buy crossing the synthetic ask fills as taker at the ask, pays the taker fee in base and is refunded the price improvement', () => {
    const { engine, alice } = setup();
    const ask = engine.top('BTCUSDT').ask!;
    const o = engine.placeOrder(alice, limit('BUY', '0.1', '61000'));
    expect(o.status).toBe('FILLED');
    expect(o.fills).toHaveLength(1);
    expect(o.fills[0]!.price.eq(ask[0])).toBe(true);
    expect(o.fills[0]!.commission.toFixed()).toBe('0.0001');
    expect(o.fills[0]!.commissionAsset).toBe('BTC');
    expect(bal(alice, 'USDT')).toEqual([d('100000').minus(ask[0].mul('0.1')).toFixed(), '0']);
    expect(bal(alice, 'BTC')).toEqual(['2.0999', '0']);
  });

  it('orders at one price fill in time order, and a user order is matched before synthetic liquidity at its price', () => {
    const { engine, alice, bob } = setup();
    const ask = engine.top('BTCUSDT').ask![0];
    const first = engine.placeOrder(alice, limit('SELL', '0.01', ask.toFixed()));
    const second = engine.placeOrder(bob, limit('SELL', '0.01', ask.toFixed()));
    const taker = engine.placeOrder(alice, limit('BUY', '0.015', ask.toFixed()));
    expect(taker.status).toBe('FILLED');
    expect(first.status).toBe('FILLED');
    expect(second.status).toBe('PARTIALLY_FILLED');
    expect(second.executedQty.toFixed()).toBe('0.005');
    expect(first.fills[0]!.isMaker).toBe(true);
  });

  it('the maker receives quote minus the maker fee when its sell fills', () => {
    const { engine, alice, bob } = setup();
    alice.makerRate = d('0.0005');
    engine.placeOrder(alice, limit('SELL', '1', '60001')); // inside the synthetic spread: the best ask
    expect(bal(alice, 'BTC')).toEqual(['1', '1']);
    engine.placeOrder(bob, limit('BUY', '1', '60001'));
    expect(bal(alice, 'BTC')).toEqual(['1', '0']);
    expect(bal(alice, 'USDT')).toEqual(['159970.9995', '0']);
  });

  it('a price move through a resting order fills it at its limit price', () => {
    const { engine, alice, user } = setup();
    const o = engine.placeOrder(alice, limit('BUY', '0.1', '59000'));
    user.length = 0;
    engine.setPrice('BTCUSDT', d('58900'));
    expect(o.status).toBe('FILLED');
    expect(o.fills[0]!.price.toFixed()).toBe('59000');
    const report = user.find(([, e]) => e['e'] === 'executionReport')![1];
    expect(report).toMatchObject({ x: 'TRADE', X: 'FILLED', c: o.clientOrderId, L: '59000.00000000', m: true });
    expect(user.some(([, e]) => e['e'] === 'outboundAccountPosition')).toBe(true);
  });

  it('cancel releases the lock and reports the cancel id as c and the order id as C', () => {
    const { engine, alice, user } = setup();
    engine.placeOrder(alice, limit('BUY', '0.5', '59000', 'mine-1'));
    user.length = 0;
    const o = engine.cancelOrder(alice, 'BTCUSDT', { origClientOrderId: 'mine-1' }, 'cancel-1');
    expect(o.status).toBe('CANCELED');
    expect(bal(alice, 'USDT')).toEqual(['100000', '0']);
    expect(user[0]![1]).toMatchObject({ x: 'CANCELED', c: 'cancel-1', C: 'mine-1' });
  });

  it('cancelling an order that is no longer open is -2011 Unknown order sent', () => {
    const { engine, alice } = setup();
    const o = engine.placeOrder(alice, limit('BUY', '0.1', '61000'));
    expect(o.status).toBe('FILLED');
    expect(simError(() => engine.cancelOrder(alice, 'BTCUSDT', { orderId: o.orderId })).code).toBe(-2011);
  });

  it('rejects orders breaking the filters or the balance with Binance codes', () => {
    const { engine, alice } = setup();
    expect(simError(() => engine.placeOrder(alice, limit('BUY', '0.1', '59000.001'))).msg).toBe('Filter failure: PRICE_FILTER');
    expect(simError(() => engine.placeOrder(alice, limit('BUY', '0.000015', '59000'))).msg).toBe('Filter failure: LOT_SIZE');
    expect(simError(() => engine.placeOrder(alice, limit('BUY', '0.00001', '59000'))).msg).toBe('Filter failure: NOTIONAL');
    expect(simError(() => engine.placeOrder(alice, limit('BUY', '2', '59000'))).code).toBe(-2010);
    expect(simError(() => engine.placeOrder(alice, limit('SELL', '3', '61000'))).msg).toBe('Account has insufficient balance for requested action.');
  });

  it('a second open order with the same client id is -2010 Duplicate order sent', () => {
    const { engine, alice } = setup();
    engine.placeOrder(alice, limit('BUY', '0.1', '59000', 'dup'));
    expect(simError(() => engine.placeOrder(alice, limit('BUY', '0.1', '59000', 'dup'))).msg).toBe('Duplicate order sent.');
  });

  it('IOC takes what crosses and expires the rest; FOK that cannot fill completely expires untouched', () => {
    const { engine, alice } = setup();
    const ioc = engine.placeOrder(alice, { ...limit('BUY', '1', '60006'), timeInForce: 'IOC' });
    expect(ioc.status).toBe('EXPIRED');
    expect(ioc.executedQty.toFixed()).toBe('0.5');
    const fok = engine.placeOrder(alice, { ...limit('BUY', '1', '60006'), timeInForce: 'FOK' });
    expect(fok.status).toBe('EXPIRED');
    expect(fok.executedQty.toFixed()).toBe('0');
    expect(alice.balance('USDT').locked.toFixed()).toBe('0');
  });

  it('a market buy by quote amount spends at most that amount', () => {
    const { engine, alice } = setup();
    const o = engine.placeOrder(alice, { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quoteOrderQty: d('1000') });
    expect(o.status).toBe('FILLED');
    expect(o.cumQuote.lte(1000)).toBe(true);
    expect(o.origQty.eq(o.executedQty)).toBe(true);
  });

  it('depth updates carry consecutive update ids and end at the snapshot id', () => {
    const { engine, alice, market } = setup();
    const before = engine.depth('BTCUSDT', 5).lastUpdateId;
    engine.placeOrder(alice, limit('BUY', '0.1', '59999'));
    engine.setPrice('BTCUSDT', d('60100'));
    const depth = market.filter((e): e is Extract<MarketEvent, { kind: 'depth' }> => e.kind === 'depth');
    expect(depth.map((e) => e.U)).toEqual([before + 1, before + 2]);
    expect(engine.depth('BTCUSDT', 5).lastUpdateId).toBe(before + 2);
  });

  it('every price move prints a public trade at the new touch', () => {
    const { engine, market } = setup();
    engine.setPrice('BTCUSDT', d('61000'));
    const trade = market.find((e) => e.kind === 'trade');
    expect(trade).toBeDefined();
    expect(engine.book('BTCUSDT').last!.price.gte(61000)).toBe(true);
  });
});
