// @vitest-environment happy-dom
/** The position row's actions (issue 13): close 25/50/100 %, close with a limit, reverse, protect — each asks first, refusals show the engine's reason. */
import type { ICellRendererParams } from 'ag-grid-community';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Position } from '../../../../src-common/contract/schemas.js';
import { CallError } from '../../../../src-renderer/client/call-error.js';
import { type PositionActionContext, PositionActionDialog, PositionActionsCell } from '../../../../src-renderer/features/blotters/PositionActions.js';
import { type PositionAction, closeShare, limitPrefill, protectParams, EMPTY_PROTECT } from '../../../../src-renderer/features/blotters/position-actions.js';
import { tickerKey, useMarket } from '../../../../src-renderer/state/market.js';
import { useNotifications } from '../../../../src-renderer/state/notifications.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useTrading } from '../../../../src-renderer/state/trading.js';
import { FakeClient, INSTRUMENT, order } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render, type } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeAll(() => {
  // happy-dom's <dialog> may lack the modal API
  const proto = HTMLDialogElement.prototype as unknown as { showModal?: () => void; close?: () => void };
  proto.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});

const LONG: Position = { account: 'paper', symbol: 'BTC/USDT', quantity: '0.01503', average_price: '39000', realized_pnl: '0', unrealized_pnl: '15.03', mark_price: '40000', owners: [{ strategy_id: null, quantity: '0.01503' }] };
const SHORT: Position = { ...LONG, quantity: '-0.02', owners: [{ strategy_id: null, quantity: '-0.02' }] };

beforeEach(() => {
  resetStores();
  useReference.getState().setInstruments([INSTRUMENT]);
  useReference.getState().setAccounts([{ id: 'paper', exchange: 'sim', mode: 'paper', status: 'active' }]);
  useTrading.getState().loadPositions([LONG]);
  useMarket.setState({
    book: { account: 'paper', symbol: 'BTC/USDT', bids: [['39999.5', '1']], asks: [['40000.5', '1']], ts: null, receivedAt: 1 },
    tickers: { [tickerKey('paper', 'BTC/USDT')]: { account: 'paper', symbol: 'BTC/USDT', bid: '39990', ask: '40010', last: '40000', ts: null, receivedAt: 1 } },
  });
});
afterEach(cleanup);

const text = (c: HTMLElement) => $(c, '[data-testid="position-action"]').textContent ?? '';
const toasts = () => useNotifications.getState().toasts;

async function openDialog(client: FakeClient, action: PositionAction, position: Position = LONG) {
  let closed = 0;
  const r = await render(<PositionActionDialog target={{ position, action }} onClose={() => closed++} />, client);
  await flush();
  return { ...r, closed: () => closed };
}

