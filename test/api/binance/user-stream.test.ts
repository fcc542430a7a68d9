/**
 * Tern's order, fill and balance events as Binance's user-data events
 * (issue 14), whichever order the engine publishes an order's fill and its
 * new state in: each fill is one TRADE report carrying the cumulative
 * quantity and quote as of that fill.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src-common/contract/events.js';
import type { Balance, Fill, Order } from '../../../src-common/contract/schemas.js';
import { UserReports } from '../../../src-main/api/binance/user-stream.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function order(patch: Partial<Order>): Order {
  return {
    id: 'O1', client_order_id: 'bot-1', account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '1', price: '100',
    stop_price: null, time_in_force: 'GTC', post_only: false, reduce_only: false, status: 'open', filled_quantity: '0', average_price: null,
    fees: '0', reject_reason: null, created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString(), strategy_id: null, key_id: null,
    held_by: 'venue', oco_id: null, parent_id: null, role: null, exits: [], trailing_offset: null, trailing_unit: null, activation_price: null, triggered_at: null,
    ...patch,
  };
}

function fill(id: string, quantity: string, price: string, patch: Partial<Fill> = {}): Fill {
  return { id, order_id: 'O1', client_order_id: 'bot-1', account: 'paper', symbol: 'BTC/USDT', side: 'buy', quantity, price, fee: '0.001', fee_asset: 'BTC', liquidity: 'maker', ts: new Date(T0 + 1000).toISOString(), strategy_id: null, ...patch };
}

const ev = <K extends 'orders' | 'fills' | 'balances'>(kind: K, data: K extends 'orders' ? Order : K extends 'fills' ? Fill : Balance): EngineEvent =>
  ({ kind, channel: kind, data }) as EngineEvent;

let reports: UserReports | undefined;
afterEach(() => reports?.stop());

function collect(): { out: Array<Record<string, any>>; r: UserReports } {
  const out: Array<Record<string, any>> = [];
  reports = new UserReports(() => T0 + 5000, (account, e) => out.push({ account, ...e }));
  return { out, r: reports };
}

describe('UserReports', () => {
  it('fills published before the order: NEW, then one TRADE per fill with cumulative z and Z', () => {
    const { out, r } = collect();
    r.onEvent(ev('orders', order({ status: 'pending' })));
    r.onEvent(ev('orders', order({})));
    r.onEvent(ev('fills', fill('F1', '0.4', '100')));
    r.onEvent(ev('fills', fill('F2', '0.6', '99.5')));
    r.onEvent(ev('orders', order({ status: 'filled', filled_quantity: '1', average_price: '99.7' })));
    expect(out.map((e) => [e['x'], e['X'], e['l'], e['z'], e['L'], e['Z'], e['n'], e['N'], e['t']])).toEqual([
      ['NEW', 'NEW', '0.00000000', '0.00000000', '0.00000000', '0.00000000', '0.00000000', null, -1],
      ['TRADE', 'PARTIALLY_FILLED', '0.40000000', '0.40000000', '100.00000000', '40.00000000', '0.00100000', 'BTC', 'F1'],
      ['TRADE', 'FILLED', '0.60000000', '1.00000000', '99.50000000', '99.70000000', '0.00100000', 'BTC', 'F2'],
    ]);
    expect(out[1]).toMatchObject({ account: 'paper', e: 'executionReport', s: 'BTCUSDT', c: 'bot-1', C: '', S: 'BUY', o: 'LIMIT', q: '1.00000000', p: '100.00000000', m: true, w: true, Y: '40.00000000' });
    expect(out[2]!['w']).toBe(false);
  });

  it('a take profit: NEW as TAKE_PROFIT_LIMIT with its stop price, not working until it triggers (w false, as Binance)', () => {
    const { out, r } = collect();
    r.onEvent(ev('orders', order({ side: 'sell', type: 'take_profit_limit', price: '110', stop_price: '109.5' })));
    expect(out.map((e) => [e['x'], e['o'], e['P'], e['p'], e['w']])).toEqual([['NEW', 'TAKE_PROFIT_LIMIT', '109.50000000', '110.00000000', false]]);
  });

  it('a stop limit that triggered and rests unfilled is working (w true), since its trigger (W), as Binance', () => {
    const { out, r } = collect();
    const fired = new Date(T0 + 5000).toISOString();
    r.onEvent(ev('orders', order({ side: 'sell', type: 'stop_limit', price: '95.5', stop_price: '95', triggered_at: fired })));
    expect(out.map((e) => [e['x'], e['o'], e['w'], e['W']])).toEqual([['NEW', 'STOP_LOSS_LIMIT', true, T0 + 5000]]);
  });

  it('an order event ahead of its fill: the TRADE goes out when the fill comes', () => {
    const { out, r } = collect();
    r.onEvent(ev('orders', order({})));
    r.onEvent(ev('orders', order({ status: 'filled', filled_quantity: '1', average_price: '100' })));
    expect(out.map((e) => e['x'])).toEqual(['NEW']);
    r.onEvent(ev('fills', fill('F1', '1', '100')));
    expect(out.map((e) => [e['x'], e['X'], e['z']])).toEqual([
      ['NEW', 'NEW', '0.00000000'],
      ['TRADE', 'FILLED', '1.00000000'],
    ]);
  });

  it("a cancel carries the cancel's own client id in c and the order's in C; an order refused before it worked is not reported", () => {
    const { out, r } = collect();
    r.onEvent(ev('orders', order({})));
    r.noteCancel('O1', 'my-cancel');
    r.onEvent(ev('orders', order({ status: 'canceled' })));
    r.onEvent(ev('orders', order({ id: 'O2', client_order_id: 'refused', status: 'rejected', reject_reason: 'max_order_notional' })));
    r.onEvent(ev('orders', order({ id: 'O3', client_order_id: 'plain' })));
    r.onEvent(ev('orders', order({ id: 'O3', client_order_id: 'plain', status: 'canceled' })));
    expect(out.map((e) => [e['x'], e['c'], e['C']])).toEqual([
      ['NEW', 'bot-1', ''],
      ['CANCELED', 'my-cancel', 'bot-1'],
      ['NEW', 'plain', ''],
      ['CANCELED', 'cancel-plain', 'plain'],
    ]);
  });

  it('an OCO leg canceled because the other leg executed is EXPIRED', () => {
    const { out, r } = collect();
    const tp = { id: 'TP', client_order_id: 'L-tp', oco_id: 'G1', side: 'sell' as const, price: '110' };
    const sl = { id: 'SL', client_order_id: 'L-sl', oco_id: 'G1', side: 'sell' as const, type: 'stop_market' as const, price: null, stop_price: '90' };
    r.onEvent(ev('orders', order(tp)));
    r.onEvent(ev('orders', order(sl)));
    r.onEvent(ev('fills', fill('F9', '1', '110', { order_id: 'TP', client_order_id: 'L-tp', side: 'sell' })));
    r.onEvent(ev('orders', order({ ...tp, status: 'filled', filled_quantity: '1', average_price: '110' })));
    r.onEvent(ev('orders', order({ ...sl, status: 'canceled' })));
    expect(out.map((e) => [e['c'], e['x'], e['X']])).toEqual([
      ['L-tp', 'NEW', 'NEW'],
      ['L-sl', 'NEW', 'NEW'],
      ['L-tp', 'TRADE', 'FILLED'],
      ['L-sl', 'EXPIRED', 'EXPIRED'],
    ]);
  });

  it('the balances of one turn go out together in one outboundAccountPosition, after the reports', async () => {
    const { out, r } = collect();
    r.onEvent(ev('balances', { account: 'paper', asset: 'USDT', total: '1000', free: '900', locked: '100' }));
    r.onEvent(ev('orders', order({})));
    r.onEvent(ev('balances', { account: 'paper', asset: 'BTC', total: '1', free: '1', locked: '0' }));
    r.onEvent(ev('balances', { account: 'paper', asset: 'USDT', total: '1000', free: '800', locked: '200' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.map((e) => e['e'])).toEqual(['executionReport', 'outboundAccountPosition']);
    expect(out[1]).toEqual({ account: 'paper', e: 'outboundAccountPosition', E: T0 + 5000, u: T0 + 5000, B: [{ a: 'USDT', f: '800.00000000', l: '200.00000000' }, { a: 'BTC', f: '1.00000000', l: '0.00000000' }] });
  });
});
