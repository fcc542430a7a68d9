import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Risk } from '../../../src-common/contract/schemas.js';
import { type Decimal, ZERO, dec, str } from '../../../src-main/engine/model/decimal.js';
import type { FillRecord } from '../../../src-main/engine/model/types.js';
import { Portfolio } from '../../../src-main/engine/portfolio/portfolio.js';
import { ManualClock } from '../../../src-main/engine/ports/clock.js';
import { type PortfolioView, portfolioView } from '../../../src-main/engine/risk/portfolio-view.js';
import { harness } from './risk-fixtures.js';

/** 1-minute BTC-PERP candles from FTX, January 2022 (../shared/data) */
interface Bar {
  ts: number;
  open: Decimal;
  close: Decimal;
}
const CSV = '/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv';
const allBars: Bar[] = readFileSync(CSV, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [ts, open, , , close] = line.split(',');
    return { ts: Number(ts), open: dec(open!), close: dec(close!) };
  });
const MINUTE = 60_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const barsBetween = (from: number, to: number) => allBars.filter((b) => b.ts >= from && b.ts < to);

/** A spot account trading BTC/USDT in the engine's Portfolio: fills move positions and balances. */
class SpotAccount {
  readonly portfolio: Portfolio;
  private usdt: Decimal;
  private btc = ZERO;
  private n = 0;
  mark = ZERO;

  constructor(
    readonly account = 'paper',
    cash = '100000',
    portfolio = new Portfolio(),
  ) {
    this.portfolio = portfolio;
    this.usdt = dec(cash);
    this.balances(0);
  }

  trade(side: 'buy' | 'sell', quantity: string, price: Decimal, ts: number, feeRate = '0') {
    const q = dec(quantity);
    const fee = q.mul(price).mul(feeRate);
    this.n += 1;
    const fill: FillRecord = {
      id: `F-${this.account}-${this.n}`,
      orderId: `O-${this.n}`,
      clientOrderId: `c-${this.n}`,
      account: this.account,
      symbol: 'BTC/USDT',
      side,
      quantity: q,
      price,
      fee,
      feeAsset: 'USDT',
      liquidity: 'taker',
      venueTradeId: `T-${this.n}`,
      ts,
    };
    this.portfolio.applyFill(fill);
    const cost = q.mul(price);
    this.usdt = side === 'buy' ? this.usdt.sub(cost).sub(fee) : this.usdt.add(cost).sub(fee);
    this.btc = side === 'buy' ? this.btc.add(q) : this.btc.sub(q);
    this.mark = price;
    this.balances(ts);
  }

  private balances(ts: number) {
    this.portfolio.setBalance({ account: this.account, asset: 'USDT', total: this.usdt, locked: ZERO, updatedAt: ts });
    this.portfolio.setBalance({ account: this.account, asset: 'BTC', total: this.btc, locked: ZERO, updatedAt: ts });
  }
}

function view(portfolio: Portfolio, accounts: string[], mark: () => Decimal): PortfolioView {
  return portfolioView(portfolio, accounts, { quoteOf: () => 'USDT', asset: () => mark(), symbol: () => mark() });
}

