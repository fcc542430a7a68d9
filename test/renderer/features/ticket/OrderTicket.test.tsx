// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallError } from '../../../../src-renderer/client/call-error.js';
import { OrderTicket } from '../../../../src-renderer/features/ticket/OrderTicket.js';
import { useConnection } from '../../../../src-renderer/state/connection.js';
import { tickerKey, useMarket } from '../../../../src-renderer/state/market.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useRisk } from '../../../../src-renderer/state/risk.js';
import { useTicket } from '../../../../src-renderer/state/ticket.js';
import { FakeClient, INSTRUMENT, RISK, order } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render, type } from '../../helpers/render.js';
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
const submit = async (c: HTMLElement) => {
  await act(async () => {
    $(c, 'form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
};

describe('OrderTicket', () => {
  it('shows the value and the estimated fee as the order is typed', async () => {
    const { container } = await render(<OrderTicket />, new FakeClient());
    await type(field(container, 'quantity'), '0.5');
    await type(field(container, 'price'), '39000');
    expect($(container, '[data-testid="ticket-notional"]').textContent).toBe('19,500.00 USDT');
    expect($(container, '[data-testid="ticket-fee"]').textContent).toBe('19.50 USDT');
  });

  it('refuses to send what breaks the instrument rules, and says which rule', async () => {
    const client = new FakeClient();
    const { container } = await render(<OrderTicket />, client);
    await type(field(container, 'quantity'), '0.000015');
    await type(field(container, 'price'), '39000.001');
    await submit(container);
    expect(client.calls).toEqual([]);
    expect($(container, '#err-quantity').textContent).toBe('In steps of 0.00001');
    expect($(container, '#err-price').textContent).toBe('In steps of 0.01');
  });

  it('sends a valid order with a fresh client order id', async () => {
    const client = new FakeClient({ 'orders.create': (p: any) => order({ ...p, status: 'open' }) });
    const { container } = await render(<OrderTicket />, client);
    await type(field(container, 'quantity'), '0.01');
    await type(field(container, 'price'), '39000');
    await submit(container);
    expect(client.callsOf('orders.create')).toEqual([
      {
        account: 'paper',
        symbol: 'BTC/USDT',
        side: 'buy',
        type: 'limit',
        quantity: '0.01',
        price: '39000',
        time_in_force: 'GTC',
        post_only: false,
        reduce_only: false,
        client_order_id: expect.stringMatching(/^ui-[a-z0-9-]+$/),
      },
    ]);
  });

  it('shows an engine refusal at the field it names', async () => {
    const client = new FakeClient({
      'orders.create': () => {
        throw new CallError('INVALID_ORDER', 'quantity is below the minimum of 0.001', { field: 'quantity' });
      },
    });
    const { container } = await render(<OrderTicket />, client);
    await type(field(container, 'quantity'), '0.01');
    await type(field(container, 'price'), '39000');
    await submit(container);
    expect($(container, '#err-quantity').textContent).toBe('quantity is below the minimum of 0.001');
  });

  it('cannot send while HALTED or disconnected', async () => {
    const { container } = await render(<OrderTicket />, new FakeClient());
    const button = () => $(container, '[data-testid="ticket-submit"]') as HTMLButtonElement;
    expect(button().disabled).toBe(false);
    await act(async () => useRisk.getState().set({ ...RISK, state: 'HALTED' } as never));
    expect(button().disabled).toBe(true);
    expect(button().textContent).toBe('Trading is HALTED');
    await act(async () => {
      useRisk.getState().set(RISK as never);
      useConnection.setState({ status: { phase: 'reconnecting', reconnects: 0 } });
    });
    expect(button().textContent).toBe('Not connected');
  });

  it('switches side, type and flags; a market order needs no price', async () => {
    const { container } = await render(<OrderTicket />, new FakeClient());
    await click($(container, '.side-sell'));
    expect(useTicket.getState().side).toBe('sell');
    const market = [...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'Market')!;
    await click(market);
    expect(container.querySelector('[data-ticket-field="price"]')).toBeNull();
    expect($(container, '[data-testid="ticket-submit"]').textContent).toBe('Sell at market');
  });

  it('places a take profit: "Take profit" shows the trigger only, named as a take profit that fires on a rise for a sell', async () => {
    const client = new FakeClient({ 'orders.create': (p: any) => order({ ...p, status: 'open' }) });
    const { container } = await render(<OrderTicket />, client);
    await click($(container, '.side-sell'));
    await click([...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'Take profit')!);
    expect(container.querySelector('[data-ticket-field="price"]')).toBeNull();
    expect(container.textContent).toContain('Take-profit price');
    expect(container.textContent).toContain('on a rise');
    await type(field(container, 'quantity'), '0.01');
    await type(field(container, 'stopPrice'), '45000');
    expect($(container, '[data-testid="ticket-submit"]').textContent).toBe('Sell take profit');
    await submit(container);
    expect(client.callsOf('orders.create')).toEqual([expect.objectContaining({ side: 'sell', type: 'take_profit_market', stop_price: '45000', quantity: '0.01' })]);
    expect(client.callsOf('orders.create')[0]).not.toHaveProperty('price');
  });

  it('places a bracket: a limit entry with its take profit and stop loss', async () => {
    const client = new FakeClient({ 'orders.create': (p: any) => order({ ...p, status: 'open' }) });
    const { container } = await render(<OrderTicket />, client);
    await type(field(container, 'quantity'), '0.01');
    await type(field(container, 'price'), '39000');
    await click($(container, 'input[name="protect"]'));
    await type(field(container, 'takeProfit'), '42000');
    await type(field(container, 'stopLoss'), '38000');
    await submit(container);
    expect(client.callsOf('orders.create')).toEqual([expect.objectContaining({ type: 'limit', price: '39000', take_profit: { price: '42000' }, stop_loss: { stop_price: '38000' } })]);
  });

  it('sends an OCO pair through orders.oco', async () => {
    const client = new FakeClient({ 'orders.oco': (p: any) => ({ oco_id: 'G1', orders: [order({ ...p, status: 'open' }), order({ ...p, status: 'open' })] }) });
    const { container } = await render(<OrderTicket />, client);
    await click($(container, '.side-sell'));
    await click([...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'OCO')!);
    expect(container.querySelector('[data-ticket-field="price"]')).toBeNull();
    await type(field(container, 'quantity'), '0.01');
    await type(field(container, 'takeProfit'), '42000');
    await type(field(container, 'stopLoss'), '38000');
    await submit(container);
    expect(client.callsOf('orders.create')).toEqual([]);
    expect(client.callsOf('orders.oco')).toEqual([
      { account: 'paper', symbol: 'BTC/USDT', side: 'sell', quantity: '0.01', take_profit: { price: '42000' }, stop_loss: { stop_price: '38000' }, reduce_only: false, client_order_id: expect.stringMatching(/^ui-/) },
    ]);
  });

  it("an OCO's take profit as a trigger: 'Trigger, limit' asks for the limit it fires and sends a take_profit_limit leg", async () => {
    const client = new FakeClient({ 'orders.oco': (p: any) => ({ oco_id: 'G1', orders: [order({ ...p, status: 'open' }), order({ ...p, status: 'open' })] }) });
    const { container } = await render(<OrderTicket />, client);
    await click($(container, '.side-sell'));
    await click([...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'OCO')!);
    expect(container.querySelector('[data-ticket-field="takeProfitLimit"]')).toBeNull();
    await click([...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'Trigger, limit')!);
    await type(field(container, 'quantity'), '0.01');
    await type(field(container, 'takeProfit'), '42000');
    await type(field(container, 'takeProfitLimit'), '41990');
    await type(field(container, 'stopLoss'), '38000');
    await submit(container);
    expect(client.callsOf('orders.oco')).toEqual([
      expect.objectContaining({ side: 'sell', take_profit: { type: 'take_profit_limit', stop_price: '42000', price: '41990' }, stop_loss: { stop_price: '38000' } }),
    ]);
  });

  it('shows an engine refusal of an exit at its field', async () => {
    const client = new FakeClient({
      'orders.create': () => {
        throw new CallError('INVALID_ORDER', 'a sell take profit at 38500 must be above the stop at 39000', { field: 'take_profit.price', rule: 'take_profit_beyond_stop' });
      },
    });
    const { container } = await render(<OrderTicket />, client);
    await type(field(container, 'quantity'), '0.01');
    await type(field(container, 'price'), '39500');
    await click($(container, 'input[name="protect"]'));
    await type(field(container, 'takeProfit'), '38500');
    await type(field(container, 'stopLoss'), '39000');
    await submit(container);
    expect($(container, '#err-takeProfit').textContent).toBe('a sell take profit at 38500 must be above the stop at 39000');
  });
});
