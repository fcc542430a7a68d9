import { describe, expect, it } from 'vitest';
import { TernError } from '../../../src-common/contract/errors.js';
import { KillSwitchReport } from '../../../src-common/contract/schemas.js';
import { type Decimal, ZERO, dec } from '../../../src-main/engine/model/decimal.js';
import type { OrderState } from '../../../src-main/engine/model/order-state.js';
import type { KillSwitchDeps, KillSwitchOms } from '../../../src-main/engine/risk/kill-switch.js';
import type { RiskEngine } from '../../../src-main/engine/risk/risk-engine.js';
import { context, type Harness, harness, order, outcome } from './risk-fixtures.js';

interface FakeOrder {
  id: string;
  account: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: Decimal;
  state: OrderState;
  reduceOnly: boolean;
  fromKillSwitch: boolean;
}

/**
 * An OMS over a venue that can time out: cancels of an order fail
 * `cancelTimeouts` times, then go through. Orders pass the real risk engine,
 * as in the OMS.
 */
class FakeOms implements KillSwitchOms {
  readonly orders = new Map<string, FakeOrder>();
  readonly positions = new Map<string, Decimal>();
  readonly cancelTimeouts = new Map<string, number>();
  readonly cancelAttempts: string[] = [];
  /** closes that fail before reaching the venue, by ACCOUNT:SYMBOL: a count, or 'never' with an INVALID_ORDER */
  readonly closeFailures = new Map<string, number | 'invalid'>();
  /** closes that reach the venue and get no answer: the order stays submitted */
  readonly closesHang = new Set<string>();
  readonly placed: FakeOrder[] = [];
  private n = 0;
  /** the journal length when the first cancel was sent */
  firstCancelAt: number | null = null;

  constructor(private readonly h: Harness) {}

  working(account: string, symbol: string, side: 'buy' | 'sell', quantity: string): string {
    const id = `W-${++this.n}`;
    this.orders.set(id, { id, account, symbol, side, quantity: dec(quantity), state: 'accepted', reduceOnly: false, fromKillSwitch: false });
    return id;
  }

  /** a new order from a trader or a strategy: the risk engine decides */
  place(account: string, symbol: string, side: 'buy' | 'sell', quantity: string): 'passed' | Record<string, unknown> {
    const o = order({ account, symbol, side, quantity });
    const position = this.positions.get(`${account}:${symbol}`) ?? ZERO;
    const result = outcome(() => this.h.risk.check(o, context({ position, now: this.h.clock.now() })));
    if (result === 'passed') this.placed.push({ id: o.id, account, symbol, side, quantity: o.quantity, state: 'accepted', reduceOnly: false, fromKillSwitch: false });
    return result;
  }

  activeOrders(filter: { account?: string; symbol?: string } = {}) {
    return [...this.orders.values()].filter(
      (o) => !['filled', 'canceled', 'rejected', 'expired'].includes(o.state) && (!filter.account || o.account === filter.account) && (!filter.symbol || o.symbol === filter.symbol),
    );
  }

  find(id: string) {
    return this.orders.get(id);
  }

  async cancelOrder(id: string) {
    this.firstCancelAt ??= this.h.journal.entries.length;
    this.cancelAttempts.push(id);
    const o = this.orders.get(id)!;
    const left = this.cancelTimeouts.get(id) ?? 0;
    if (left > 0) {
      this.cancelTimeouts.set(id, left - 1);
      o.state = 'pending_cancel';
      throw new TernError('VENUE_UNAVAILABLE', 'the venue did not answer (timeout)');
    }
    o.state = 'canceled';
    return o;
  }

