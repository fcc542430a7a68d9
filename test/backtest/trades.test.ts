import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTrips, tradesCsv } from '../../src-main/backtest/trades.js';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import type { FillRecord } from '../../src-main/engine/model/types.js';

let n = 0;
function fill(side: 'buy' | 'sell', quantity: string, price: string, fee: string, ts: number): FillRecord {
  n++;
  return {
    id: `F${n}`,
    orderId: `O${n}`,
    clientOrderId: `c${n}`,
    account: 'a',
    symbol: 'BTC/USDT',
    side,
    quantity: new Decimal(quantity),
    price: new Decimal(price),
    fee: new Decimal(fee),
    feeAsset: 'USDT',
    liquidity: 'taker',
    venueTradeId: `T${n}`,
    ts,
  };
}

const row = (t: ReturnType<typeof roundTrips>['trades'][number]) => [t.side, t.entryTime, t.entryPrice.toFixed(), t.exitTime, t.exitPrice.toFixed(), t.quantity.toFixed(), t.pnlGross.toFixed(), t.pnlNet.toFixed(), t.fees.toFixed()];

describe('round trips', () => {
  it('one buy and one sell make one long trade: gross = exit − entry notional, net = gross − both fees', () => {
    const { trades, open } = roundTrips([fill('buy', '2', '100', '0.2', 1), fill('sell', '2', '110', '0.22', 2)]);
    expect(trades.map(row)).toEqual([['long', 1, '100', 2, '110', '2', '20', '19.58', '0.42']]);
    expect(open).toBeNull();
  });

  it('scaling in and out averages the prices by volume, from flat to flat', () => {
    const { trades } = roundTrips([fill('buy', '1', '100', '0', 1), fill('buy', '3', '104', '0', 2), fill('sell', '2', '110', '0', 3), fill('sell', '2', '90', '0', 4)]);
    // entry (100 + 312) / 4 = 103, exit (220 + 180) / 4 = 100
    expect(trades.map(row)).toEqual([['long', 1, '103', 4, '100', '4', '-12', '-12', '0']]);
  });

  it('a fill that flips the position closes one trade and opens the next, splitting its fee by quantity', () => {
    const { trades, open } = roundTrips([fill('buy', '1', '100', '1', 1), fill('sell', '3', '90', '3', 2), fill('buy', '2', '80', '2', 3)]);
    expect(trades.map(row)).toEqual([
      ['long', 1, '100', 2, '90', '1', '-10', '-12', '2'],
      ['short', 2, '90', 3, '80', '2', '20', '16', '4'],
    ]);
    expect(open).toBeNull();
  });

  it('a position still open at the end is not a trade; it is reported as open', () => {
    const { trades, open } = roundTrips([fill('buy', '1', '100', '0.1', 5)]);
    expect(trades).toEqual([]);
    expect(open && [open.side, open.entryTime, open.entryPrice.toFixed(), open.quantity.toFixed(), open.fees.toFixed()]).toEqual(['long', 5, '100', '1', '0.1']);
  });

  it('trades.csv has the fixed header and one line per trade, times in epoch ms', () => {
    const { trades } = roundTrips([fill('buy', '0.5', '100.5', '0.05025', 1700000000000), fill('sell', '0.5', '101', '0.0505', 1700000060000)]);
    expect(tradesCsv(trades)).toBe('entry_time,entry_price,exit_time,exit_price,quantity,pnl_gross,pnl_net,fees\n1700000000000,100.5,1700000060000,101,0.5,0.25,0.14925,0.10075\n');
  });

  it('averages of one fill are its price without a division, digit for digit what dividing its notional gives, also when the notional is rounded', () => {
    // the averages as volume-weighted sums divided, the way they were computed before the shortcut
    const dividing = (fills: FillRecord[]) => {
      const out: string[][] = [];
      let pos = new Decimal(0);
      let c: { entryQty: Decimal; entryN: Decimal; exitQty: Decimal; exitN: Decimal } | null = null;
      let long = true;
      for (const f of fills) {
        let q = f.quantity;
        const buy = f.side === 'buy';
        if (c && long !== buy) {
          const closing = Decimal.min(q, pos.abs());
          c.exitQty = c.exitQty.plus(closing);
          c.exitN = c.exitN.plus(closing.mul(f.price));
          pos = buy ? pos.plus(closing) : pos.minus(closing);
          q = q.minus(closing);
          if (pos.isZero()) {
            out.push([c.entryN.div(c.entryQty).toFixed(), c.exitN.div(c.exitQty).toFixed()]);
            c = null;
          }
          if (q.isZero()) continue;
        }
        if (!c) {
          c = { entryQty: new Decimal(0), entryN: new Decimal(0), exitQty: new Decimal(0), exitN: new Decimal(0) };
          long = buy;
        }
        c.entryQty = c.entryQty.plus(q);
        c.entryN = c.entryN.plus(q.mul(f.price));
        pos = buy ? pos.plus(q) : pos.minus(q);
      }
      return out;
    };
    // up to 24 significant digits each: some notionals fit the 40 digits exactly, some are rounded
    const digits = fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 24n }), fc.integer({ min: 0, max: 20 })).map(([units, scale]) => new Decimal(`${units}e-${scale}`).toFixed());
    const arb = fc.array(fc.tuple(fc.boolean(), digits, digits), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(arb, (spec) => {
        const fills = spec.map(([buy, q, p], i) => fill(buy ? 'buy' : 'sell', q, p, '0', i));
        const got = roundTrips(fills).trades.map((t) => [t.entryPrice.toFixed(), t.exitPrice.toFixed()]);
        expect(got).toEqual(dividing(fills));
      }),
      { numRuns: 300 },
    );
  });
});
