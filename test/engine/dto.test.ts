import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MONEY_DECIMALS, PRICE_DECIMALS, balanceDto, fillDto, orderDto, portfolioDto, positionDto } from '../../src-main/engine/dto.js';
import { Decimal, dec } from '../../src-main/engine/model/decimal.js';
import type { FillRecord, OrderRecord, PositionRecord } from '../../src-main/engine/model/types.js';
import { applyFill, emptyPosition } from '../../src-main/engine/portfolio/position.js';
import { SYMBOL, ctx, pushBookAround, startHarness } from '../helpers/engine-harness.js';

const fill = (side: 'buy' | 'sell', quantity: string, price: string, fee = '0'): FillRecord => ({
  id: 'f',
  orderId: 'o',
  clientOrderId: 'c',
  account: 'paper',
  symbol: 'BTC/USDT',
  side,
  quantity: dec(quantity),
  price: dec(price),
  fee: dec(fee),
  feeAsset: 'USDT',
  liquidity: 'taker',
  venueTradeId: 't',
  ts: 0,
});

const order = (o: Partial<OrderRecord>): OrderRecord => ({
  id: 'o',
  clientOrderId: 'c',
  account: 'paper',
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'limit',
  quantity: dec('3'),
  price: dec('101'),
  stopPrice: null,
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: false,
  state: 'filled',
  previousState: null,
  filledQuantity: dec('3'),
  averagePrice: null,
  fees: dec('0'),
  rejectReason: null,
  venueOrderId: null,
  createdAt: 0,
  updatedAt: 0,
  ...o,
});

/** places after the point of a wire decimal */
const places = (s: string): number => s.split('.')[1]?.length ?? 0;
const rounded = (d: Decimal, n: number): string => d.toDecimalPlaces(n, Decimal.ROUND_HALF_EVEN).toFixed();