  async closePosition(account: string, symbol: string, _quantity: undefined, opts: { fromKillSwitch: boolean }) {
    const key = `${account}:${symbol}`;
    const failure = this.closeFailures.get(key);
    if (failure === 'invalid') throw new TernError('INVALID_ORDER', 'the position is smaller than one size increment', { field: 'quantity' });
    if (typeof failure === 'number' && failure > 0) {
      this.closeFailures.set(key, failure - 1);
      throw new TernError('VENUE_UNAVAILABLE', 'the venue did not answer (timeout)');
    }
    const position = this.positions.get(key) ?? ZERO;
    const side = position.isPositive() ? 'sell' : 'buy';
    const o = order({ account, symbol, side, quantity: position.abs(), price: null, reduceOnly: true });
    this.h.risk.check(o, context({ position, fromKillSwitch: opts.fromKillSwitch, now: this.h.clock.now() }));
    const record: FakeOrder = { id: o.id, account, symbol, side, quantity: o.quantity, state: 'filled', reduceOnly: true, fromKillSwitch: opts.fromKillSwitch };
    if (this.closesHang.has(key)) record.state = 'submitted';
    else this.positions.set(key, ZERO);
    this.orders.set(o.id, record);
    this.placed.push(record);
    return record;
  }

  deps(extra: Partial<KillSwitchDeps> = {}): KillSwitchDeps & { sleeps: number[]; placeAttempts: Array<'passed' | Record<string, unknown>> } {
    const sleeps: number[] = [];
    const placeAttempts: Array<'passed' | Record<string, unknown>> = [];
    return {
      oms: this,
      positions: () => [...this.positions].map(([k, quantity]) => ({ account: k.split(':')[0]!, symbol: k.slice(k.indexOf(':') + 1), quantity })),
      sleep: async (ms) => {
        sleeps.push(ms);
        // while the kill switch waits, a strategy keeps trying to trade
        placeAttempts.push(this.place('paper', 'BTC/USDT', 'buy', '1'));
        this.h.clock.advance(ms);
      },
      sleeps,
      placeAttempts,
      ...extra,
    };
  }
}

function setup() {
  const h = harness();
  const oms = new FakeOms(h);
  return { ...h, oms };
}

const stateOf = (risk: RiskEngine) => risk.status.state;