describe('the position row', () => {
  it('offers close 25/50/100 %, limit, reverse and protect on an open position, and nothing on a flat one', async () => {
    const asked: PositionAction[] = [];
    const ctx: PositionActionContext = { positionAction: (_p, a) => asked.push(a) };
    const { container } = await render(<PositionActionsCell {...({ data: LONG, context: ctx } as ICellRendererParams<Position, unknown, PositionActionContext>)} />);
    expect([...container.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['25%', '50%', '100%', 'Limit', 'Reverse', 'Protect']);
    for (const id of ['close-position-25', 'close-position-50', 'close-position', 'close-limit', 'reverse-position', 'protect-position']) await click($(container, `[data-testid="${id}"]`));
    expect(asked).toEqual([{ kind: 'close', percent: 25 }, { kind: 'close', percent: 50 }, { kind: 'close', percent: 100 }, { kind: 'limit' }, { kind: 'reverse' }, { kind: 'protect' }]);
    const flat = await render(<PositionActionsCell {...({ data: { ...LONG, quantity: '0' }, context: ctx } as ICellRendererParams<Position, unknown, PositionActionContext>)} />);
    expect(flat.container.querySelectorAll('button')).toHaveLength(0);
  });
});

describe('close a share at market', () => {
  it('50 % is rounded down to the size step, says what it sells and what stays, and sends that quantity', async () => {
    const client = new FakeClient({ 'positions.close': (p: any) => ({ ...order({ side: 'sell', type: 'market', quantity: p.quantity, status: 'filled', reduce_only: true }), closes: [{ strategy_id: null, quantity: p.quantity }] }) });
    const { container, closed } = await openDialog(client, { kind: 'close', percent: 50 });
    // 0.01503 / 2 = 0.007515 → 0.00751 on the 0.00001 step
    expect(text(container)).toContain('Sell 0.00751 BTC at market (reduce-only) on paper: 50 % of the long of 0.01503 BTC, about 300.40 USDT at the mark. 0.00752 BTC stays open.');
    expect(client.calls).toEqual([]);
    await click($(container, '[data-testid="close-confirm"]'));
    await flush();
    expect(client.callsOf('positions.close')).toEqual([{ account: 'paper', symbol: 'BTC/USDT', quantity: '0.00751' }]);
    expect(closed()).toBe(1);
    expect(toasts()[0]).toMatchObject({ title: 'Closed 50 % of BTC/USDT' });
  });

  it('100 % closes the whole position (no quantity: the engine closes all of it)', async () => {
    const client = new FakeClient({ 'positions.close': () => ({ ...order({ side: 'sell', type: 'market', quantity: '0.01503', status: 'filled' }), closes: [] }) });
    const { container } = await openDialog(client, { kind: 'close', percent: 100 });
    expect(text(container)).toContain('The position is then flat.');
    await click($(container, '[data-testid="close-confirm"]'));
    await flush();
    expect(client.callsOf('positions.close')).toEqual([{ account: 'paper', symbol: 'BTC/USDT' }]);
  });

  it('a share under the minimum order is refused before sending, and says to close 100 %', async () => {
    useTrading.getState().loadPositions([{ ...LONG, quantity: '0.00003' }]);
    const client = new FakeClient();
    const { container } = await openDialog(client, { kind: 'close', percent: 25 }, { ...LONG, quantity: '0.00003' });
    expect(text(container)).toContain('25 % of 0.00003 BTC is 0, under the minimum order of 0.00001: close 100 % instead');
    expect(($(container, '[data-testid="close-confirm"]') as HTMLButtonElement).disabled).toBe(true);
  });

  it("a refusal shows the engine's reason in the dialog, which stays open", async () => {
    const client = new FakeClient({
      'positions.close': () => {
        throw new CallError('RISK_REJECTED', 'trading is HALTED: kill switch: test; resume from the Risk screen');
      },
    });
    const { container, closed } = await openDialog(client, { kind: 'close', percent: 50 });
    await click($(container, '[data-testid="close-confirm"]'));
    await flush();
    expect($(container, '[data-testid="position-action-error"]').textContent).toBe('Refused: Refused by risk: trading is HALTED: kill switch: test; resume from the Risk screen');
    expect(closed()).toBe(0);
  });

  it('an order the venue rejected is a refusal too, with its reason', async () => {
    const client = new FakeClient({ 'positions.close': () => ({ ...order({ status: 'rejected', reject_reason: 'insufficient BTC: needs 0.00751, free 0' }), closes: [] }) });
    const { container } = await openDialog(client, { kind: 'close', percent: 50 });
    await click($(container, '[data-testid="close-confirm"]'));
    await flush();
    expect($(container, '[data-testid="position-action-error"]').textContent).toBe('Refused: Rejected: insufficient BTC: needs 0.00751, free 0');
  });
});

describe('close with a limit', () => {
  it('starts from the best ask for a long (a sell that rests), the whole position, and sends a reduce-only GTC limit', async () => {
    const client = new FakeClient({ 'orders.create': (p: any) => order({ ...p }) });
    const { container, closed } = await openDialog(client, { kind: 'limit' });
    expect(($(container, 'input[name="limit-price"]') as HTMLInputElement).value).toBe('40000.50');
    expect(($(container, 'input[name="limit-quantity"]') as HTMLInputElement).value).toBe('0.01503');
    await type($(container, 'input[name="limit-price"]') as HTMLInputElement, '41000');
    expect(text(container)).toContain('Sell 0.01503 BTC at 41,000 limit (reduce-only, good till canceled) on paper: 616.23 USDT when it fills.');
    await click($(container, '[data-testid="close-limit-confirm"]'));
    await flush();
    expect(client.callsOf('orders.create')).toEqual([
      { account: 'paper', symbol: 'BTC/USDT', side: 'sell', type: 'limit', quantity: '0.01503', price: '41000', time_in_force: 'GTC', post_only: false, reduce_only: true, client_order_id: expect.stringMatching(/^ui-close-/) },
    ]);
    expect(closed()).toBe(1);
  });

  it('a short buys back from the best bid; a price off the step is refused before sending', async () => {
    useTrading.getState().loadPositions([SHORT]);
    const client = new FakeClient();
    const { container } = await openDialog(client, { kind: 'limit' }, SHORT);
    expect(($(container, 'input[name="limit-price"]') as HTMLInputElement).value).toBe('39999.50');
    await type($(container, 'input[name="limit-price"]') as HTMLInputElement, '39000.001');
    expect($(container, '#err-pa-limit-price').textContent).toBe('In steps of 0.01');
    expect(($(container, '[data-testid="close-limit-confirm"]') as HTMLButtonElement).disabled).toBe(true);
  });

  it("the engine's refusal shows at the field it names", async () => {
    const client = new FakeClient({
      'orders.create': () => {
        throw new CallError('INVALID_ORDER', 'price is outside the 5 % band around the mid', { field: 'price' });
      },
    });
    const { container } = await openDialog(client, { kind: 'limit' });
    await click($(container, '[data-testid="close-limit-confirm"]'));
    await flush();
    expect($(container, '#err-pa-limit-price').textContent).toBe('price is outside the 5 % band around the mid');
    expect($(container, '[data-testid="position-action-error"]').textContent).toContain('price is outside the 5 % band');
  });
});

describe('reverse', () => {
  it('says it is one order of twice the size that closes and opens the other side, and sends it on confirm', async () => {
    useTrading.getState().loadPositions([SHORT]);
    const client = new FakeClient({ 'orders.create': (p: any) => order({ ...p, status: 'filled' }) });
    const { container } = await openDialog(client, { kind: 'reverse' }, SHORT);
    expect(text(container)).toContain('Buy 0.04 BTC at market on paper, one order: the first 0.02 BTC closes your short, the rest opens a long of 0.02 BTC');
    expect($(container, '[data-testid="reverse-confirm"]').textContent).toBe('Reverse to long');
    await click($(container, '[data-testid="reverse-confirm"]'));
    await flush();
    expect(client.callsOf('orders.create')).toEqual([
      { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.04', time_in_force: 'GTC', post_only: false, reduce_only: false, client_order_id: expect.stringMatching(/^ui-rev-/) },
    ]);
  });

  it("on spot the venue's refusal shows and the dialog stays", async () => {
    const client = new FakeClient({ 'orders.create': (p: any) => order({ ...p, status: 'rejected', reject_reason: 'insufficient BTC: needs 0.03006, free 0.01503' }) });
    const { container, closed } = await openDialog(client, { kind: 'reverse' });
    await click($(container, '[data-testid="reverse-confirm"]'));
    await flush();
    expect($(container, '[data-testid="position-action-error"]').textContent).toBe('Refused: Rejected: insufficient BTC: needs 0.03006, free 0.01503');
    expect(closed()).toBe(0);
  });
});

describe('protect', () => {
  it('sends take profit and stop loss as one request, says who holds them before and after', async () => {
    const client = new FakeClient({
      'positions.protect': () => ({
        oco_id: 'G-1',
        orders: [
          order({ side: 'sell', type: 'limit', price: '42000', quantity: '0.01503', role: 'take_profit', held_by: 'venue' }),
          order({ side: 'sell', type: 'stop_market', price: null, stop_price: '38000', quantity: '0.01503', role: 'stop_loss', held_by: 'tern' }),
        ],
      }),
    });
    const { container, closed } = await openDialog(client, { kind: 'protect' });
    expect($(container, '[data-testid="protect-held-by"]').textContent).toContain('Held by exchange');
    await type($(container, 'input[name="take_profit"]') as HTMLInputElement, '42000');
    await type($(container, 'input[name="stop_price"]') as HTMLInputElement, '38000');
    await click($(container, '[data-testid="protect-confirm"]'));
    await flush();
    expect(client.callsOf('positions.protect')).toEqual([{ account: 'paper', symbol: 'BTC/USDT', take_profit: { price: '42000' }, stop_loss: { stop_price: '38000' } }]);
    expect(closed()).toBe(1);
    expect(toasts()[0]?.body).toBe('Take profit sell 0.01503 @ 42,000 — held by exchange · Stop loss sell 0.01503 @ 38,000 — held by Tern (works only while Tern runs)');
  });

  it('a trailing stop alone, in percent', async () => {
    const client = new FakeClient({ 'positions.protect': () => ({ oco_id: 'G-2', orders: [order({ side: 'sell', type: 'trailing_stop', role: 'trailing', trailing_offset: '1.5', trailing_unit: 'percent', held_by: 'venue' })] }) });
    const { container } = await openDialog(client, { kind: 'protect' });
    await type($(container, 'input[name="trailing_offset"]') as HTMLInputElement, '1.5');
    await click($(container, '[data-testid="protect-confirm"]'));
    await flush();
    expect(client.callsOf('positions.protect')).toEqual([{ account: 'paper', symbol: 'BTC/USDT', trailing: { offset: '1.5', unit: 'percent' } }]);
    expect(toasts()[0]?.body).toBe('Trailing stop sell 0.01 1.5 % behind — held by exchange');
  });

  it('refuses exits on the wrong side of the mark, or none at all, naming the field; the engine\'s refusal shows', async () => {
    const client = new FakeClient({
      'positions.protect': () => {
        throw new CallError('INVALID_ORDER', 'take_profit.price: a sell take profit must be above the last price', { field: 'take_profit.price' });
      },
    });
    const { container } = await openDialog(client, { kind: 'protect' });
    await click($(container, '[data-testid="protect-confirm"]'));
    await flush();
    expect(container.textContent).toContain('Set a take profit, a stop loss or a trailing stop');
    await type($(container, 'input[name="take_profit"]') as HTMLInputElement, '39000');
    await click($(container, '[data-testid="protect-confirm"]'));
    await flush();
    expect($(container, '#err-pa-take_profit').textContent).toBe('Above the mark (40,000) for a long');
    expect(client.calls).toEqual([]);
    await type($(container, 'input[name="take_profit"]') as HTMLInputElement, '41000');
    await click($(container, '[data-testid="protect-confirm"]'));
    await flush();
    expect($(container, '[data-testid="position-action-error"]').textContent).toBe('Refused: take_profit.price: a sell take profit must be above the last price');
  });
});

describe('position-actions rules', () => {
  it('closeShare rounds a part down to the step and keeps 100 % whole', () => {
    expect(closeShare(LONG, 25, INSTRUMENT)).toMatchObject({ all: false });
    expect(closeShare(LONG, 25, INSTRUMENT).quantity.toFixed()).toBe('0.00375');
    expect(closeShare(LONG, 100, INSTRUMENT)).toMatchObject({ all: true });
    expect(closeShare(LONG, 100, INSTRUMENT).quantity.toFixed()).toBe('0.01503');
  });

  it('limitPrefill takes the book of the same market, else the ticker, else the mark', () => {
    const book = { account: 'paper', symbol: 'ETH/BTC', bids: [['0.05', '1']], asks: [['0.06', '1']], ts: null } as never;
    expect(limitPrefill(LONG, book, { account: 'paper', symbol: 'BTC/USDT', bid: '1', ask: '2', last: null, ts: null })).toBe('2');
    expect(limitPrefill(LONG, null, undefined)).toBe('40000');
  });

  it('protectParams for a short puts the take profit below the mark and the stop above', () => {
    expect(protectParams(SHORT, { ...EMPTY_PROTECT, take_profit: '39000', stop_price: '41000', stop_limit: '41100' }, INSTRUMENT)).toEqual({
      params: { account: 'paper', symbol: 'BTC/USDT', take_profit: { price: '39000' }, stop_loss: { stop_price: '41000', price: '41100' } },
    });
    expect(protectParams(SHORT, { ...EMPTY_PROTECT, stop_price: '39000' }, INSTRUMENT).errors).toEqual({ stop_price: 'Above the mark (40,000) for a short' });
  });
});
