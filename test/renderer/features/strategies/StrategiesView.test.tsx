// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallError } from '../../../../src-renderer/client/call-error.js';
import StrategiesView from '../../../../src-renderer/features/strategies/StrategiesView.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useStrategies } from '../../../../src-renderer/state/strategies.js';
import { RSI, SMA_CROSS } from '../../helpers/backtests.js';
import { FakeClient, INSTRUMENT } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render, type } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeAll(() => {
  const proto = HTMLDialogElement.prototype as unknown as { showModal?: () => void };
  proto.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});
beforeEach(() => {
  resetStores();
  useStrategies.getState().reset();
  useReference.getState().setAccounts([
    { id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' },
    { id: 'binance-main', exchange: 'binance', mode: 'live', status: 'active' },
  ]);
  useReference.getState().setInstruments([INSTRUMENT]);
});
afterEach(cleanup);

const instance = (patch: Record<string, unknown> = {}) => ({
  id: 'sma-cross',
  strategy: 'sma-cross',
  source: 'builtin:sma-cross',
  account: 'paper',
  symbol: 'BTC/USDT',
  mode: 'paper',
  params: { fast: 10, slow: 30, fraction: 0.95 },
  status: 'running',
  error: null,
  error_stack: null,
  restart: null,
  started_at: 1_700_000_000_000,
  stopped_at: null,
  orders_placed: 3,
  refusals: [],
  ...patch,
});

function engine(running: Array<ReturnType<typeof instance>> = []) {
  return new FakeClient({
    'strategies.list': () => ({ available: [SMA_CROSS, RSI], running }),
    'strategies.start': (p: any) => instance({ id: p.id ?? p.strategy, strategy: p.strategy, account: p.account, symbol: p.symbol, params: p.params }),
    'strategies.stop': (p: any) => instance({ id: p.id, status: 'stopped', stopped_at: 1_700_000_100_000 }),
    'strategies.setParams': (p: any) => instance({ id: p.id, params: { fast: 10, slow: 30, fraction: 0.95, ...p.params } }),
  });
}
const submit = async (el: HTMLElement) => {
  await act(async () => {
    el.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
};
const field = (c: ParentNode, name: string) => $(c, `[name="${name}"]`) as HTMLInputElement;

describe('Strategies', () => {
  it('starts a strategy on an account and symbol with the parameters typed', async () => {
    const client = engine();
    const { container } = await render(<StrategiesView />, client);
    await flush();
    expect(field(container, 'param-fast').value).toBe('10');
    await type(field(container, 'param-fast'), '7');
    await type(field(container, 'strategy-id'), 'sma-fast');
    await submit($(container, '[data-testid="strategy-form"]'));
    expect(client.callsOf('strategies.start')).toEqual([{ strategy: 'sma-cross', account: 'paper', symbol: 'BTC/USDT', params: { fast: 7, slow: 30, fraction: 0.95 }, id: 'sma-fast' }]);
    expect(useStrategies.getState().running.map((r) => r.id)).toEqual(['sma-fast']);
    expect($(container, '[data-strategy="sma-fast"]').textContent).toContain('fast=7 slow=30 fraction=0.95');
  });

  it('on a live account, says so and needs the confirmation', async () => {
    const client = engine();
    const { container } = await render(<StrategiesView />, client);
    await flush();
    const account = $(container, 'select[name="account"]') as HTMLSelectElement;
    await act(async () => {
      account.value = 'binance-main';
      account.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect($(container, '.live-warning').textContent).toContain('binance-main trades real money');
    expect(($(container, '[data-testid="strategy-start"]') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows a refusal of one parameter at that parameter', async () => {
    const client = engine();
    client.handlers['strategies.start'] = () => {
      throw new CallError('BAD_REQUEST', 'parameter slow must be at least 2, got 1', { field: 'params.slow' });
    };
    const { container } = await render(<StrategiesView />, client);
    await flush();
    await submit($(container, '[data-testid="strategy-form"]'));
    expect(field(container, 'param-slow').getAttribute('aria-invalid')).toBe('true');
    expect(container.textContent).toContain('parameter slow must be at least 2, got 1');
  });

  it('stops a running strategy after a confirmation', async () => {
    const client = engine([instance()]);
    const { container } = await render(<StrategiesView />, client);
    await flush();
    await click($(container, '[data-testid="stop-strategy"]'));
    expect(client.callsOf('strategies.stop')).toEqual([]);
    await click($(container, '[data-testid="stop-confirm"]'));
    await flush();
    expect(client.callsOf('strategies.stop')).toEqual([{ id: 'sma-cross', cancel_orders: true }]);
    expect($(container, '[data-strategy="sma-cross"]').textContent).toContain('stopped');
    expect(container.querySelector('[data-testid="stop-strategy"]')).toBeNull();
  });

  it('changes the parameters of a running strategy, sending only what changed', async () => {
    const client = engine([instance()]);
    const { container } = await render(<StrategiesView />, client);
    await flush();
    await click($(container, '[data-testid="edit-strategy"]'));
    const dialog = $(container, '[data-testid="edit-params"]');
    expect(field(dialog, 'param-slow').value).toBe('30');
    await type(field(dialog, 'param-slow'), '50');
    await submit(dialog);
    expect(client.callsOf('strategies.setParams')).toEqual([{ id: 'sma-cross', params: { slow: 50 } }]);
    expect($(container, '[data-strategy="sma-cross"]').textContent).toContain('slow=50');
  });

  it('shows a failed strategy with its error and the orders it had refused', async () => {
    const client = engine([instance({ status: 'failed', error: 'onBar threw: boom', refusals: [{ ts: 1_700_000_000_000, code: 'RISK_REJECTED', message: 'max_order_notional' }] })]);
    const { container } = await render(<StrategiesView />, client);
    await flush();
    const row = $(container, '[data-strategy="sma-cross"]').textContent;
    expect(row).toContain('failed');
    expect(row).toContain('onBar threw: boom');
    expect(row).toContain('1 refused · last: max_order_notional');
  });

  it('shows a strategy its own breaker halted, with the numbers, and starts it again', async () => {
    const error = 'halted by its own risk breaker max_daily_loss (value 36.04, limit 30): strategy sma-cross lost 36.04 since 00:00 UTC 2026-12-02 (limit 30)';
    const client = engine([instance({ status: 'halted', error, stopped_at: 1_700_000_100_000 })]);
    const { container } = await render(<StrategiesView />, client);
    await flush();
    const row = $(container, '[data-strategy="sma-cross"]');
    expect(row.querySelector('.tone-warn')?.textContent).toBe('halted');
    expect(row.textContent).toContain('max_daily_loss (value 36.04, limit 30)');
    expect(row.querySelector('[data-testid="stop-strategy"]')).toBeNull();
    // the trader starts it again: same strategy, id, market and parameters
    await click($(row, '[data-testid="start-again"]'));
    await flush();
    expect(client.callsOf('strategies.start')).toEqual([{ strategy: 'sma-cross', id: 'sma-cross', account: 'paper', symbol: 'BTC/USDT', params: { fast: 10, slow: 30, fraction: 0.95 } }]);
    expect($(container, '[data-strategy="sma-cross"]').textContent).toContain('running');
  });

  it('marks the strategies the restart resumed, left stopped or could not resume, and names the stopped ones', async () => {
    const at = 1_700_000_500_000;
    const client = engine([
      instance({ id: 'trend', restart: { action: 'resumed', at } }),
      instance({ id: 'revert', strategy: 'rsi-reversion', status: 'stopped', stopped_at: at, restart: { action: 'stopped', at } }),
      instance({ id: 'ladder', strategy: 'grid', status: 'stopped', stopped_at: at, restart: { action: 'stopped', at } }),
      instance({ id: 'mine', strategy: 'mine', status: 'failed', stopped_at: at, error: 'could not be resumed after the restart: strategy module not found: mine.mjs', restart: { action: 'failed', at } }),
      instance({ id: 'fresh' }),
    ]);
    const { container } = await render(<StrategiesView />, client);
    await flush();
    const mark = (id: string) => $(container, `[data-strategy="${id}"]`).querySelector('[data-testid="restart-mark"]')?.textContent ?? null;
    expect(mark('trend')).toBe('resumed after restart');
    expect(mark('revert')).toBe('stopped by the restart');
    expect(mark('ladder')).toBe('stopped by the restart');
    expect(mark('mine')).toBe('not resumed after restart');
    expect(mark('fresh')).toBeNull();
    expect($(container, '[data-strategy="mine"]').textContent).toContain('strategy module not found: mine.mjs');
    expect($(container, '[data-testid="stopped-by-restart"]').textContent).toContain('Stopped by the restart (resuming strategies on start is off): revert, ladder.');
    // a resumed strategy can be retuned and stopped like any running one
    expect($(container, '[data-strategy="trend"]').querySelector('[data-testid="stop-strategy"]')).not.toBeNull();
  });

  it('shows the stack of a strategy that threw', async () => {
    const client = engine([instance({ status: 'failed', error: 'bad bar 2', error_stack: 'Error: bad bar 2\n    at decideSomething (thrower.mjs:1:50)' })]);
    const { container } = await render(<StrategiesView />, client);
    await flush();
    expect($(container, '[data-testid="error-stack"]').textContent).toContain('at decideSomething (thrower.mjs:1:50)');
  });

});
