// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderTicket } from '../../../../src-renderer/features/ticket/OrderTicket.js';
import { useConnection } from '../../../../src-renderer/state/connection.js';
import { tickerKey, useMarket } from '../../../../src-renderer/state/market.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useRisk } from '../../../../src-renderer/state/risk.js';
import { useTicket } from '../../../../src-renderer/state/ticket.js';
import { useTrading } from '../../../../src-renderer/state/trading.js';
import { FakeClient, INSTRUMENT, RISK, order } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render, type } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

// INSTRUMENT: BTC/USDT, step 0.00001, min value 5 USDT, maker 0.1 %, taker 0.2 %
const setTicker = (bid: string, ask: string) =>
  useMarket.setState({ tickers: { [tickerKey('paper', 'BTC/USDT')]: { account: 'paper', symbol: 'BTC/USDT', bid, ask, last: bid, ts: null, receivedAt: 1 } } });

beforeEach(() => {
  resetStores();
  useReference.getState().setInstruments([INSTRUMENT]);
  setTicker('40000', '40001');
  useConnection.setState({ status: { phase: 'open', reconnects: 0 } });
  useRisk.getState().set(RISK as never);
  useTrading.getState().loadBalances([
    { account: 'paper', asset: 'USDT', total: '100000', free: '100000', locked: '0' },
    { account: 'paper', asset: 'BTC', total: '0.2', free: '0.123456', locked: '0.076544' },
  ]);
});
afterEach(cleanup);

