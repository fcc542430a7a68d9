import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src-main/secrets/secret-store.js';
import { startSimTern, type SimTern } from '../venues/ccxt/sim-harness.js';

describe('accounts.create and accounts.delete', () => {
  let h: SimTern;
  const secrets = new MemorySecretStore();
  beforeAll(async () => {
    h = await startSimTern({ account: false, secrets });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses what cannot make an account, naming the field', async () => {
    const base = { id: 'x1', exchange: 'binance', base_url: h.sim.url };
    await expect(h.call('accounts.create', { ...base, mode: 'live', api_key: 'k' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'secret' } });
    await expect(h.call('accounts.create', { ...base, mode: 'paper', api_key: 'k' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'api_key' } });
    await expect(h.call('accounts.create', { ...base, exchange: 'nosuchexchange', mode: 'live', api_key: 'k', secret: 's' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'exchange' } });
    await expect(h.call('accounts.create', { ...base, mode: 'paper', base_url: 'ftp://x' })).rejects.toMatchObject({ details: { field: 'base_url' } });
    expect(secrets.size).toBe(0); // a failed create leaves no keys behind
    expect((await h.call('accounts.list', {})).map((a) => a.id)).toEqual(['paper']);
  });

  it('an account id is taken once', async () => {
    await expect(h.call('accounts.create', { id: 'paper', exchange: 'paper', mode: 'paper' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('keeps a live account’s keys in the secret store only, refuses to delete it while orders work, and removes its keys with it', async () => {
    const created = await h.call('accounts.create', { id: 'live1', exchange: 'binance', mode: 'live', api_key: h.apiKey, secret: h.secret, base_url: h.sim.url });
    expect(created).toMatchObject({ id: 'live1', exchange: 'binance', mode: 'live', status: 'active', reason: null });
    expect(secrets.get('live1', 'secret')).toBe(h.secret);
    h.sim.control.setPrice('ETH/USDT', '3000');
    const o = await h.call('orders.create', { account: 'live1', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2000' });
    await expect(h.call('accounts.delete', { id: 'live1' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await h.call('orders.cancel', { id: o.id });
    expect(await h.call('accounts.delete', { id: 'live1' })).toMatchObject({ id: 'live1', status: 'deleted' });
    expect(secrets.size).toBe(0);
    await h.restart();
    expect((await h.call('accounts.list', {})).map((a) => a.id)).toEqual(['paper']);
  });

  it('without a keychain a live account cannot be added, and the message says why', async () => {
    const bare = await startSimTern({ account: false, secrets: new MemorySecretStore(false) });
    try {
      const err = await bare.call('accounts.create', { id: 'live2', exchange: 'binance', mode: 'live', api_key: bare.apiKey, secret: bare.secret, base_url: bare.sim.url }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CONFLICT', details: { reason: 'keychain_unavailable' } });
      expect((err as Error).message).toMatch(/cannot store exchange API keys/);
      expect((await bare.call('accounts.list', {})).map((a) => a.id)).toEqual(['paper']);
    } finally {
      await bare.close();
    }
  });
});
