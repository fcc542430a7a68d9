import { describe, expect, it } from 'vitest';
import { METHODS } from '../../../src-common/contract/methods.js';
import type { TernError } from '../../../src-common/contract/errors.js';
import { LimitBook } from '../../../src-main/engine/risk/limits.js';
import { ctx, startHarness } from '../../helpers/engine-harness.js';
import { context, harness, order, outcome } from './risk-fixtures.js';

describe('limit scopes', () => {
  it('the narrowest scope that sets a limit wins: account+symbol, then account, then global', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_quantity: '10' } });
    risk.setLimits({ account: 'paper', limits: { max_order_quantity: '5' } });
    risk.setLimits({ account: 'paper', symbol: 'BTC/USDT', limits: { max_order_quantity: '2' } });
    expect(outcome(() => risk.check(order({ quantity: '3' }), context()))).toMatchObject({ limit: '2', scope: { account: 'paper', symbol: 'BTC/USDT' } });
    expect(outcome(() => risk.check(order({ symbol: 'ETH/USDT', quantity: '6' }), context()))).toMatchObject({ limit: '5', scope: { account: 'paper', symbol: null } });
    expect(outcome(() => risk.check(order({ symbol: 'ETH/USDT', quantity: '5' }), context()))).toBe('passed');
    expect(outcome(() => risk.check(order({ account: 'other', quantity: '11' }), context()))).toMatchObject({ limit: '10', scope: { account: null, symbol: null } });
  });

  it('a narrower scope may be looser than a wider one', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_quantity: '1' } });
    risk.setLimits({ account: 'paper', symbol: 'BTC/USDT', limits: { max_order_quantity: '5' } });
    expect(outcome(() => risk.check(order({ quantity: '4' }), context()))).toBe('passed');
    expect(outcome(() => risk.check(order({ symbol: 'ETH/USDT', quantity: '4' }), context()))).toMatchObject({ limit: '1' });
  });

  it('each limit resolves on its own: a scope that sets one limit does not hide the others set wider', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_notional: '100' } });
    risk.setLimits({ account: 'paper', symbol: 'BTC/USDT', limits: { max_order_quantity: '5' } });
    expect(outcome(() => risk.check(order({ quantity: '2', price: '100' }), context()))).toMatchObject({ rule: 'max_order_notional', scope: { account: null } });
  });

  it('null removes a limit, and the next wider scope applies again', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_quantity: '10' } });
    risk.setLimits({ account: 'paper', limits: { max_order_quantity: '1' } });
    expect(outcome(() => risk.check(order({ quantity: '2' }), context()))).toMatchObject({ limit: '1' });
    risk.setLimits({ account: 'paper', limits: { max_order_quantity: null } });
    expect(outcome(() => risk.check(order({ quantity: '2' }), context()))).toBe('passed');
    risk.setLimits({ limits: { max_order_quantity: null } });
    expect(outcome(() => risk.check(order({ quantity: '1000' }), context()))).toBe('passed');
    expect(risk.snapshot().limits).toEqual([]);
  });

  it('a name left out of a patch keeps its value', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_quantity: '10', max_open_orders: '3' } });
    risk.setLimits({ limits: { max_open_orders: '4' } });
    expect(risk.snapshot().limits).toEqual([{ account: null, symbol: null, limits: { max_order_quantity: '10', max_open_orders: '4' } }]);
  });

  it('lists global first, then accounts, then account+symbol scopes', () => {
    const book = new LimitBook();
    book.set('paper', 'BTC/USDT', { max_order_quantity: '1' });
    book.set('paper', undefined, { max_order_quantity: '2' });
    book.set(undefined, undefined, { max_order_quantity: '3' });
    expect(book.list().map((l) => [l.account, l.symbol])).toEqual([
      [null, null],
      ['paper', null],
      ['paper', 'BTC/USDT'],
    ]);
    expect(LimitBook.fromList(book.list()).list()).toEqual(book.list());
  });
});

describe('limit values', () => {
  const parse = (p: unknown) => METHODS['risk.setLimits'].params.safeParse(p);
  const firstIssue = (p: unknown) => {
    const r = parse(p);
    return r.success ? null : { path: r.error.issues[0]!.path.join('.'), message: r.error.issues[0]!.message };
  };

  it('are decimal strings; numbers, negatives and unknown names are refused with the field named', () => {
    expect(firstIssue({ limits: { max_order_quantity: 5 } })).toMatchObject({ path: 'limits.max_order_quantity' });
    expect(firstIssue({ limits: { max_order_notional: '-1' } })).toMatchObject({ path: 'limits.max_order_notional', message: 'must not be negative' });
    expect(firstIssue({ limits: { max_leverage: '2' } })).toMatchObject({ message: expect.stringContaining('max_leverage') });
  });

  it('counts are whole numbers, percentages lie between 0 and 100, a rate is above zero', () => {
    expect(firstIssue({ limits: { max_open_orders: '2.5' } })).toMatchObject({ path: 'limits.max_open_orders' });
    expect(firstIssue({ limits: { max_consecutive_losses: '3.0' } })).toBeNull();
    expect(firstIssue({ limits: { max_drawdown_pct: '100.01' } })).toMatchObject({ path: 'limits.max_drawdown_pct' });
    expect(firstIssue({ limits: { max_drawdown_pct: '12.5' } })).toBeNull();
    expect(firstIssue({ limits: { max_orders_per_second: '0' } })).toMatchObject({ path: 'limits.max_orders_per_second' });
  });

  it('a symbol scope needs an account, and breakers are not set per symbol', () => {
    expect(firstIssue({ symbol: 'BTC/USDT', limits: {} })).toMatchObject({ path: 'symbol' });
    expect(firstIssue({ account: 'paper', symbol: 'BTC/USDT', limits: { max_daily_loss: '10' } })).toMatchObject({
      path: 'limits.max_daily_loss',
      message: 'max_daily_loss is set globally or per account, not per symbol',
    });
  });

  it('RiskEngine.setLimits refuses bad values itself, as BAD_REQUEST naming the field', () => {
    const { risk } = harness();
    expect(() => risk.setLimits({ limits: { max_open_orders: '1.5' } })).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST', details: expect.objectContaining({ field: 'limits.max_open_orders' }) }),
    );
  });

  // issue 10 part 4: the risk engine parsed the limits again and worded its own refusal
  it('RiskEngine.setLimits and the engine call refuse a bad value with the same error', async () => {
    const h = await startHarness();
    try {
      const refusal = async (f: () => unknown) => {
        try {
          await f();
        } catch (err) {
          const { code, message, details } = err as TernError;
          return { code, message, details };
        }
        throw new Error('not refused');
      };
      const bad = [{ limits: { max_open_orders: '1.5' } }, { limits: { max_leverage: '2' } }, { symbol: 'BTC/USDT', limits: {} }];
      for (const params of bad) {
        const direct = await refusal(() => harness().risk.setLimits(params as never));
        expect(direct).toEqual(await refusal(() => h.engine.call('risk.setLimits', params as never, ctx)));
        expect(direct).toMatchObject({ code: 'BAD_REQUEST', details: { field: expect.stringMatching(/^(limits\.|symbol)/) } });
      }
    } finally {
      await h.dispose();
    }
  });
});
