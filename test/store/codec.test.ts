import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import { TernError } from '../../src-common/contract/errors.js';
import type { JournalEntry } from '../../src-main/engine/ports/store.js';
import { decodeEntry, encodeEntry, orderCodec, wireFromRow } from '../../src-main/store/codec.js';
import { account, apiKey, balance, d, fill, order, position } from './records.js';

const roundTrip = (e: JournalEntry) => {
  const encoded = encodeEntry(e);
  return decodeEntry(wireFromRow(encoded.wire.type, encoded.payload));
};

describe('journal codec', () => {
  it('decodes every entry type back to the record it encoded, Decimals included', () => {
    const entries: JournalEntry[] = [
      { type: 'order', event: 'initialize', order: order({ stopPrice: d('26000'), previousState: 'accepted', rejectReason: 'x' }) },
      { type: 'fill', fill: fill() },
      { type: 'position', position: position({ averagePrice: null }) },
      { type: 'balance', balance: balance() },
      { type: 'account', account: account() },
      { type: 'account_reset', account: 'paper', ts: 5 },
      { type: 'key', key: apiKey({ revokedAt: 7 }) },
      { type: 'setting', name: 'layout', value: { panes: [1, 2], dark: true }, ts: 9 },
    ];
    for (const e of entries) expect(roundTrip(e)).toEqual(e);
  });

  it('stores money as plain decimal strings, never numbers or exponents', () => {
    const { payload } = encodeEntry({ type: 'fill', fill: fill({ price: d('1e-12'), quantity: d('123456789012345678.123456789') }) });
    expect(payload).toContain('"0.000000000001"');
    expect(payload).toContain('"123456789012345678.123456789"');
    const decoded = roundTrip({ type: 'fill', fill: fill({ price: d('1e-12') }) }) as Extract<JournalEntry, { type: 'fill' }>;
    expect(decoded.fill.price).toBeInstanceOf(Decimal);
    expect(decoded.fill.price.eq('0.000000000001')).toBe(true);
  });

  it('refuses a JS number where a Decimal belongs, naming the field', () => {
    const bad = { ...order(), quantity: 0.1 } as unknown as ReturnType<typeof order>;
    expect(() => encodeEntry({ type: 'order', event: 'initialize', order: bad })).toThrowError(/order\.quantity must be a finite Decimal, got number/);
    try {
      encodeEntry({ type: 'order', event: 'initialize', order: bad });
    } catch (err) {
      expect(err).toBeInstanceOf(TernError);
      expect((err as TernError).code).toBe('BAD_REQUEST');
      expect((err as TernError).details).toEqual({ field: 'order.quantity' });
    }
  });

  it('refuses non-finite Decimals, missing fields and unknown entry types', () => {
    // the engine's Decimal cannot be NaN or infinite: making one throws, and what is not a Decimal is refused by field
    expect(() => d(Infinity)).toThrowError(/Invalid argument/);
    expect(() => encodeEntry({ type: 'balance', balance: balance({ total: 'Infinity' as never }) })).toThrowError(/balance\.total/);
    const { ts: _ts, ...noTs } = fill();
    expect(() => encodeEntry({ type: 'fill', fill: noTs as never })).toThrowError(/fill\.ts must be a finite integer/);
    expect(() => encodeEntry({ type: 'nope' } as never)).toThrowError(/unknown journal entry type: nope/);
    expect(() => encodeEntry({ type: 'setting', name: 'x', value: undefined, ts: 1 })).toThrowError(/value must be JSON-serializable/);
  });

  it('snapshots the record: changing it after encoding does not change the entry', () => {
    const o = order();
    const encoded = encodeEntry({ type: 'order', event: 'accept', order: o });
    o.state = 'filled';
    o.filledQuantity = d(1);
    const back = decodeEntry(encoded.wire) as Extract<JournalEntry, { type: 'order' }>;
    expect(back.order.state).toBe('accepted');
    expect(back.order.filledQuantity.isZero()).toBe(true);
  });

  it('describes each record by one field list that names the table columns', () => {
    expect(orderCodec.columns).toContain('client_order_id');
    expect(orderCodec.columns.length).toBe(Object.keys(order({ strategyId: 's1', keyId: 'K1', trailing: null, protection: null, triggeredAt: 3 })).length);
  });

  it("keeps the key an order was placed with and a key's rate, accounts and halt (migration 9); older tuples read as none", () => {
    const entries: JournalEntry[] = [
      { type: 'order', event: 'initialize', order: order({ keyId: 'K7' }) },
      { type: 'key', key: { ...apiKey(), rateLimit: { perSecond: 5, burst: 10 }, accounts: ['paper'], halted: { at: 2, by: 'ui', reason: 'runaway' } } },
    ];
    for (const e of entries) expect(roundTrip(e)).toEqual(e);
    const wire = encodeEntry({ type: 'order', event: 'initialize', order: order() }).wire as { order: unknown[] };
    const at = orderCodec.keys.indexOf('keyId');
    const back = decodeEntry({ type: 'order', event: 'initialize', order: wire.order.slice(0, at) }) as Extract<JournalEntry, { type: 'order' }>;
    expect(back.order.keyId).toBeUndefined();
    const key = encodeEntry({ type: 'key', key: apiKey() }).wire as { key: unknown[] };
    const oldKey = decodeEntry({ type: 'key', key: key.key.slice(0, 7) }) as Extract<JournalEntry, { type: 'key' }>;
    expect(oldKey.key).toEqual(apiKey());
  });

  it('keeps when a stop or take profit triggered (migration 10); older tuples and an untriggered order read as absent', () => {
    const e: JournalEntry = { type: 'order', event: 'trigger', order: order({ type: 'stop_limit', state: 'triggered', triggeredAt: 1_700_000_000_123 }) };
    expect(roundTrip(e)).toEqual(e);
    const wire = encodeEntry({ type: 'order', event: 'initialize', order: order() }).wire as { order: unknown[] };
    const at = orderCodec.keys.indexOf('triggeredAt');
    expect(at).toBe(orderCodec.keys.length - 1);
    for (const tuple of [wire.order, wire.order.slice(0, at)]) {
      const back = decodeEntry({ type: 'order', event: 'initialize', order: tuple }) as Extract<JournalEntry, { type: 'order' }>;
      expect('triggeredAt' in back.order ? back.order.triggeredAt : undefined).toBeUndefined();
      expect(back.order).toEqual(order());
    }
  });

  it("keeps a protective order's trailing terms and group (issue 12) with their Decimals, and reads older tuples as none", () => {
    const trailing = { offset: d('2.5'), unit: 'percent' as const, activationPrice: d('105'), best: d('110.25') };
    const protection = {
      ocoId: 'G1',
      parentId: 'O0',
      role: 'stop_loss' as const,
      heldBy: 'tern' as const,
      attached: { takeProfit: { price: d('120') }, stopLoss: { stopPrice: d('90'), price: null } },
      exits: ['O2'],
      followsPosition: false,
    };
    const e: JournalEntry = { type: 'order', event: 'update', order: order({ type: 'trailing_stop', trailing, protection }) };
    const back = roundTrip(e) as Extract<JournalEntry, { type: 'order' }>;
    expect(back).toEqual(e);
    expect(back.order.trailing!.best!.plus(1).toFixed()).toBe('111.25');
    expect(back.order.protection!.attached!.stopLoss!.stopPrice.toFixed()).toBe('90');
    const plain = encodeEntry({ type: 'order', event: 'initialize', order: order() });
    const older = { ...plain.wire, order: (plain.wire as { order: unknown[] }).order.slice(0, orderCodec.keys.indexOf('trailing')) } as typeof plain.wire;
    const decoded = decodeEntry(older) as Extract<JournalEntry, { type: 'order' }>;
    expect(decoded.order.trailing).toBeUndefined();
    expect(decoded.order.protection).toBeUndefined();
  });

  it('keeps an order\'s and a fill\'s strategy, and reads tuples written before it existed as no strategy', () => {
    const entries: JournalEntry[] = [
      { type: 'order', event: 'initialize', order: order({ strategyId: 'sma-1' }) },
      { type: 'fill', fill: fill({ strategyId: 'sma-1' }) },
      { type: 'strategy_position', position: { ...position(), strategyId: 'sma-1' } },
    ];
    for (const e of entries) expect(roundTrip(e)).toEqual(e);
    const manual = encodeEntry({ type: 'order', event: 'initialize', order: order() });
    const at = orderCodec.keys.indexOf('strategyId');
    expect((manual.wire as { order: unknown[] }).order[at]).toBeNull();
    // a tuple from before migration 6 ends before it
    const old = { type: 'order' as const, event: 'initialize', order: (manual.wire as { order: unknown[] }).order.slice(0, at) };
    const back = decodeEntry(old) as Extract<JournalEntry, { type: 'order' }>;
    expect(back.order.strategyId).toBeUndefined();
  });
});
