import { describe, expect, it } from 'vitest';
import { METHODS } from '../../../src-common/contract/methods.js';
import { Risk } from '../../../src-common/contract/schemas.js';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { ManualClock } from '../../../src-main/engine/ports/clock.js';
import { decisionRecord, journalAudit, riskDecisionEntry } from '../../../src-main/engine/risk/audit.js';
import { RiskEngine } from '../../../src-main/engine/risk/risk-engine.js';
import { riskHandlers } from '../../../src-main/engine/risk/risk-handlers.js';
import { decodeEntry, encodeEntry } from '../../../src-main/store/codec.js';
import { FakeJournal, context, harness, order, outcome } from './risk-fixtures.js';

/** a new engine over the same store: what a restart does */
function restart(journal: FakeJournal, clock = new ManualClock(Date.UTC(2022, 0, 6))) {
  return harness({ journal, clock });
}

describe('restart', () => {
  it('a restart while HALTED stays HALTED, with its reason and time', () => {
    const { risk, journal, clock } = harness();
    risk.setState('HALTED', 'exchange incident');
    const since = clock.now();
    const after = restart(journal).risk;
    expect(after.status).toEqual({ state: 'HALTED', reason: 'exchange incident', since });
    expect(outcome(() => after.check(order(), context()))).toMatchObject({ rule: 'trading_state', state: 'HALTED' });
  });

  it('a breaker trip survives a restart: HALTED, the trip listed, and it does not trip twice', () => {
    const { risk, journal, clock } = harness();
    risk.setLimits({ limits: { max_daily_loss: '100' } });
    const v = (pnl: string) => ({ accounts: [{ account: 'paper', equity: dec(1000).add(pnl), pnl: dec(pnl) }], positions: [] });
    risk.evaluate(v('0'));
    clock.advance(60_000);
    expect(risk.evaluate(v('-150'))).toHaveLength(1);
    const after = restart(journal, new ManualClock(clock.now() + 60_000)).risk;
    expect(after.snapshot()).toMatchObject({ state: 'HALTED', breakers: [{ rule: 'max_daily_loss', value: '150' }] });
    expect(after.evaluate(v('-200'))).toEqual([]);
  });

  it('limits survive a restart', () => {
    const { risk, journal } = harness();
    risk.setLimits({ account: 'paper', symbol: 'BTC/USDT', limits: { max_order_quantity: '1', price_band_pct: '2' } });
    const after = restart(journal).risk;
    expect(after.snapshot().limits).toEqual([{ account: 'paper', symbol: 'BTC/USDT', limits: { max_order_quantity: '1', price_band_pct: '2' } }]);
    expect(outcome(() => after.check(order({ quantity: '2' }), context()))).toMatchObject({ rule: 'max_order_quantity' });
  });

  it('the last state wins: halted, then resumed, restarts ACTIVE', () => {
    const { risk, journal } = harness();
    risk.setState('HALTED', 'lunch');
    risk.setState('ACTIVE', 'back');
    expect(restart(journal).risk.status).toMatchObject({ state: 'ACTIVE', reason: 'back' });
  });

  it('settings it cannot read halt trading rather than being ignored', () => {
    const journal = new FakeJournal();
    journal.setRaw('risk.state', { state: 'ACTIVE', reason: 'fine', since: 1 });
    journal.setRaw('risk.limits', [{ account: null, symbol: null, limits: { max_order_quantity: 'lots' } }]);
    const { risk } = harness({ journal });
    expect(risk.status.state).toBe('HALTED');
    expect(risk.status.reason).toMatch(/^risk settings could not be read \(risk\.limits: 0\.limits\.max_order_quantity must be a decimal string/);
    expect(restart(journal).risk.status.state).toBe('HALTED');
  });

  it('a fresh store starts ACTIVE with no limits', () => {
    const { risk } = harness();
    expect(risk.snapshot()).toMatchObject({ state: 'ACTIVE', limits: [], breakers: [] });
  });
});

describe('audit trail', () => {
  it('records every decision: the order, the rules with their numbers, allowed or refused', () => {
    const { risk, audit } = harness();
    risk.setLimits({ limits: { max_order_quantity: '2', max_order_notional: '1000' } });
    const ok = order({ quantity: '1', price: '100' });
    risk.check(ok, context());
    expect(() => risk.check(order({ quantity: '3', price: '100' }), context())).toThrow();
    const [allowed, refused] = audit.recent().map(decisionRecord);
    expect(allowed).toMatchObject({
      action: 'place',
      order_id: ok.id,
      client_order_id: ok.clientOrderId,
      allowed: true,
      rule: null,
      checks: [
        { rule: 'max_order_quantity', limit: '2', value: '1', scope: { account: null, symbol: null } },
        { rule: 'max_order_notional', limit: '1000', value: '100', scope: { account: null, symbol: null } },
      ],
    });
    expect(refused).toMatchObject({ allowed: false, rule: 'max_order_quantity', quantity: '3', message: expect.stringContaining('exceeds the limit 2') });
  });

  it('records refusals by the trading state and amendments', () => {
    const { risk, audit } = harness();
    risk.setState('HALTED', 'x');
    expect(() => risk.check(order({ state: 'accepted' }), context())).toThrow();
    expect(decisionRecord(audit.recent()[0]!)).toMatchObject({ action: 'amend', allowed: false, rule: 'trading_state', state: 'HALTED' });
  });

  it('a decision is a JSON journal entry the store codec round-trips', () => {
    const { risk, audit } = harness();
    risk.check(order(), context());
    const entry = riskDecisionEntry(audit.recent()[0]!);
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
    expect(decodeEntry(encodeEntry(entry).wire)).toEqual(entry);
    const recorded: unknown[] = [];
    journalAudit({ record: (e) => recorded.push(e) }).record(audit.recent()[0]!);
    expect(recorded).toEqual([entry]);
  });
});

describe('snapshot and events', () => {
  it('answers GET /api/v1/risk in the contract shape, with usage per limit', () => {
    const { risk, open } = harness();
    open.count = 3;
    risk.setLimits({ limits: { max_open_orders: '10', max_orders_per_second: '5' } });
    risk.setLimits({ account: 'paper', limits: { max_daily_loss: '500' } });
    const o = order();
    const ctx = context({ now: Date.UTC(2022, 0, 5) });
    risk.check(o, ctx);
    risk.onAccepted(o, ctx);
    risk.evaluate({ accounts: [{ account: 'paper', equity: dec(1000), pnl: dec(0) }], positions: [] });
    const snap = risk.snapshot();
    expect(Risk.parse(snap)).toEqual(snap);
    expect(snap.usage).toMatchObject({
      open_orders: [{ account: null, symbol: null, value: '3', limit: '10' }],
      orders_per_second: [{ account: null, symbol: null, value: '1', limit: '5' }],
      daily_loss: [
        { account: null, value: '0', limit: null },
        { account: 'paper', value: '0', limit: '500' },
      ],
    });
  });

  it('publishes limit and state changes on the risk channel, and usage at most once a second', () => {
    const { risk, journal, clock } = harness();
    risk.setLimits({ limits: { max_order_quantity: '1' } });
    risk.setState('REDUCING', 'wind down');
    const view = { accounts: [{ account: 'paper', equity: dec(1000), pnl: dec(0) }], positions: [] };
    // every risk event carries the whole snapshot, usage included: usage alone is sent at most once a second
    risk.evaluate(view);
    clock.advance(999);
    risk.evaluate(view);
    clock.advance(1);
    risk.evaluate(view);
    const risks = journal.riskEvents();
    expect(risks.map((e) => e.event)).toEqual(['limits', 'state', 'usage']);
    expect(risks[1]).toMatchObject({ state: 'REDUCING', reason: 'wind down' });
  });
});

describe('risk handlers', () => {
  it('serve the four Risk methods, with params parsed by the method table', async () => {
    const { risk } = harness();
    const handlers = riskHandlers(risk, {
      journal: { durable: () => Promise.resolve() },
      killSwitch: () => ({ oms: { activeOrders: () => [], find: () => undefined, cancelOrder: () => Promise.reject(new Error('none')), closePosition: () => Promise.reject(new Error('none')) }, positions: () => [] }),
    });
    const ctx = { actor: 'K-1' };
    await handlers['risk.setLimits'](METHODS['risk.setLimits'].params.parse({ account: 'paper', limits: { max_open_orders: '4' } }), ctx);
    const state = await handlers['risk.setState'](METHODS['risk.setState'].params.parse({ state: 'REDUCING', reason: ' risk review ' }), ctx);
    expect(state).toMatchObject({ state: 'REDUCING', reason: 'risk review', limits: [{ account: 'paper', symbol: null, limits: { max_open_orders: '4' } }] });
    expect(await handlers['risk.get']({}, ctx)).toEqual(risk.snapshot());
    const report = await handlers['risk.killSwitch'](METHODS['risk.killSwitch'].params.parse({ reason: 'test' }), ctx);
    expect(METHODS['risk.killSwitch'].result.parse(report)).toEqual({ state: 'HALTED', canceled: [], failed: [], flattened: [] });
    expect(METHODS['risk.get'].http).toEqual({ method: 'GET', path: '/api/v1/risk' });
  });

  it('record who set the state', () => {
    const { risk, journal } = harness();
    risk.setState('HALTED', 'manual', 'K-7');
    expect(journal.settingEntries('risk.state').at(-1)).toMatchObject({ state: 'HALTED', by: 'K-7' });
  });
});

describe('RiskEngine as the OMS pre-trade check', () => {
  it('is a PreTradeCheck: onAccepted takes rate tokens only for orders that are not the kill switch’s', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_orders_per_second: '1' } });
    const now = Date.UTC(2022, 0, 5);
    const close = order({ side: 'sell', reduceOnly: true });
    risk.check(close, context({ now, position: '1', fromKillSwitch: true }));
    risk.onAccepted(close, context({ now, position: '1', fromKillSwitch: true }));
    expect(outcome(() => risk.check(order(), context({ now })))).toBe('passed');
    expect(risk instanceof RiskEngine).toBe(true);
  });
});