describe('kill switch', () => {
  it('halts, and keeps canceling through venue timeouts until every open order is canceled; nothing new is placed meanwhile', async () => {
    const { risk, oms, journal } = setup();
    const a = oms.working('paper', 'BTC/USDT', 'buy', '1');
    const b = oms.working('paper', 'ETH/USDT', 'sell', '2');
    const c = oms.working('live1', 'BTC/USDT', 'buy', '3');
    oms.cancelTimeouts.set(a, 3);
    oms.cancelTimeouts.set(c, 1);
    const deps = oms.deps();

    const report = await risk.killSwitch({ reason: 'venue misbehaving' }, deps);

    expect(KillSwitchReport.parse(report)).toEqual(report);
    expect(report.state).toBe('HALTED');
    expect(report.canceled.sort()).toEqual([a, b, c].sort());
    expect(report.failed).toEqual([]);
    expect(oms.activeOrders()).toEqual([]);
    expect(oms.cancelAttempts.filter((id) => id === a)).toHaveLength(4);
    expect(deps.sleeps).toEqual([100, 200, 400]);
    // meanwhile every attempt to trade met HALTED, and nothing but cancels reached the venue
    expect(deps.placeAttempts).toHaveLength(3);
    for (const attempt of deps.placeAttempts) expect(attempt).toMatchObject({ rule: 'trading_state', state: 'HALTED' });
    expect(oms.placed).toEqual([]);
    // HALTED was journaled before the first cancel went out
    const haltedAt = journal.entries.findIndex((e) => e.type === 'setting' && e.name === 'risk.state' && (e.value as { state: string }).state === 'HALTED');
    expect(haltedAt).toBeGreaterThanOrEqual(0);
    expect(haltedAt).toBeLessThan(oms.firstCancelAt!);
    expect(stateOf(risk)).toBe('HALTED');
  });

  it('reports the orders a venue never confirms, with its error, once the cancel deadline passes', async () => {
    const { risk, oms } = setup();
    const stuck = oms.working('paper', 'BTC/USDT', 'buy', '1');
    const fine = oms.working('paper', 'BTC/USDT', 'buy', '1');
    oms.cancelTimeouts.set(stuck, Number.POSITIVE_INFINITY);
    const deps = oms.deps({ cancelDeadlineMs: 5_000 });

    const report = await risk.killSwitch({ reason: 'test' }, deps);

    expect(report.canceled).toEqual([fine]);
    expect(report.failed).toEqual([{ id: stuck, action: 'cancel', error: 'the venue did not answer (timeout)' }]);
    expect(deps.sleeps.reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(5_000);
    expect(deps.sleeps).toEqual([100, 200, 400, 800, 1600]);
  });

  it('with flatten, closes every position on every account with reduce-only market orders that pass HALTED', async () => {
    const { risk, oms } = setup();
    oms.working('paper', 'BTC/USDT', 'sell', '1');
    oms.positions.set('paper:BTC/USDT', dec('0.5'));
    oms.positions.set('live1:ETH/USDT', dec('-3'));
    oms.positions.set('live1:SOL/USDT', ZERO);
    risk.setLimits({ limits: { max_order_quantity: '0.1' } });

    const report = await risk.killSwitch({ reason: 'flatten all', flatten: true }, oms.deps());

    expect(report.failed).toEqual([]);
    expect(report.flattened).toEqual([
      { account: 'paper', symbol: 'BTC/USDT', order_id: expect.any(String), quantity: '0.5' },
      { account: 'live1', symbol: 'ETH/USDT', order_id: expect.any(String), quantity: '3' },
    ]);
    expect(oms.placed.map((o) => [o.side, o.reduceOnly, o.fromKillSwitch])).toEqual([
      ['sell', true, true],
      ['buy', true, true],
    ]);
    expect([...oms.positions.values()].every((q) => q.isZero())).toBe(true);
  });

  it('cancels before it flattens, so a resting order cannot reopen a closed position', async () => {
    const { risk, oms } = setup();
    const resting = oms.working('paper', 'BTC/USDT', 'sell', '1');
    oms.cancelTimeouts.set(resting, 2);
    oms.positions.set('paper:BTC/USDT', dec('1'));
    const report = await risk.killSwitch({ reason: 'order', flatten: true }, oms.deps());
    const closeIndex = oms.placed.findIndex((o) => o.fromKillSwitch);
    expect(oms.cancelAttempts).toEqual([resting, resting, resting]);
    expect(closeIndex).toBe(0);
    expect(report.canceled).toEqual([resting]);
    expect(report.flattened).toHaveLength(1);
  });

  it('retries a close that failed before reaching the venue, and gives up on one no retry can fix', async () => {
    const { risk, oms } = setup();
    oms.positions.set('paper:BTC/USDT', dec('1'));
    oms.positions.set('paper:DUST/USDT', dec('0.0000001'));
    oms.closeFailures.set('paper:BTC/USDT', 2);
    oms.closeFailures.set('paper:DUST/USDT', 'invalid');

    const report = await risk.killSwitch({ reason: 'flaky', flatten: true }, oms.deps());

    expect(report.flattened.map((f) => f.symbol)).toEqual(['BTC/USDT']);
    expect(report.failed).toEqual([{ id: 'paper:DUST/USDT', action: 'close', error: 'the position is smaller than one size increment' }]);
  });

  it('never sends a second close while the first is still pending at the venue, and reports it', async () => {
    const { risk, oms } = setup();
    oms.positions.set('paper:BTC/USDT', dec('1'));
    oms.closesHang.add('paper:BTC/USDT');

    const report = await risk.killSwitch({ reason: 'slow venue', flatten: true }, oms.deps({ deadlineMs: 3_000 }));

    expect(oms.placed).toHaveLength(1);
    expect(report.failed).toEqual([{ id: 'paper:BTC/USDT', action: 'close', error: `close order ${oms.placed[0]!.id} is still submitted` }]);
  });

  it('is journaled with its report and announced on the risk channel', async () => {
    const { risk, oms, journal } = setup();
    oms.working('paper', 'BTC/USDT', 'buy', '1');
    const report = await risk.killSwitch({ reason: 'audit' }, oms.deps());
    expect(journal.settingEntries('risk.kill_switch')).toEqual([expect.objectContaining({ reason: 'audit', flatten: false, report })]);
    expect(journal.riskEvents().map((e) => e.event)).toEqual(['state', 'kill_switch']);
  });
});
