import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportDto, reportJson } from '../../src-main/backtest/report.js';
import { runBacktest } from '../../src-main/backtest/runner.js';
import { tradesCsv } from '../../src-main/backtest/trades.js';
import { parseCandleSeries } from '../../src-main/feeds/candles-csv.js';
import { defineStrategy } from '../../src-main/strategies/api.js';
import { MINUTE, T0, backtest, bars, closes, scripted } from './helpers.js';

const FTX = parseCandleSeries(readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 3001).join('\n'));

describe('a backtest run', () => {
  it('is deterministic: the same data, strategy and parameters give the same report and trades to the last byte', async () => {
    const run = async () => {
      const r = await backtest(FTX, 'rsi-reversion', { symbol: 'BTC/USD', params: { period: 7, stop: 0.01 }, slippage: '0.0002' });
      return { report: reportJson(reportDto(r)), trades: tradesCsv(r.trades), ids: r.orderRecords.map((o) => [o.id, o.clientOrderId, o.state]) };
    };
    const [a, b] = [await run(), await run()];
    expect(a.ids.length).toBeGreaterThan(20);
    expect(b).toEqual(a);
  });

  it("tags every order with the strategy's id as the client order id prefix", async () => {
    const r = await backtest(closes([10, 9, 12, 12, 11, 11]), 'sma-cross', { params: { fast: 1, slow: 2 }, strategyId: 'fast-one' });
    expect(r.orderRecords.map((o) => o.clientOrderId)).toEqual(['fast-one-1', 'fast-one-2']);
  });

  it('runs the orders through the risk engine: a limit set for the run refuses them, and the refusal is reported', async () => {
    const r = await backtest(
      closes([100, 100, 100]),
      scripted((bar, ctx) => {
        if (bar.index === 0) void ctx.buy('5');
      }),
      { riskLimits: { max_order_quantity: '1' } },
    );
    expect(r.orders.placed).toBe(0);
    expect(r.refusals).toEqual([expect.objectContaining({ code: 'RISK_REJECTED', message: expect.stringContaining('max_order_quantity') })]);
  });

  it('drives timers by bar time: onTimer runs at the first bar close at or after it is due', async () => {
    const fired: Array<[string, number]> = [];
    const strategy = defineStrategy({
      name: 'timers',
      params: {},
      create: () => ({
        onStart: (ctx) => {
          ctx.setTimer('once', 2.5 * MINUTE);
          ctx.setTimer('every', 2 * MINUTE, { repeat: true });
        },
        onTimer: (name, ctx) => void fired.push([name, (ctx.now() - T0) / MINUTE]),
      }),
    });
    await backtest(closes([1, 1, 1, 1, 1, 1]), strategy);
    // bar k closes at k + 1 minutes
    expect(fired).toEqual([
      ['every', 2],
      ['once', 3],
      ['every', 4],
      ['every', 6],
    ]);
  });

  it('calls onStart before the first bar and onStop after the last; the clock is the bar close when the strategy decides', async () => {
    const seen: string[] = [];
    const strategy = defineStrategy({
      name: 'life',
      params: {},
      create: () => ({
        onStart: () => void seen.push('start'),
        onBar: (bar, ctx) => void seen.push(`bar ${bar.index} at ${(ctx.now() - T0) / MINUTE}`),
        onStop: () => void seen.push('stop'),
      }),
    });
    await backtest(closes([1, 2]), strategy);
    expect(seen).toEqual(['start', 'bar 0 at 1', 'bar 1 at 2', 'stop']);
  });

  it('tells the strategy about its orders and fills before the next bar, with its position and cash already updated', async () => {
    const log: string[] = [];
    const strategy = defineStrategy({
      name: 'watch',
      params: {},
      create: () => ({
        onBar: (bar, ctx) => {
          log.push(`bar ${bar.index} position ${ctx.position().toFixed()}`);
          if (bar.index === 0) void ctx.buy('1');
        },
        onOrder: (o) => void log.push(`order ${o.status}`),
        onFill: (f, ctx) => void log.push(`fill ${f.quantity.toFixed()} @ ${f.price.toFixed()} position ${ctx.position().toFixed()} cash ${ctx.cash().toFixed()}`),
      }),
    });
    await backtest(closes([100, 100, 100]), strategy, { cash: '1000' });
    expect(log).toEqual(['bar 0 position 0', 'order pending', 'fill 1 @ 100 position 1 cash 899.9', 'order filled', 'bar 1 position 1', 'bar 2 position 1']);
  });

  it('fails with the strategy’s error when a handler throws', async () => {
    const broken = scripted((bar) => {
      if (bar.index === 1) throw new Error('division by zero');
    });
    await expect(backtest(closes([1, 2, 3]), broken)).rejects.toThrow('the strategy failed: division by zero');
  });

  it('runs only the bars within from..to', async () => {
    const r = await backtest(closes([1, 2, 3, 4, 5]), scripted(() => {}), { from: T0 + MINUTE, to: T0 + 3 * MINUTE });
    expect(r.metrics.bars).toBe(3);
    expect(r.equity.ts[0]).toBe(T0 + MINUTE);
  });

  it('reports progress and the end', async () => {
    const seen: number[] = [];
    await runBacktest({ data: closes(Array.from({ length: 10 }, () => 1)), symbol: 'BTC/USDT', strategy: scripted(() => {}), cash: '1', fee: '0' }, { progressEvery: 4, onProgress: (p) => seen.push(p.bars) });
    expect(seen).toEqual([4, 8, 10]);
  });

  it.each([
    [{ cash: '0' }, 'cash must be a positive amount'],
    [{ cash: 'x' }, 'cash must be a decimal number'],
    [{ fee: '1' }, 'fee must be a fraction'],
    [{ slippage: '-0.1' }, 'slippage must be a fraction'],
    [{ symbol: 'bitcoin' }, 'symbol must name a market as BASE/QUOTE'],
    [{ data: '/nowhere/x.csv' }, 'data file not found'],
    [{ strategyId: 'Has Spaces' }, 'strategy id "Has Spaces"'],
    [{ from: T0 + 99 * MINUTE }, 'no bars between'],
  ])('refuses a bad config %j naming the field', async (change, message) => {
    await expect(backtest(bars([[1, 1, 1, 1]]), scripted(() => {}), change as never)).rejects.toThrow(message);
  });
});