describe('max_daily_loss on a falling day (BTC-PERP, 2022-01-21)', () => {
  it('trips at the first bar whose loss since 00:00 UTC exceeds the limit, and halts with the numbers', () => {
    const clock = new ManualClock(day('2022-01-21'));
    const { risk, journal } = harness({ clock });
    risk.setLimits({ limits: { max_daily_loss: '1000' } });
    const bars = barsBetween(day('2022-01-21'), day('2022-01-22'));
    const entry = bars[0]!.open;
    const acct = new SpotAccount();
    acct.trade('buy', '1', entry, clock.now());
    expect(risk.evaluate(view(acct.portfolio, ['paper'], () => acct.mark))).toEqual([]);

    // where it must trip: the first close more than 1000 below the entry (PnL at 00:00 was 0)
    const expected = bars.findIndex((b) => entry.sub(b.close).gt(1000));
    expect(expected).toBeGreaterThan(0);

    let trippedAt = -1;
    for (const [i, bar] of bars.entries()) {
      clock.set(bar.ts + MINUTE);
      acct.mark = bar.close;
      const trips = risk.evaluate(view(acct.portfolio, ['paper'], () => acct.mark));
      if (trips.length) {
        trippedAt = i;
        break;
      }
    }
    expect(trippedAt).toBe(expected);
    const loss = entry.sub(bars[expected]!.close);
    const snap = risk.snapshot();
    expect(Risk.parse(snap)).toEqual(snap);
    expect(snap.state).toBe('HALTED');
    expect(snap.reason).toBe(`max_daily_loss: all accounts together lost ${str(loss)} since 00:00 UTC 2022-01-21 (limit 1000)`);
    expect(snap.breakers).toEqual([
      { rule: 'max_daily_loss', account: null, tripped_at: new Date(bars[expected]!.ts + MINUTE).toISOString(), reason: snap.reason, limit: '1000', value: str(loss) },
    ]);
    expect(journal.settingEntries('risk.trips')).toHaveLength(1);
    expect(journal.riskEvents().some((e) => e.event === 'trip')).toBe(true);
  });

  it('counts from 00:00 UTC: losses of the day before do not count, the PnL at midnight is the new start', () => {
    const clock = new ManualClock(day('2022-01-20') + 12 * 60 * MINUTE);
    const { risk } = harness({ clock });
    risk.setLimits({ account: 'paper', limits: { max_daily_loss: '2500' } });
    const acct = new SpotAccount();
    const before = barsBetween(clock.now(), day('2022-01-21'));
    const after = barsBetween(day('2022-01-21'), day('2022-01-22'));
    const entry = before[0]!.open;
    acct.trade('buy', '1', entry, clock.now());
    const evaluateAt = (bar: Bar) => {
      clock.set(bar.ts + MINUTE);
      acct.mark = bar.close;
      return risk.evaluate(view(acct.portfolio, ['paper'], () => acct.mark));
    };

    for (const bar of before) expect(evaluateAt(bar)).toEqual([]);
    // the last close seen before midnight is where 2022-01-21 starts from
    const midnight = before.at(-1)!.close;
    const expected = after.findIndex((b) => midnight.sub(b.close).gt(2500));
    // the position had lost more than 2500 since entry before the day's own loss got there
    expect(after.findIndex((b) => entry.sub(b.close).gt(2500))).toBeLessThan(expected);

    const tripped = after.findIndex((bar) => evaluateAt(bar).length > 0);
    expect(tripped).toBe(expected);
    expect(risk.snapshot().breakers[0]).toMatchObject({ rule: 'max_daily_loss', account: 'paper', value: str(midnight.sub(after[expected]!.close)) });
  });
});

describe('max_drawdown_pct on a falling day', () => {
  it('trips at the first bar whose equity is more than the limit below its peak', () => {
    const clock = new ManualClock(day('2022-01-21'));
    const { risk } = harness({ clock });
    risk.setLimits({ account: 'paper', limits: { max_drawdown_pct: '5' } });
    const bars = barsBetween(day('2022-01-21'), day('2022-01-22'));
    const acct = new SpotAccount('paper', '100000');
    acct.trade('buy', '2', bars[0]!.open, clock.now());
    const cash = dec('100000').sub(bars[0]!.open.mul(2));
    let peak = cash.add(bars[0]!.open.mul(2));
    let expected = -1;
    for (const [i, bar] of bars.entries()) {
      const equity = cash.add(bar.close.mul(2));
      if (equity.gt(peak)) peak = equity;
      if (peak.sub(equity).div(peak).mul(100).gt(5)) {
        expected = i;
        break;
      }
    }
    expect(expected).toBeGreaterThan(0);

    risk.evaluate(view(acct.portfolio, ['paper'], () => acct.mark));
    const tripped = bars.findIndex((bar) => {
      clock.set(bar.ts + MINUTE);
      acct.mark = bar.close;
      return risk.evaluate(view(acct.portfolio, ['paper'], () => acct.mark)).length > 0;
    });
    expect(tripped).toBe(expected);
    const trip = risk.snapshot().breakers[0]!;
    expect(trip).toMatchObject({ rule: 'max_drawdown_pct', account: 'paper', limit: '5' });
    expect(dec(trip.value).gt(5)).toBe(true);
    expect(trip.reason).toContain(`below its peak ${str(peak)}`);
  });
});

