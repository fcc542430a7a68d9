import { describe, expect, it, vi } from 'vitest';
import { startSimTern, until } from './venues/ccxt/sim-harness.js';

// Counts imports of the ccxt venues' module (ccxt itself is ~100 MB of memory): the real module, loaded through this factory.
const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src-main/venues/ccxt/account-venue.js', async (importOriginal) => {
  loads.count += 1;
  return await importOriginal();
});

describe('runtime: ccxt is loaded only for an account on an exchange', () => {
  it('a paper-only session never imports it; adding a live account does, and the account trades', async () => {
    const h = await startSimTern({ account: false });
    try {
      const order = await h.call('orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '1000', quantity: '0.01' });
      expect(order.status).toBe('open');
      expect(loads.count).toBe(0);

      await h.call('accounts.create', { id: 'bn', exchange: 'binance', mode: 'live', api_key: h.apiKey, secret: h.secret, base_url: h.sim.url });
      expect(loads.count).toBe(1);
      await until(async () => (await h.call('accounts.list', {})).some((a) => a.id === 'bn' && a.status === 'active'), 'the live account to be active');
      const live = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.001' });
      expect(live.account).toBe('bn');
      expect(['filled', 'open']).toContain(live.status);

      // a restart with the live account in the store opens it again (the module is imported once per process)
      await h.restart();
      await until(async () => (await h.call('accounts.list', {})).some((a) => a.id === 'bn' && a.status === 'active'), 'the live account to be active after a restart');
      expect(loads.count).toBe(1);
    } finally {
      await h.close();
    }
  }, 30_000);
});