describe('decimals leave the engine at a fixed scale', () => {
  // buy 1 at 100 and 2 at 101 (average 302/3), sell 3 at 100.5: exactly −0.5, but the
  // 40-digit average made it "-0.5000000000000000000000000000000000001" on the wire
  const traded = [fill('buy', '1', '100'), fill('buy', '2', '101'), fill('sell', '3', '100.5')].reduce(applyFill, emptyPosition('paper', 'BTC/USDT', 0));
  const open = [fill('buy', '1', '100'), fill('buy', '2', '101')].reduce(applyFill, emptyPosition('paper', 'BTC/USDT', 0));

  it('a realized PnL from a repeating average leaves at MONEY_DECIMALS', () => {
    expect(traded.realizedPnl.toFixed().length).toBeGreaterThan(30); // the state stays exact
    expect(positionDto(traded, undefined).realized_pnl).toBe('-0.5');
  });

  it('an average price leaves at PRICE_DECIMALS, its unrealized PnL at MONEY_DECIMALS', () => {
    const dto = positionDto(open, dec('100.55'));
    expect(dto.average_price).toBe('100.666666666667');
    expect(dto.unrealized_pnl).toBe('-0.35');
    expect(dto.mark_price).toBe('100.55');
    expect(dto.quantity).toBe('3');
  });

  it("an order's average price and fees, a fill's fee, are rounded; its own prices and quantities are exact", () => {
    const dto = orderDto(order({ averagePrice: dec(302).div(3), fees: dec('0.1234567891234') }));
    expect([dto.average_price, dto.fees, dto.price, dto.quantity, dto.filled_quantity]).toEqual(['100.666666666667', '0.12345679', '101', '3', '3']);
    const f = fillDto(fill('buy', '0.00012345', '43210.12', '0.000005334308265'));
    expect([f.fee, f.price, f.quantity]).toEqual(['0.00000533', '43210.12', '0.00012345']);
  });

  it('rounds half to even', () => {
    expect(balanceDto({ account: 'a', asset: 'USDT', total: dec('0.123456785'), locked: dec('0.123456775'), updatedAt: 0 })).toMatchObject({
      total: '0.12345678',
      locked: '0.12345678',
      free: '0.00000001',
    });
    expect(portfolioDto('USDT', { equity: dec('-0.000000005'), realized: dec('0.000000015'), unrealized: dec(0), fees: dec('2') })).toEqual({
      quote_asset: 'USDT',
      equity: '0',
      realized_pnl: '0.00000002',
      unrealized_pnl: '0',
      fees_paid: '2',
    });
  });

  it('property: a DTO never has more than the documented places and equals the exact value rounded', () => {
    // prices at 0.01, quantities at 0.00001, fee rates at 0.0001: averages and fees run long
    const arbFill = fc.record({
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      quantity: fc.integer({ min: 1, max: 10_000_000 }).map((n) => dec(n).div(100_000).toFixed()),
      price: fc.integer({ min: 1, max: 10_000_000 }).map((n) => dec(n).div(100).toFixed()),
      rate: fc.integer({ min: 0, max: 30 }).map((n) => dec(n).div(10_000)),
    });
    fc.assert(
      fc.property(fc.array(arbFill, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 10_000_000 }), (fills, markCents) => {
        const records = fills.map((f) => fill(f.side, f.quantity, f.price, dec(f.quantity).mul(f.price).mul(f.rate).toFixed()));
        const position: PositionRecord = records.reduce(applyFill, emptyPosition('paper', 'BTC/USDT', 0));
        const mark = dec(markCents).div(100);
        const dto = positionDto(position, mark);
        const unrealized = position.averagePrice ? mark.sub(position.averagePrice).mul(position.quantity) : dec(0);
        expect(dto.realized_pnl).toBe(rounded(position.realizedPnl, MONEY_DECIMALS));
        expect(dto.unrealized_pnl).toBe(rounded(position.quantity.isZero() ? dec(0) : unrealized, MONEY_DECIMALS));
        expect(dto.average_price).toBe(position.averagePrice ? rounded(position.averagePrice, PRICE_DECIMALS) : null);
        for (const s of [dto.realized_pnl, dto.unrealized_pnl]) expect(places(s)).toBeLessThanOrEqual(MONEY_DECIMALS);
        if (dto.average_price) expect(places(dto.average_price)).toBeLessThanOrEqual(PRICE_DECIMALS);
        expect(dto.quantity).toBe(position.quantity.toFixed());

        const fees = records.reduce((sum, r) => sum.add(r.fee), dec(0));
        const o = orderDto(order({ averagePrice: position.averagePrice, fees }));
        expect(o.fees).toBe(rounded(fees, MONEY_DECIMALS));
        expect(places(o.fees)).toBeLessThanOrEqual(MONEY_DECIMALS);
        for (const r of records) expect(fillDto(r).fee).toBe(rounded(r.fee, MONEY_DECIMALS));

        const total = dec(1_000_000).sub(fees).add(position.realizedPnl);
        const b = balanceDto({ account: 'paper', asset: 'USDT', total, locked: fees, updatedAt: 0 });
        expect([b.total, b.locked, b.free]).toEqual([rounded(total, MONEY_DECIMALS), rounded(fees, MONEY_DECIMALS), rounded(total.sub(fees), MONEY_DECIMALS)]);
        for (const s of [b.total, b.locked, b.free]) expect(places(s)).toBeLessThanOrEqual(MONEY_DECIMALS);
      }),
      { numRuns: 300 },
    );
  });
});

describe('decimals through the engine (paper venue)', () => {
  it('orders, positions, portfolio and balances never carry more than the documented places', async () => {
    const h = await startHarness();
    try {
      const market = (side: 'buy' | 'sell', quantity: string) => h.engine.call('orders.create', { symbol: SYMBOL, side, type: 'market', quantity }, ctx);
      await market('buy', '2'); // 100.1 + 100.2
      pushBookAround(h.feed, 101);
      await market('buy', '1'); // 101.1: the average is 301.4 / 3, a repeating decimal
      pushBookAround(h.feed, 100.5);
      const sell = await market('sell', '3'); // 100.4 + 2 × 100.3: realized exactly 301 − 301.4
      expect(sell.average_price).toBe('100.333333333333');
      const exact = h.engine.portfolio.listPositions('paper', SYMBOL)[0]!;
      expect(exact.realizedPnl.toFixed().length).toBeGreaterThan(20); // the state keeps every digit it computed
      const [position] = await h.engine.call('positions.list', {}, ctx);
      expect(position).toMatchObject({ quantity: '0', realized_pnl: '-0.4', average_price: null });
      const portfolio = await h.engine.call('portfolio.get', { account: 'paper' }, ctx);
      const balances = await h.engine.call('balances.list', { account: 'paper' }, ctx);
      const wire = [portfolio.equity, portfolio.realized_pnl, portfolio.unrealized_pnl, portfolio.fees_paid, ...balances.flatMap((b) => [b.total, b.free, b.locked])];
      for (const s of wire) expect(places(s), s).toBeLessThanOrEqual(MONEY_DECIMALS);
      expect(portfolio.realized_pnl).toBe('-0.4');
    } finally {
      await h.dispose();
    }
  });
});
