// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountsPanel } from '../../../../src-renderer/features/settings/AccountsPanel.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { CallError } from '../../../../src-renderer/client/call-error.js';
import { FakeClient } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render, type } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeAll(() => {
  const proto = HTMLDialogElement.prototype as unknown as { showModal?: () => void };
  proto.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});
beforeEach(() => resetStores());
afterEach(cleanup);

const input = (c: HTMLElement, name: string) => $(c, `[name="${name}"]`) as HTMLInputElement;
const submit = async (c: HTMLElement) => {
  await act(async () => {
    $(c, '[data-testid="account-form"]').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
};

describe('Settings → Accounts: the dead-man switch of a live account', () => {
  it('each account says whether its exchange offers it, and whether it is armed', async () => {
    useReference.getState().setAccounts([
      { id: 'bn', exchange: 'binance', mode: 'live', status: 'active', dead_man_switch: { available: false, timeout_s: 30, armed: false, reason: 'binance offers no cancel-all-after (dead-man switch) through ccxt; resting orders stay on the exchange if Tern stops' } },
      { id: 'by', exchange: 'bybit', mode: 'live', status: 'active', dead_man_switch: { available: true, timeout_s: 60, armed: true, reason: null } },
      { id: 'ok', exchange: 'okx', mode: 'live', status: 'active', dead_man_switch: { available: true, timeout_s: null, armed: false, reason: null } },
    ]);
    const { container } = await render(<AccountsPanel />, new FakeClient());
    const text = (id: string) => $(container, `[data-account="${id}"] [data-testid="dead-man-switch-status"]`).textContent;
    expect(text('bn')).toBe('Dead-man switch unavailable: binance offers no cancel-all-after (dead-man switch) through ccxt; resting orders stay on the exchange if Tern stops');
    expect(text('by')).toBe('Dead-man switch: armed — the exchange cancels resting orders 60 s after Tern stops');
    expect(text('ok')).toBe('Dead-man switch: off');
  });

  it('the add-account form takes the seconds for a live account, checks them, and sends dead_man_switch_s', async () => {
    const client = new FakeClient({ 'accounts.create': (p: { id: string; exchange: string }) => ({ id: p.id, exchange: p.exchange, mode: 'live', status: 'active' }), 'instruments.list': () => [] });
    const { container } = await render(<AccountsPanel />, client);
    await click($(container, '[data-testid="add-account"]'));
    expect(container.querySelector('[data-testid="dead-man-switch"]')).toBeNull();
    await click($(container, '[data-testid="account-mode-live"]'));
    await type(input(container, 'account-id'), 'by');
    await type(input(container, 'exchange'), 'bybit');
    await type(input(container, 'api-key'), 'K');
    await type(input(container, 'api-secret'), 'S');
    await type(input(container, 'dead-man-switch'), '5');
    await click($(container, '[data-testid="live-confirm"]'));
    await submit(container);
    expect(client.callsOf('accounts.create')).toEqual([]);
    expect(input(container, 'dead-man-switch').getAttribute('aria-invalid')).toBe('true');
    expect(container.textContent).toContain('Whole seconds from 10 to 600, or empty for off');
    await type(input(container, 'dead-man-switch'), '45');
    await type(input(container, 'api-key'), 'K');
    await type(input(container, 'api-secret'), 'S');
    await submit(container);
    expect(client.callsOf('accounts.create')).toEqual([{ id: 'by', exchange: 'bybit', mode: 'live', api_key: 'K', secret: 'S', dead_man_switch_s: 45 }]);
  });

  describe('changing it on an existing account (accounts.update)', () => {
    const live = (dms: { available: boolean; timeout_s: number | null; armed: boolean; reason: string | null }) => ({ id: 'by', exchange: 'bybit', mode: 'live' as const, status: 'active', dead_man_switch: dms });
    const row = (c: HTMLElement) => $(c, '[data-account="by"]');

    it('turns it on with the seconds typed, sends them, and the row shows what the engine answered', async () => {
      useReference.getState().setAccounts([live({ available: true, timeout_s: null, armed: false, reason: null })]);
      const client = new FakeClient({ 'accounts.update': (p: { id: string; dead_man_switch_s: number | null }) => live({ available: true, timeout_s: p.dead_man_switch_s, armed: true, reason: null }) });
      const { container } = await render(<AccountsPanel />, client);
      await click($(row(container), '[data-testid="dead-man-switch-change"]'));
      expect(input(container, 'dead-man-switch-seconds').value).toBe('');
      await type(input(container, 'dead-man-switch-seconds'), '45');
      await click($(container, '[data-testid="dead-man-switch-save"]'));
      expect(client.callsOf('accounts.update')).toEqual([{ id: 'by', dead_man_switch_s: 45 }]);
      expect($(row(container), '[data-testid="dead-man-switch-status"]').textContent).toBe('Dead-man switch: armed — the exchange cancels resting orders 45 s after Tern stops');
      expect(container.querySelector('[data-testid="dead-man-switch-form"]')).toBeNull();
    });

    it('emptied, it turns the switch off (null); out of range is refused on the spot and nothing is sent', async () => {
      useReference.getState().setAccounts([live({ available: true, timeout_s: 60, armed: true, reason: null })]);
      const client = new FakeClient({ 'accounts.update': () => live({ available: true, timeout_s: null, armed: false, reason: null }) });
      const { container } = await render(<AccountsPanel />, client);
      await click($(row(container), '[data-testid="dead-man-switch-change"]'));
      expect(input(container, 'dead-man-switch-seconds').value).toBe('60');
      await type(input(container, 'dead-man-switch-seconds'), '5');
      await click($(container, '[data-testid="dead-man-switch-save"]'));
      expect(client.callsOf('accounts.update')).toEqual([]);
      expect(input(container, 'dead-man-switch-seconds').getAttribute('aria-invalid')).toBe('true');
      expect(container.textContent).toContain('Whole seconds from 10 to 600, or empty for off');
      await type(input(container, 'dead-man-switch-seconds'), '');
      await click($(container, '[data-testid="dead-man-switch-save"]'));
      expect(client.callsOf('accounts.update')).toEqual([{ id: 'by', dead_man_switch_s: null }]);
      expect($(row(container), '[data-testid="dead-man-switch-status"]').textContent).toBe('Dead-man switch: off');
    });

    it('a refusal from the engine is shown in the row and the form stays open', async () => {
      useReference.getState().setAccounts([live({ available: true, timeout_s: 60, armed: true, reason: null })]);
      const client = new FakeClient({
        'accounts.update': () => {
          throw new CallError('VENUE_UNAVAILABLE', 'the exchange did not take the dead-man switch off (timeout); it stays at 60 s');
        },
      });
      const { container } = await render(<AccountsPanel />, client);
      await click($(row(container), '[data-testid="dead-man-switch-change"]'));
      await type(input(container, 'dead-man-switch-seconds'), '');
      await click($(container, '[data-testid="dead-man-switch-save"]'));
      expect($(container, '[data-testid="dead-man-switch-form"] [role="alert"]').textContent).toContain('it stays at 60 s');
      expect($(row(container), '[data-testid="dead-man-switch-status"]').textContent).toBe('Dead-man switch: armed — the exchange cancels resting orders 60 s after Tern stops');
    });

    it('where the exchange has none it says "unavailable for this exchange" and offers no change', async () => {
      useReference.getState().setAccounts([{ id: 'bn', exchange: 'binance', mode: 'live', status: 'active', dead_man_switch: { available: false, timeout_s: null, armed: false, reason: 'binance offers no cancel-all-after' } }]);
      const { container } = await render(<AccountsPanel />, new FakeClient());
      expect($(container, '[data-account="bn"] [data-testid="dead-man-switch-status"]').textContent).toBe('Dead-man switch: unavailable for this exchange');
      expect(container.querySelector('[data-testid="dead-man-switch-change"]')).toBeNull();
    });
  });
});
