// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderTicket } from '../../../../src-renderer/features/ticket/OrderTicket.js';
import { CHECK_DELAY_MS } from '../../../../src-renderer/features/ticket/use-order-check.js';
import { useConnection } from '../../../../src-renderer/state/connection.js';
import { tickerKey, useMarket } from '../../../../src-renderer/state/market.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useRisk } from '../../../../src-renderer/state/risk.js';
import { FakeClient, INSTRUMENT, RISK } from '../../helpers/fake-client.js';
import { $, cleanup, click, render, type } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeEach(() => {
  resetStores();
  useReference.getState().setInstruments([INSTRUMENT]);
  useMarket.setState({ tickers: { [tickerKey('paper', 'BTC/USDT')]: { account: 'paper', symbol: 'BTC/USDT', bid: '40000', ask: '40001', last: '40000.5', ts: null, receivedAt: 1 } } });
  useConnection.setState({ status: { phase: 'open', reconnects: 0 } });
  useRisk.getState().set(RISK as never);
});
afterEach(cleanup);

const field = (c: HTMLElement, name: string) => $(c, `[data-ticket-field="${name}"]`) as HTMLInputElement;
/** the ticket asks the engine a moment after the last change */
const answered = () => act(() => new Promise((r) => setTimeout(r, CHECK_DELAY_MS + 50)));
const warnings = (c: HTMLElement) => [...c.querySelectorAll('[data-testid="risk-warnings"] li')].map((li) => li.textContent);

async function limitBuy(client: FakeClient, bracket = false) {
  const view = await render(<OrderTicket />, client);
  await type(field(view.container, 'quantity'), '0.01');
  await type(field(view.container, 'price'), '39000');
  if (bracket) {
    await click($(view.container, 'input[name="protect"]'));
    await type(field(view.container, 'takeProfit'), '42000');
    await type(field(view.container, 'stopLoss'), '38000');
  }
  await answered();
  return view.container;
}

describe('the ticket before sending', () => {
  it('shows who holds the exits as the engine decides it, before sending', async () => {
    const client = new FakeClient({ 'orders.check': () => ({ held_by: 'tern', refusals: [] }) });
    const c = await limitBuy(client, true);
    expect($(c, '[data-testid="held-by"]').textContent).toBe('Held by Tern · works only while Tern runs');
    expect(client.callsOf('orders.check').at(-1)).toEqual({ order: expect.objectContaining({ type: 'limit', take_profit: { price: '42000' }, stop_loss: { stop_price: '38000' } }) });
    expect(client.callsOf('orders.create')).toEqual([]);

    client.handlers['orders.check'] = () => ({ held_by: 'venue', refusals: [] });
    await type(field(c, 'takeProfit'), '43000');
    await answered();
    expect($(c, '[data-testid="held-by"]').textContent).toBe('Held by exchange');
    expect(warnings(c)).toEqual([]);
  });

  it('a take profit (and a stop) says who holds its trigger: Tern fires it only while it runs', async () => {
    const client = new FakeClient({ 'orders.check': () => ({ held_by: 'tern', refusals: [] }) });
    const { container: c } = await render(<OrderTicket />, client);
    await click($(c, '.side-sell'));
    await click([...c.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'TP limit')!);
    await type(field(c, 'quantity'), '0.01');
    await type(field(c, 'price'), '41990');
    await type(field(c, 'stopPrice'), '42000');
    await answered();
    expect(client.callsOf('orders.check').at(-1)).toEqual({ order: expect.objectContaining({ type: 'take_profit_limit', price: '41990', stop_price: '42000' }) });
    expect($(c, '[data-testid="held-by"]').textContent).toBe('Held by Tern · works only while Tern runs');
  });

  it('a trailing stop and an OCO ask about themselves', async () => {
    const client = new FakeClient({ 'orders.check': () => ({ held_by: 'venue', refusals: [] }) });
    const { container: c } = await render(<OrderTicket />, client);
    await click([...c.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'Trailing')!);
    await type(field(c, 'quantity'), '0.01');
    await type(field(c, 'trailingOffset'), '2');
    await answered();
    expect(client.callsOf('orders.check').at(-1)).toEqual({ order: expect.objectContaining({ type: 'trailing_stop', trailing_offset: '2', trailing_unit: 'percent' }) });
    expect($(c, '[data-testid="held-by"]').textContent).toBe('Held by exchange');
    await click([...c.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'OCO')!);
    await type(field(c, 'takeProfit'), '42000');
    await type(field(c, 'stopLoss'), '38000');
    await answered();
    expect(client.callsOf('orders.check').at(-1)).toEqual({ oco: expect.objectContaining({ take_profit: { price: '42000' }, stop_loss: { stop_price: '38000' } }) });
  });

  it('names each risk limit the order would break as the Risk screen does, at the instrument precision', async () => {
    const client = new FakeClient({
      'orders.check': () => ({
        held_by: null,
        refusals: [
          { code: 'RISK_REJECTED', message: 'max_order_notional (account paper): …', details: { rule: 'max_order_notional', limit: '100', value: '390.123456789', scope: { account: 'paper', symbol: null } } },
          { code: 'RISK_REJECTED', message: 'max_order_quantity …', details: { rule: 'max_order_quantity', limit: '0.005', value: '0.01', scope: { account: null, symbol: null } } },
        ],
      }),
    });
    const c = await limitBuy(client);
    expect(warnings(c)).toEqual([
      'Max order value (Account paper): this order is 390.12 USDT, over the limit 100.00 USDT',
      'Max order quantity (Global (all accounts)): this order is 0.01 BTC, over the limit 0.005 BTC',
    ]);
  });

  it('HALTED and REDUCING say why and how to resume', async () => {
    const client = new FakeClient({
      'orders.check': () => ({
        held_by: null,
        refusals: [{ code: 'RISK_REJECTED', message: 'trading is REDUCING', details: { rule: 'trading_state', state: 'REDUCING', reason: 'drawdown review', limit: null, value: null } }],
      }),
    });
    useRisk.getState().set({ ...RISK, state: 'REDUCING', reason: 'drawdown review' } as never);
    const c = await limitBuy(client);
    expect(warnings(c)).toEqual([
      'Trading is REDUCING (drawdown review): only orders that shrink a position pass; this order would grow or flip the position, so it would be refused. To resume, set the state back to ACTIVE on the Risk screen.',
    ]);
    await act(async () => useRisk.getState().set({ ...RISK, state: 'HALTED', reason: 'kill switch: panic' } as never));
    client.handlers['orders.check'] = () => ({ held_by: null, refusals: [{ code: 'RISK_REJECTED', message: 'trading is HALTED', details: { rule: 'trading_state', state: 'HALTED', reason: 'kill switch: panic' } }] });
    await answered();
    expect(warnings(c)).toEqual(['Trading is HALTED (kill switch: panic): no order is sent. To resume, set the state back to ACTIVE on the Risk screen.']);
  });
});
