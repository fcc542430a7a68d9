import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import { BUILTIN_STRATEGIES } from '../../src-main/strategies/builtin/index.js';

/** The grid's handlers driven by hand: a live book fills a sell in parts, as the paper venue does. */
function gridWithFakeContext() {
  const def = BUILTIN_STRATEGIES.get('grid')!;
  const params = { levels: 2, spacing: 0.01, budget: 0.5, cash: 0 };
  const open: Array<{ id: string; side: 'buy' | 'sell'; quantity: Decimal; price: Decimal | null }> = [];
  const placed: Array<{ side: string; quantity: string; price: string }> = [];
  const place = (side: 'buy' | 'sell') => async (quantity: Decimal, o?: { price?: Decimal }) => {
    placed.push({ side, quantity: new Decimal(quantity).toFixed(), price: new Decimal(o!.price!).toFixed() });
    return {} as never;
  };
  const ctx = {
    params,
    instrument: { makerFee: new Decimal(0), takerFee: new Decimal(0), minQuantity: new Decimal('0.001'), minNotional: new Decimal(1), priceIncrement: new Decimal('0.1'), sizeIncrement: new Decimal('0.001') },
    cash: () => new Decimal(10_000),
    exact: () => new Decimal(100),
    roundPrice: (p: Decimal) => p.toDecimalPlaces(1),
    floorQuantity: (q: Decimal) => q.toDecimalPlaces(3, Decimal.ROUND_DOWN),
    openOrders: () => open,
    buy: place('buy'),
    sell: place('sell'),
  };
  const handlers = def.create(params as never, ctx as never) as { onBar(b: unknown, c: unknown): void; onFill(f: unknown, c: unknown): void };
  return { handlers, ctx, open, placed };
}

const sellFill = (quantity: string) => ({ orderId: 's1', clientOrderId: 'c-s1', side: 'sell', quantity: new Decimal(quantity), price: new Decimal(101), fee: new Decimal(0), ts: 0 });

describe('grid on partial fills', () => {
  it('puts the buy back once when a sell fills in three parts, not once per part', () => {
    const { handlers, ctx, open, placed } = gridWithFakeContext();
    handlers.onBar({}, ctx);
    placed.length = 0;
    open.push({ id: 's1', side: 'sell', quantity: new Decimal('0.3'), price: new Decimal(101) });
    handlers.onFill(sellFill('0.1'), ctx);
    handlers.onFill(sellFill('0.1'), ctx);
    expect(placed).toEqual([]);
    open.length = 0; // the last part completes the sell
    handlers.onFill(sellFill('0.1'), ctx);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({ side: 'buy', price: '100' });
  });

  it('answers a sell once even when its order update (filled) arrives before its parts', () => {
    const { handlers, ctx, placed } = gridWithFakeContext();
    handlers.onBar({}, ctx);
    placed.length = 0;
    handlers.onFill(sellFill('0.1'), ctx);
    handlers.onFill(sellFill('0.2'), ctx);
    expect(placed.filter((p) => p.side === 'buy')).toHaveLength(1);
  });
});