describe('max_consecutive_losses on a falling day', () => {
  it('trips when losing round trips in a row exceed the limit, fees included', () => {
    const clock = new ManualClock(day('2022-01-21'));
    const { risk } = harness({ clock });
    risk.setLimits({ limits: { max_consecutive_losses: '3' } });
    const bars = barsBetween(day('2022-01-21'), day('2022-01-22'));
    const acct = new SpotAccount();
    const fee = '0.0007';

    // a long each hour: in at the open of minute 0, out at the close of minute 30
    let streak = 0;
    let expectedTrip = -1;
    const hours = Math.floor(bars.length / 60);
    for (let h = 0; h < hours && expectedTrip < 0; h++) {
      const inBar = bars[h * 60]!;
      const outBar = bars[h * 60 + 30]!;
      const result = outBar.close.sub(inBar.open).sub(inBar.open.mul(fee)).sub(outBar.close.mul(fee));
      streak = result.isNegative() ? streak + 1 : 0;
      if (streak > 3) expectedTrip = h;
    }
    expect(expectedTrip).toBeGreaterThan(0);

    let tripped = -1;
    for (let h = 0; h < hours && tripped < 0; h++) {
      const inBar = bars[h * 60]!;
      const outBar = bars[h * 60 + 30]!;
      clock.set(inBar.ts);
      acct.trade('buy', '1', inBar.open, clock.now(), fee);
      expect(risk.evaluate(view(acct.portfolio, ['paper'], () => acct.mark))).toEqual([]);
      clock.set(outBar.ts + MINUTE);
      acct.trade('sell', '1', outBar.close, clock.now(), fee);
      if (risk.evaluate(view(acct.portfolio, ['paper'], () => acct.mark)).length > 0) tripped = h;
    }
    expect(tripped).toBe(expectedTrip);
    expect(risk.snapshot()).toMatchObject({ state: 'HALTED', breakers: [{ rule: 'max_consecutive_losses', account: null, value: '4', limit: '3' }] });
    expect(risk.snapshot().reason).toMatch(/^max_consecutive_losses: all accounts together: 4 losing round trips in a row, the last on BTC\/USDT \(-\d+(\.\d+)?\) \(limit 3\)$/);
  });
});

describe('breaker scopes and re-arming', () => {
  function twoAccounts() {
    const clock = new ManualClock(day('2022-01-21'));
    const h = harness({ clock });
    const portfolio = new Portfolio();
    const a = new SpotAccount('a', '50000', portfolio);
    const b = new SpotAccount('b', '50000', portfolio);
    a.trade('buy', '1', dec('40000'), clock.now());
    b.trade('buy', '1', dec('40000'), clock.now());
    let mark = dec('40000');
    const at = (price: string) => {
      mark = dec(price);
      return h.risk.evaluate(view(portfolio, ['a', 'b'], () => mark));
    };
    at('40000');
    return { ...h, at };
  }

  it('a global limit is measured on all accounts together, an account limit on that account alone', () => {
    const { risk, at } = twoAccounts();
    risk.setLimits({ limits: { max_daily_loss: '1000' } });
    risk.setLimits({ account: 'a', limits: { max_daily_loss: '700' } });
    const trips = at('39400');
    expect(trips.map((t) => [t.rule, t.account, str(t.value)])).toEqual([['max_daily_loss', null, '1200']]);
    expect(risk.snapshot().usage.daily_loss).toEqual([
      { account: null, symbol: null, value: '1200', limit: '1000' },
      { account: 'a', symbol: null, value: '600', limit: '700' },
      { account: 'b', symbol: null, value: '600', limit: null },
    ]);
  });

  it('a loss leaves in usage, trips and reasons at the money scale (8 places, half to even), however many digits the mark has', () => {
    const { risk, at } = twoAccounts();
    risk.setLimits({ limits: { max_daily_loss: '1000' } });
    const trips = at('39399.123456789123'); // loss 2 × 600.876543210877
    expect(trips.map((t) => t.reason)).toEqual([expect.stringContaining('lost 1201.75308642 since')]);
    // measured exactly; on the wire (risk.get, the trip event) at the money scale
    expect(risk.snapshot().breakers.map((b) => b.value)).toEqual(['1201.75308642']);
    expect(risk.snapshot().usage.daily_loss.map((r) => r.value)).toEqual(['1201.75308642', '600.87654321', '600.87654321']);
  });

  it('a tripped breaker does not trip again while HALTED; resuming the day still beyond its loss limit trips at once', () => {
    const { risk, at } = twoAccounts();
    risk.setLimits({ limits: { max_daily_loss: '1000' } });
    expect(at('39000')).toHaveLength(1);
    expect(at('38900')).toEqual([]);
    risk.setState('ACTIVE', 'reviewed');
    expect(at('38900')).toHaveLength(1);
    expect(risk.status.state).toBe('HALTED');
  });

  it('resuming restarts the drawdown from the current equity', () => {
    const { risk, at } = twoAccounts();
    risk.setLimits({ limits: { max_drawdown_pct: '1' } });
    expect(at('38000')).toHaveLength(1);
    risk.setState('ACTIVE', 'reviewed');
    expect(at('37900')).toEqual([]);
    expect(at('36000')).toHaveLength(1);
  });
});
