// The risk engine's key scope (per-bot keys, issue 14), unit by unit: a key's own limits are checked
// on its orders by the same rules, besides the account's; its halt and accounts refuse its new orders.
import { describe, expect, it } from 'vitest';
import type { KeyPolicy } from '../../../src-main/engine/risk/risk-engine.js';
import { LimitBook } from '../../../src-main/engine/risk/limits.js';
import { context, harness, order, outcome } from './risk-fixtures.js';

describe('the key scope of the risk engine', () => {
  it("checks a key's own limits on its orders only, besides the account's, naming the key scope", () => {
    const { risk } = harness({ keyPolicy: () => ({}) });
    risk.setLimits({ key: 'K1', limits: { max_order_quantity: '1' } });
    risk.setLimits({ account: 'paper', limits: { max_order_quantity: '5' } });
    expect(outcome(() => risk.check(order({ quantity: '2', keyId: 'K1' }), context()))).toMatchObject({ rule: 'max_order_quantity', limit: '1', scope: { key: 'K1' } });
    expect(outcome(() => risk.check(order({ quantity: '2', keyId: 'K2' }), context()))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '2' }), context()))).toBe('passed');
    // the account's limit still applies to the key
    expect(outcome(() => risk.check(order({ quantity: '6', keyId: 'K2' }), context()))).toMatchObject({ limit: '5', scope: { account: 'paper' } });
    expect(risk.keyLimits('K1')).toEqual({ max_order_quantity: '1' });
    expect(risk.snapshot().limits).toContainEqual({ account: null, symbol: null, key: 'K1', limits: { max_order_quantity: '1' } });
  });

  it("refuses a halted key's new orders and an order outside its accounts, naming the rule; not an amendment", () => {
    const policies: Record<string, KeyPolicy> = { K1: { halted: { reason: 'runaway' } }, K2: { accounts: ['other'] } };
    const { risk } = harness({ keyPolicy: (id) => policies[id] });
    expect(outcome(() => risk.check(order({ keyId: 'K1' }), context()))).toMatchObject({ rule: 'key_halted', key_id: 'K1' });
    expect(outcome(() => risk.check(order({ keyId: 'K2' }), context()))).toMatchObject({ rule: 'key_accounts', field: 'account' });
    expect(outcome(() => risk.check(order({ keyId: 'K2', account: 'other' }), context()))).toBe('passed');
    expect(outcome(() => risk.check(order({ keyId: 'K1', state: 'accepted' }), context()))).toBe('passed');
  });

  it('keeps the key scope across a restart (the limits list round-trips)', () => {
    const book = new LimitBook();
    book.set(null, null, { max_open_orders: '3' }, undefined, 'K9');
    expect(LimitBook.fromList(book.list()).forKey('K9')?.get('max_open_orders')?.limit.toString()).toBe('3');
    expect(book.settings('max_open_orders')).toEqual([]);
  });
});
