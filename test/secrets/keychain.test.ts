import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src-main/secrets/keychain.js';
import { deleteCredentials, loadCredentials, saveCredentials } from '../../src-main/secrets/secret-store.js';
import { startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';
import { keyringSession, type KeyringSession } from './keyring-session.js';

let session: KeyringSession;

beforeAll(async () => {
  session = await keyringSession();
});

afterAll(async () => {
  await session?.close();
});

/** every file under `dir`, recursively */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('the OS keychain (a real gnome-keyring over D-Bus)', () => {
  it('stores, reads back and deletes an account’s keys: one entry per field under the service "Tern"', () => {
    const store = new KeychainSecretStore();
    store.assertAvailable();
    saveCredentials(store, 'kc-test', { apiKey: 'key-123', secret: 'secret-456', password: 'pass-789' });
    // a new instance reads what the keychain holds, not a cache
    expect(loadCredentials(new KeychainSecretStore(), 'kc-test')).toEqual({ apiKey: 'key-123', secret: 'secret-456', password: 'pass-789' });
    expect(new KeychainSecretStore('Not-Tern').get('kc-test', 'secret')).toBeNull();
    expect(deleteCredentials(store, 'kc-test').sort()).toEqual(['apiKey', 'password', 'secret']);
    expect(loadCredentials(store, 'kc-test')).toEqual({});
  });

  it('without a Secret Service the keychain refuses with a clear message (no plaintext fallback)', () => {
    const script = [
      "import { KeychainSecretStore } from './src-main/secrets/keychain.ts';",
      "try { new KeychainSecretStore().set('x', 'secret', 'v'); console.log('STORED'); }",
      'catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tern-no-bus', TERN_KEYRING_SESSION: '' },
      encoding: 'utf8',
    });
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { code: string; message: string };
    expect(out.code).toBe('CONFLICT');
    expect(out.message).toMatch(/no OS keychain is available, so Tern cannot store exchange API keys/);
  });
});

describe('a live account’s keys live in the keychain only', () => {
  let h: SimTern;
  beforeAll(async () => {
    h = await startSimTern({ secrets: new KeychainSecretStore(), account: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('are kept out of the data folder, the logs and every answer, and survive a restart through the keychain', async () => {
    const created = await h.call('accounts.create', { id: 'kc', exchange: 'binance', mode: 'live', api_key: h.apiKey, secret: h.secret, base_url: h.sim.url });
    expect(JSON.stringify(created)).not.toContain(h.secret);
    expect(new KeychainSecretStore().get('kc', 'secret')).toBe(h.secret);
    await h.call('orders.create', { account: 'kc', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2000' });
    // a failure that logs the exchange's answer
    h.sim.control.addFault({ kind: 'status', status: 503, endpoint: 'POST /api/v3/order', times: 1 });
    await h.call('orders.create', { account: 'kc', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2001' }).catch(() => undefined);
    await h.restart(); // the venue reads its keys from the keychain again
    const after = await h.call('orders.create', { account: 'kc', symbol: 'ETH/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: '2002' });
    expect(after.status).toBe('open');
    const answers = JSON.stringify([await h.call('accounts.list', {}), await h.call('orders.list', { status: 'all' }), await h.call('keys.list', {})]);
    await h.rt.close();

    const secrets = [h.secret, h.apiKey];
    const found = files(h.dataDir).filter((f) => secrets.some((s) => readFileSync(f).includes(Buffer.from(s))));
    expect(found, 'files of the data folder holding a key').toEqual([]);
    expect(h.logs.length).toBeGreaterThan(0);
    expect(h.logs.filter((line) => secrets.some((s) => line.includes(s))), 'log lines holding a key').toEqual([]);
    expect(secrets.some((s) => answers.includes(s))).toBe(false);

    await h.restart();
    await h.call('orders.cancelAll', { account: 'kc' });
    // the order the 503 left pending is settled by reconciliation once its grace period is over
    await until(async () => (await h.call('reconcile.run', { account: 'kc' })) && (await h.call('orders.list', { account: 'kc', status: 'open' })).length === 0, 'no working orders', 6000);
    await h.call('accounts.delete', { id: 'kc' });
    expect(loadCredentials(new KeychainSecretStore(), 'kc')).toEqual({});
    expect((await h.call('accounts.list', {})).map((a) => a.id)).not.toContain('kc');
  });
});
