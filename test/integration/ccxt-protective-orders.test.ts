/**
 * Protective orders held by the exchange (issue 12), live on the loopback
 * simulator with the real ccxt binance classes: an OCO and a bracket go to
 * Binance as one order list with Tern's client ids on both legs; the
 * exchange ends the other leg and Tern's orders say so; a refused list
 * leaves nothing open; plain stops rest on the exchange as STOP_LOSS orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConsistent, startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

let h: SimTern;

beforeAll(async () => {
  h = await startSimTern({ balances: { USDT: '100000', BTC: '0' } });
  h.sim.control.setPrice('BTC/USDT', '60000');
  // a position to protect: 0.5 BTC bought through Tern
  const buy = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.5', client_order_id: 'po-entry' });
  expect(buy.status).toBe('filled');
});

afterAll(async () => {
  await h?.close();
});

const order = (id: string) => h.call('orders.get', { id });
const statusIs = (id: string, status: string) => until(async () => (await order(id)).status === status, `order ${id} ${status}`);
const onExchange = (clientOrderId: string) => h.sim.control.order({ clientOrderId, apiKey: h.apiKey });

describe('an OCO on Binance spot is one exchange order list', () => {
  it('both legs are on the exchange with Tern client ids, linked in one list; Tern says the venue holds them', async () => {
    const group = await h.call('orders.oco', {
      account: 'bn', symbol: 'BTC/USDT', side: 'sell', quantity: '0.1', take_profit: { price: '62000' }, stop_loss: { stop_price: '58000', price: '57900' }, client_order_id: 'oco1',
    });
    expect(group.orders.map((o) => [o.client_order_id, o.status, o.held_by, o.oco_id])).toEqual([
      ['oco1-tp', 'open', 'venue', group.oco_id],
      ['oco1-sl', 'open', 'venue', group.oco_id],
    ]);
    expect(h.sim.control.requestCount('POST /api/v3/orderList/oco')).toBe(1);
    expect(h.sim.control.requests('POST /api/v3/orderList/oco')[0]!.params).toMatchObject({
      listClientOrderId: group.oco_id, aboveType: 'LIMIT_MAKER', aboveClientOrderId: 'oco1-tp', belowType: 'STOP_LOSS_LIMIT', belowClientOrderId: 'oco1-sl', belowStopPrice: '58000',
    });
    const tp = onExchange('oco1-tp') as unknown as Record<string, unknown>;
    const sl = onExchange('oco1-sl') as unknown as Record<string, unknown>;
    expect([tp['type'], tp['status'], sl['type'], sl['status']]).toEqual(['LIMIT_MAKER', 'NEW', 'STOP_LOSS_LIMIT', 'NEW']);
  });

  it('the take-profit fills: the exchange expires the stop, and Tern shows it canceled by its group', async () => {
    h.sim.control.setPrice('BTC/USDT', '62500');
    await statusIs('oco1-tp', 'filled');
    await statusIs('oco1-sl', 'canceled');
    expect((await order('oco1-sl')).reject_reason).toMatch(/^oco: the exchange ended this leg/);
    expect(onExchange('oco1-sl')!.status).toBe('EXPIRED');
    await expectConsistent(h);
  });

  it('the stop triggers: the exchange expires the take-profit, the stop fills', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    await h.call('orders.oco', {
      account: 'bn', symbol: 'BTC/USDT', side: 'sell', quantity: '0.1', take_profit: { price: '63000' }, stop_loss: { stop_price: '59000' }, client_order_id: 'oco2',
    });
    expect(onExchange('oco2-sl')!.type).toBe('STOP_LOSS');
    h.sim.control.setPrice('BTC/USDT', '58800');
    await statusIs('oco2-sl', 'filled');
    await statusIs('oco2-tp', 'canceled');
    expect(onExchange('oco2-tp')!.status).toBe('EXPIRED');
    await expectConsistent(h);
  });

  it('canceling one leg cancels the list on the exchange and both legs in Tern', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    await h.call('orders.oco', {
      account: 'bn', symbol: 'BTC/USDT', side: 'sell', quantity: '0.1', take_profit: { price: '63000' }, stop_loss: { stop_price: '57000' }, client_order_id: 'oco3',
    });
    await h.call('orders.cancel', { id: 'oco3-sl' });
    await statusIs('oco3-sl', 'canceled');
    await statusIs('oco3-tp', 'canceled');
    expect([onExchange('oco3-tp')!.status, onExchange('oco3-sl')!.status]).toEqual(['CANCELED', 'CANCELED']);
    await expectConsistent(h);
  });

  it('a list the exchange refuses leaves nothing open: both legs rejected in Tern, none on the exchange', async () => {
    const group = await h.call('orders.oco', {
      account: 'bn', symbol: 'BTC/USDT', side: 'sell', quantity: '5', reduce_only: false, take_profit: { price: '63000' }, stop_loss: { stop_price: '57000' }, client_order_id: 'oco4',
    }).catch((e: unknown) => e);
    const legs = await Promise.all(['oco4-tp', 'oco4-sl'].map(order));
    expect(legs.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(legs[0]!.reject_reason).toMatch(/insufficient balance/i);
    expect(onExchange('oco4-tp')).toBeUndefined();
    expect(onExchange('oco4-sl')).toBeUndefined();
    expect(h.sim.control.orders({ apiKey: h.apiKey, open: true })).toEqual([]);
    expect(group).toBeDefined();
    await expectConsistent(h);
  });

  it('amending one leg of an exchange-held list is refused, the list untouched', async () => {
    await h.call('orders.oco', {
      account: 'bn', symbol: 'BTC/USDT', side: 'sell', quantity: '0.1', take_profit: { price: '63000' }, stop_loss: { stop_price: '57000' }, client_order_id: 'oco5',
    });
    const err = await h.call('orders.amend', { id: 'oco5-tp', price: '64000' }).catch((e: unknown) => e as Error);
    expect(String((err as Error).message)).toMatch(/cancel the OCO and place it again/);
    expect(onExchange('oco5-tp')).toMatchObject({ status: 'NEW', price: '63000' });
    expect(h.sim.control.requestCount('POST /api/v3/order/cancelReplace')).toBe(0);
    await h.call('orders.cancel', { id: 'oco5-tp' });
    await statusIs('oco5-sl', 'canceled');
  });
});

describe('a bracket: an entry with attached exits', () => {
  it('as the entry fills, its take-profit and stop go to the exchange as one list carrying Tern client ids', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    const entry = await h.call('orders.create', {
      account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.2', price: '59500', client_order_id: 'br1',
      take_profit: { price: '61000' }, stop_loss: { stop_price: '58000' },
    });
    expect(entry.status).toBe('open');
    h.sim.control.setPrice('BTC/USDT', '59400');
    await statusIs('br1', 'filled');
    await until(async () => (await order('br1')).exits.length === 2, 'the exits placed');
    const exits = await Promise.all((await order('br1')).exits.map((id) => order(id)));
    for (const x of exits) {
      expect(x).toMatchObject({ held_by: 'venue', parent_id: entry.id, side: 'sell', quantity: '0.2', status: 'open' });
      expect(onExchange(x.client_order_id)).toMatchObject({ status: 'NEW' });
    }
    const lists = h.sim.control.requests('POST /api/v3/orderList/oco').map((r) => r.params);
    expect(lists.at(-1)).toMatchObject({ aboveClientOrderId: exits.find((x) => x.role === 'take_profit')!.client_order_id, belowClientOrderId: exits.find((x) => x.role === 'stop_loss')!.client_order_id });
    // the take-profit fills: the stop goes with it
    h.sim.control.setPrice('BTC/USDT', '61500');
    const [tp, sl] = [exits.find((x) => x.role === 'take_profit')!, exits.find((x) => x.role === 'stop_loss')!];
    await statusIs(tp.id, 'filled');
    await statusIs(sl.id, 'canceled');
    await expectConsistent(h);
  });
});

describe('plain stop orders rest on the exchange', () => {
  it('a stop_market sell is a Binance STOP_LOSS held by the venue; it triggers on the exchange and fills', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    const o = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'sell', type: 'stop_market', quantity: '0.05', stop_price: '59000', client_order_id: 'stop1' });
    expect(o).toMatchObject({ status: 'open', held_by: 'venue', stop_price: '59000' });
    expect(onExchange('stop1')).toMatchObject({ type: 'STOP_LOSS', status: 'NEW' });
    h.sim.control.setPrice('BTC/USDT', '58900');
    await statusIs('stop1', 'filled');
    await expectConsistent(h);
  });

  it('a take_profit_market sell is a Binance TAKE_PROFIT held by the venue: a fall leaves it, a rise to its stop fills it', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    const o = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'sell', type: 'take_profit_market', quantity: '0.05', stop_price: '61000', client_order_id: 'tp1' });
    expect(o).toMatchObject({ status: 'open', held_by: 'venue', type: 'take_profit_market', stop_price: '61000' });
    expect(onExchange('tp1')).toMatchObject({ type: 'TAKE_PROFIT', status: 'NEW' });
    expect(h.sim.control.requests('POST /api/v3/order').at(-1)!.params).toMatchObject({ type: 'TAKE_PROFIT', stopPrice: '61000', newClientOrderId: 'tp1' });
    h.sim.control.setPrice('BTC/USDT', '58000');
    await h.call('reconcile.run', { account: 'bn' });
    expect((await order('tp1')).status).toBe('open');
    h.sim.control.setPrice('BTC/USDT', '61100');
    await statusIs('tp1', 'filled');
    await expectConsistent(h);
  });

  it('a take_profit_limit buy is a Binance TAKE_PROFIT_LIMIT; reconciliation reads it back as a take profit, not a stop', async () => {
    h.sim.control.setPrice('BTC/USDT', '60000');
    const o = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'take_profit_limit', quantity: '0.01', stop_price: '59000', price: '59010', client_order_id: 'tp2' });
    expect(o).toMatchObject({ status: 'open', held_by: 'venue' });
    expect(onExchange('tp2')).toMatchObject({ type: 'TAKE_PROFIT_LIMIT', status: 'NEW', price: '59010' });
    expect(h.sim.control.requests('POST /api/v3/order').at(-1)!.params).toMatchObject({ type: 'TAKE_PROFIT_LIMIT', stopPrice: '59000', timeInForce: 'GTC' });
    const r = await h.call('reconcile.run', { account: 'bn' });
    expect(JSON.stringify(r)).not.toMatch(/tp2/);
    expect(await order('tp2')).toMatchObject({ type: 'take_profit_limit', status: 'open' });
    await h.call('orders.cancel', { id: 'tp2' });
    await expectConsistent(h);
  });
});