const field = (c: HTMLElement, name: string) => $(c, `[data-ticket-field="${name}"]`) as HTMLInputElement;
const mode = (c: HTMLElement, m: string) => click($(c, `[data-size-mode="${m}"]`));
const result = (c: HTMLElement) => $(c, '[data-testid="size-result"]').textContent;
const submit = async (c: HTMLElement) => {
  await act(async () => {
    $(c, 'form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
};
const placing = () => new FakeClient({ 'orders.create': (p: any) => order({ ...p, status: 'open' }), 'portfolio.get': () => ({ quote_asset: 'USDT', equity: '100000', realized_pnl: '0', unrealized_pnl: '0', fees_paid: '0' }) });
/** a limit buy at 40,000 sized by risk: `amount` USDT to a stop at `stop` */
async function riskAt40000(amount: string, stop: string) {
  const client = placing();
  const { container } = await render(<OrderTicket />, client);
  await type(field(container, 'price'), '40000');
  await mode(container, 'risk');
  await type(field(container, 'sizeAmount'), amount);
  await type(field(container, 'stopLoss'), stop);
  return { client, container };
}
const sentQuantities = (client: FakeClient) => client.callsOf('orders.create').map((p: any) => p.quantity);

describe('ticket sizing', () => {
  it('25 % of the free USDT at the limit price, net of the fee held back, is shown and sent', async () => {
    const client = placing();
    const { container } = await render(<OrderTicket />, client);
    await type(field(container, 'price'), '40000');
    await click($(container, '[data-testid="size-pct-25"]'));
    // 25,000 / (40,000 × 1.002) = 0.623752… → 0.62375
    expect(useTicket.getState().quantity).toBe('0.62375');
    expect(result(container)).toBe('= 0.62375 BTC · 24,950.00 USDT · of 100,000.00 USDT');
    await submit(container);
    expect(sentQuantities(client)).toEqual(['0.62375']);
  });

  it('a sell takes its share of the free BTC; the slider sets any share', async () => {
    const { container } = await render(<OrderTicket />, placing());
    await click($(container, '.side-sell'));
    await type(field(container, 'price'), '40000');
    await click($(container, '[data-testid="size-pct-50"]'));
    // 0.123456 × 50 % = 0.061728 → 0.06172
    expect(useTicket.getState().quantity).toBe('0.06172');
    await type($(container, '[data-testid="size-slider"]') as HTMLInputElement, '10');
    expect(field(container, 'sizePct').value).toBe('10');
    expect(useTicket.getState().quantity).toBe('0.01234');
    // back to typing BTC: the sized quantity stays, to adjust
    await mode(container, 'base');
    expect(field(container, 'quantity').value).toBe('0.01234');
  });

  it('a quote amount follows the ask a market buy would take', async () => {
    const { container } = await render(<OrderTicket />, placing());
    await click([...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'Market')!);
    await mode(container, 'quote');
    await type(field(container, 'sizeAmount'), '1000');
    // 1,000 / 40,001 = 0.0249993… → 0.02499
    expect(useTicket.getState().quantity).toBe('0.02499');
    await act(async () => setTicker('49999', '50000'));
    expect(useTicket.getState().quantity).toBe('0.02');
  });

  it('risk mode: 100 USDT to a stop at 39,000 from a 40,000 limit, taker fee both ways', async () => {
    const { client, container } = await riskAt40000('100', '39000');
    // per BTC 1,000 + 80 + 78 = 1,158; 100 / 1,158 = 0.086355… → 0.08635
    expect(result(container)).toBe('= 0.08635 BTC · 3,454.00 USDT · loses 99.99 of 100.00 at the stop');
    await submit(container);
    expect(sentQuantities(client)).toEqual(['0.08635']);
  });

  it('risk mode: a percent of the account equity, asked of the engine', async () => {
    const client = placing();
    const { container } = await render(<OrderTicket />, client);
    await click($(container, '.side-sell'));
    await click([...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === 'Market')!);
    await mode(container, 'risk');
    await click([...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === '% eq.')!);
    await type(field(container, 'sizeAmount'), '0.5');
    await type(field(container, 'stopLoss'), '40500');
    await flush();
    expect(client.callsOf('portfolio.get')).toContainEqual({ account: 'paper' });
    // 500 / (500 + 80 + 81) = 0.756429… → 0.75642
    expect(useTicket.getState().quantity).toBe('0.75642');
  });

  it('says what to fix and sends nothing when the stop is on the wrong side', async () => {
    const { client, container } = await riskAt40000('100', '41000');
    expect($(container, '#err-quantity').textContent).toBe('For a buy the stop-loss must be below the entry (40,000)');
    expect(useTicket.getState().quantity).toBe('');
    await submit(container);
    expect(client.callsOf('orders.create')).toEqual([]);
  });

  it('a share too small for the minimum order value is refused before sending', async () => {
    useTrading.getState().loadBalances([{ account: 'paper', asset: 'USDT', total: '12', free: '12', locked: '0' }]);
    const client = placing();
    const { container } = await render(<OrderTicket />, client);
    await type(field(container, 'price'), '40000');
    await click($(container, '[data-testid="size-pct-25"]'));
    // 3 / (40,000 × 1.002) = 0.0000748… → 0.00007, worth 2.80 USDT
    expect($(container, '#err-quantity').textContent).toBe('Comes to 2.8 USDT: below the minimum order value 5 USDT');
    await submit(container);
    expect(client.callsOf('orders.create')).toEqual([]);
  });

  it("risk mode measures to the ticket's stop loss: Attach sends it with the order, and its field takes over", async () => {
    const { client, container } = await riskAt40000('100', '39000');
    await click($(container, '[data-testid="risk-stop-attach"]'));
    // one stop-loss field on screen, the TP/SL one, holding the same price
    expect(container.querySelectorAll('[data-ticket-field="stopLoss"]')).toHaveLength(1);
    expect(field(container, 'stopLoss').closest('[data-testid="protection"]')).not.toBeNull();
    expect(field(container, 'stopLoss').value).toBe('39000');
    expect($(container, '[data-testid="risk-stop-note"]').textContent).toBe('to the stop loss below (39,000)');
    // moving the stop there resizes: 100 / (1,500 + 80 + 77) = 0.060350… → 0.06035
    await type(field(container, 'stopLoss'), '38500');
    expect(useTicket.getState().quantity).toBe('0.06035');
    await submit(container);
    expect(client.callsOf('orders.create')).toEqual([expect.objectContaining({ quantity: '0.06035', price: '40000', stop_loss: { stop_price: '38500' } })]);
  });

  it('an OCO or a trailing stop is not sized by risk', async () => {
    const { container } = await render(<OrderTicket />, placing());
    await mode(container, 'risk');
    await act(async () => useTicket.getState().set({ type: 'oco', sizeAmount: '100', stopLoss: '39000', takeProfit: '41000' }));
    expect($(container, '#err-quantity').textContent).toBe('Risk sizing is for entries: size an OCO in the base asset or as a %');
    expect(useTicket.getState().quantity).toBe('');
  });

  it('an amount does not change meaning: a new mode or risk unit empties it, another quote asset asks for it again', async () => {
    const { container } = await render(<OrderTicket />, placing());
    await type(field(container, 'price'), '40000');
    await mode(container, 'quote');
    await type(field(container, 'sizeAmount'), '1000');
    // 1,000 USDT to spend is not 1,000 USDT to lose
    await mode(container, 'risk');
    expect(field(container, 'sizeAmount').value).toBe('');
    await type(field(container, 'sizeAmount'), '50');
    await click([...container.querySelectorAll('[role="radio"]')].find((b) => b.textContent === '% eq.')!);
    expect(field(container, 'sizeAmount').value).toBe('');
    // a switch to ETH/BTC: 1,000 USDT is not 1,000 BTC
    await mode(container, 'quote');
    await type(field(container, 'sizeAmount'), '1000');
    expect(useTicket.getState().quantity).toBe('0.025');
    await act(async () => {
      useReference.getState().setInstruments([INSTRUMENT, { ...INSTRUMENT, symbol: 'ETH/BTC', base: 'ETH', quote: 'BTC', min_notional: '0.0001' }]);
      useMarket.setState({ symbol: 'ETH/BTC' });
    });
    expect($(container, '#err-quantity').textContent).toBe('The amount was typed in USDT: enter it in BTC');
    expect(useTicket.getState().quantity).toBe('');
  });

  it('Esc clears the amounts but keeps the way of sizing', async () => {
    const { container } = await render(<OrderTicket />, placing());
    await mode(container, 'risk');
    await type(field(container, 'sizeAmount'), '100');
    await act(async () => {
      $(container, 'form').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(useTicket.getState()).toMatchObject({ sizeMode: 'risk', sizeAmount: '', stopLoss: '', quantity: '' });
  });
});
