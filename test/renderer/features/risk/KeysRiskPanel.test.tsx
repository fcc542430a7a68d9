// @vitest-environment happy-dom
/**
 * Per-bot keys on the Risk screen (issue 14): each key's own limits and usage,
 * and a halt per key that calls keys.halt for that key alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKey } from '../../../../src-common/contract/schemas.js';
import { KeysRiskPanel, keyLimitsText } from '../../../../src-renderer/features/risk/KeysRiskPanel.js';
import { FakeClient } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeEach(() => resetStores());
afterEach(cleanup);

const key = (over: Partial<ApiKey>): ApiKey => ({
  id: 'K1',
  name: 'grid-bot',
  scopes: ['trade'],
  created_at: '2026-01-01T00:00:00.000Z',
  expires_at: null,
  rate_limit: null,
  accounts: null,
  risk_limits: {},
  halted: null,
  usage: { orders_today: 0, open_orders: 0, open_notional: '0', orders_last_second: 0 },
  ...over,
});

describe('Risk → Bots (API keys)', () => {
  it("shows each key's limits and usage, and halts one key from its row", async () => {
    let keys = [
      key({ id: 'K1', name: 'grid-bot', rate_limit: { per_second: 5, burst: 10 }, accounts: ['paper'], risk_limits: { max_order_notional: '100', max_open_orders: '20' }, usage: { orders_today: 42, open_orders: 3, open_notional: '240.50000000', orders_last_second: 1 } }),
      key({ id: 'K2', name: 'dca-bot' }),
    ];
    const client = new FakeClient({
      'keys.list': () => keys,
      'keys.halt': (p) => {
        const { id } = p as { id: string };
        keys = keys.map((k) => (k.id === id ? { ...k, halted: { at: '2026-01-01T00:00:01.000Z', by: 'ui', reason: 'halted from the Risk screen' } } : k));
        return { ...keys.find((k) => k.id === id)!, canceled: ['O1', 'O2', 'O3'], failed: [] };
      },
    });
    const { container } = await render(<KeysRiskPanel refreshMs={60_000} />, client);
    await flush();
    const row = (id: string) => $(container, `tr[data-key="${id}"]`);
    expect(row('K1').querySelector('.key-limits')!.textContent).toBe('order notional ≤ 100 · open orders ≤ 20');
    expect(row('K1').textContent).toContain('5/s, burst 10');
    expect(row('K1').textContent).toContain('paper');
    expect(row('K1').querySelector('.key-orders-today')!.textContent).toBe('42');
    expect(row('K1').querySelector('.key-open-orders')!.textContent).toBe('3 / 20');
    expect(row('K1').querySelector('.key-open-notional')!.textContent).toBe('240.5');
    expect(row('K2').querySelector('.key-limits')!.textContent).toBe('none');
    expect(row('K2').textContent).toContain('default');

    await click(row('K1').querySelector('button')!);
    await flush();
    expect(client.callsOf('keys.halt')).toEqual([{ id: 'K1', reason: 'halted from the Risk screen' }]);
    expect(row('K1').querySelector('.key-status')!.textContent).toContain('Halted');
    expect(row('K2').querySelector('.key-status')!.textContent).toBe('Trading');
  });

  it('says why when the keys cannot be read (a key without the admin scope)', async () => {
    const { container } = await render(<KeysRiskPanel refreshMs={60_000} />, new FakeClient({}));
    await flush();
    expect($(container, '[data-testid="keys-risk-error"]').textContent).toContain('Key limits unavailable');
  });

  it('names the limits as the Risk routes do', () => {
    expect(keyLimitsText({ max_orders_per_second: '2', price_band_pct: '1.5' })).toBe('orders/s ≤ 2 · price band % ≤ 1.5');
  });
});

