// @vitest-environment happy-dom
/** Settings → Local API keys (issue 14, per-bot keys): a new key with its own rate, accounts and risk limits. */
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKey } from '../../../../src-common/contract/schemas.js';
import { keyLimitsParams } from '../../../../src-renderer/features/settings/KeyLimitsFields.js';
import SettingsView from '../../../../src-renderer/features/settings/SettingsView.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { FakeClient } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render, type } from '../../helpers/render.js';
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

describe('Settings → Local API keys: a new key with its own rate, accounts and limits', () => {
  it('sends rate_limit, accounts and risk_limits with keys.create', async () => {
    useReference.getState().setAccounts([
      { id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' },
      { id: 'paper-b', exchange: 'paper', mode: 'paper', status: 'active' },
    ] as never);
    const client = new FakeClient({
      'keys.list': () => [],
      'keys.create': (p) => ({ ...key({ name: (p as { name: string }).name }), key: 'tern_secret' }),
    });
    const { container } = await render(<SettingsView onSignOut={null} />, client);
    await flush();
    await type($(container, '.key-form input.input') as HTMLInputElement, 'grid-bot');
    await type($(container, '[name="key-per-second"]') as HTMLInputElement, '5');
    await type($(container, '[name="key-burst"]') as HTMLInputElement, '10');
    await click($(container, '[name="key-account-paper-b"]'));
    await type($(container, '[name="key-limit-max_order_notional"]') as HTMLInputElement, '100');
    await act(async () => {
      $(container, '.key-form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await flush();
    expect(client.callsOf('keys.create')).toEqual([
      { name: 'grid-bot', scopes: ['read'], rate_limit: { per_second: 5, burst: 10 }, accounts: ['paper-b'], risk_limits: { max_order_notional: '100' } },
    ]);
  });

  it('refuses a half-given rate or a rate above the most, naming the field, before asking the engine', () => {
    const empty = { perSecond: '', burst: '', accounts: [], limits: {} };
    expect(keyLimitsParams(empty)).toEqual({ params: {} });
    expect(keyLimitsParams({ ...empty, perSecond: '5' })).toMatchObject({ field: 'burst' });
    expect(keyLimitsParams({ ...empty, perSecond: '5000', burst: '10' })).toMatchObject({ field: 'per_second' });
    expect(keyLimitsParams({ ...empty, limits: { max_order_notional: 'lots' } })).toMatchObject({ field: 'max_order_notional' });
  });
});
