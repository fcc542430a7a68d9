// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallError } from '../../../../src-renderer/client/call-error.js';
import { AccountsPanel } from '../../../../src-renderer/features/settings/AccountsPanel.js';
import { useMarket } from '../../../../src-renderer/state/market.js';
import { useNotifications } from '../../../../src-renderer/state/notifications.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useTrading } from '../../../../src-renderer/state/trading.js';
import { FakeClient, INSTRUMENT } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render, type } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeAll(() => {
  const proto = HTMLDialogElement.prototype as unknown as { showModal?: () => void };
  proto.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});
const PAPER = { id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' } as const;
const LIVE = { id: 'binance-main', exchange: 'binance', mode: 'live', status: 'active' } as const;
beforeEach(() => {
  resetStores();
  useReference.getState().setAccounts([PAPER, LIVE]);
  useReference.getState().setInstruments([INSTRUMENT, { ...INSTRUMENT, account: 'binance-main' }]);
});
afterEach(cleanup);

const input = (c: HTMLElement, name: string) => $(c, `[name="${name}"]`) as HTMLInputElement;
const submit = async (c: HTMLElement) => {
  await act(async () => {
    $(c, '[data-testid="account-form"]').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
};
const check = async (el: HTMLInputElement) => click(el);

/** everything the page keeps: the stores and the browser's storage */
function everythingKept(): string {
  return JSON.stringify([useReference.getState(), useTrading.getState(), useNotifications.getState(), useMarket.getState().account, { ...localStorage }, { ...sessionStorage }]);
}

describe('Settings → Accounts', () => {
  it('lists the accounts with their mode badges, and why one is not active', async () => {
    useReference.getState().upsertAccount({ ...LIVE, status: 'disconnected', reason: 'binance: network timeout, reconnecting' });
    const { container } = await render(<AccountsPanel />, new FakeClient());
    expect($(container, '[data-account="binance-main"]').textContent).toContain('disconnectedbinance: network timeout, reconnecting');
    const rows = [...container.querySelectorAll('[data-testid="accounts-table"] tbody tr')].map((r) => r.textContent);
    expect(rows).toEqual([expect.stringContaining('paperpaperPAPER'), expect.stringContaining('binance-mainbinanceLIVE')]);
    // only a live account has something to reconcile with
    expect(container.querySelectorAll('[data-testid="reconcile-account"]')).toHaveLength(1);
  });

  it('adds a paper account and shows it in the list, with its instruments loaded', async () => {
    const created = { id: 'paper2', exchange: 'paper', mode: 'paper', status: 'active' };
    const client = new FakeClient({ 'accounts.create': () => created, 'instruments.list': () => [INSTRUMENT, { ...INSTRUMENT, account: 'paper2' }] });
    const { container } = await render(<AccountsPanel />, client);
    await click($(container, '[data-testid="add-account"]'));
    expect(container.querySelector('[name="api-key"]')).toBeNull();
    await type(input(container, 'account-id'), 'paper2');
    await type(input(container, 'starting-balances'), 'USDT=5000');
    await submit(container);
    expect(client.callsOf('accounts.create')).toEqual([{ id: 'paper2', exchange: 'paper', mode: 'paper', starting_balances: { USDT: '5000' } }]);
    expect(useReference.getState().accounts.map((a) => a.id)).toEqual(['paper', 'binance-main', 'paper2']);
    expect(useReference.getState().instruments.some((i) => i.account === 'paper2')).toBe(true);
    expect(container.querySelector('[data-testid="account-form"]')).toBeNull();
  });

  it('a live account is marked LIVE and cannot be sent without the explicit confirmation', async () => {
    const client = new FakeClient({ 'accounts.create': (p: any) => ({ id: p.id, exchange: p.exchange, mode: 'live', status: 'active' }), 'instruments.list': () => [] });
    const { container } = await render(<AccountsPanel />, client);
    await click($(container, '[data-testid="add-account"]'));
    expect(input(container, 'exchange').value).toBe('paper');
    await click($(container, '[data-testid="account-mode-live"]'));
    // a live account cannot be on "paper": the field is emptied for the exchange's name
    expect(input(container, 'exchange').value).toBe('');
    expect($(container, '.live-warning').textContent).toMatch(/^LIVE/);
    expect($(container, '[data-testid="account-form"]').classList.contains('account-form-live')).toBe(true);
    const send = $(container, '[data-testid="account-submit"]') as HTMLButtonElement;
    expect(send.textContent).toBe('Add LIVE account');
    expect(send.disabled).toBe(true);
    await check($(container, '[data-testid="live-confirm"]') as HTMLInputElement);
    expect(send.disabled).toBe(false);
  });

  it('sends the keys once with accounts.create, then empties the fields and keeps them nowhere', async () => {
    let answer!: (v: unknown) => void;
    const client = new FakeClient({ 'accounts.create': () => new Promise((r) => (answer = r)), 'instruments.list': () => [] });
    const { container } = await render(<AccountsPanel />, client);
    await click($(container, '[data-testid="add-account"]'));
    await click($(container, '[data-testid="account-mode-live"]'));
    await type(input(container, 'account-id'), 'okx-main');
    await type(input(container, 'exchange'), 'okx');
    for (const [name, value] of [
      ['api-key', 'KEY-SECRET-VALUE-1'],
      ['api-secret', 'SECRET-VALUE-2'],
      ['api-passphrase', 'PASSPHRASE-3'],
    ] as const) {
      expect(input(container, name).type).toBe('password');
      await type(input(container, name), value);
    }
    await check($(container, '[data-testid="live-confirm"]') as HTMLInputElement);
    await submit(container);
    expect(client.callsOf('accounts.create')).toEqual([{ id: 'okx-main', exchange: 'okx', mode: 'live', api_key: 'KEY-SECRET-VALUE-1', secret: 'SECRET-VALUE-2', password: 'PASSPHRASE-3' }]);
    await act(async () => answer({ id: 'okx-main', exchange: 'okx', mode: 'live', status: 'active' }));
    await flush();
    const kept = everythingKept() + container.innerHTML;
    for (const secret of ['KEY-SECRET-VALUE-1', 'SECRET-VALUE-2', 'PASSPHRASE-3']) expect(kept).not.toContain(secret);
    expect(useReference.getState().accounts.some((a) => a.id === 'okx-main' && a.mode === 'live')).toBe(true);
  });

  it('shows an engine refusal at the field it names, and empties the key fields anyway', async () => {
    const client = new FakeClient({
      'accounts.create': () => {
        throw new CallError('BAD_REQUEST', 'invalid request: base_url: too long', { field: 'base_url' });
      },
    });
    const { container } = await render(<AccountsPanel />, client);
    await click($(container, '[data-testid="add-account"]'));
    await click($(container, '[data-testid="account-mode-live"]'));
    await type(input(container, 'account-id'), 'bybit1');
    await type(input(container, 'exchange'), 'bybit');
    await type(input(container, 'api-key'), 'K');
    await type(input(container, 'api-secret'), 'S');
    await type(input(container, 'base-url'), 'http://example');
    await check($(container, '[data-testid="live-confirm"]') as HTMLInputElement);
    await submit(container);
    expect(input(container, 'base-url').getAttribute('aria-invalid')).toBe('true');
    expect(container.textContent).toContain('invalid request: base_url: too long');
    expect($(container, '[data-testid="account-error"]').textContent).toBe('Not added: base_url: invalid request: base_url: too long');
    expect(input(container, 'api-key').value).toBe('');
    expect(input(container, 'api-secret').value).toBe('');
  });

  it('checks the form before sending anything', async () => {
    const client = new FakeClient();
    const { container } = await render(<AccountsPanel />, client);
    await click($(container, '[data-testid="add-account"]'));
    await type(input(container, 'account-id'), 'Bad Id');
    await submit(container);
    expect(client.calls).toEqual([]);
    expect(input(container, 'account-id').getAttribute('aria-invalid')).toBe('true');
  });

  it('removes an account after a confirmation, and moves the screen off it', async () => {
    useMarket.getState().selectMarket('binance-main', 'BTC/USDT');
    const client = new FakeClient({ 'accounts.delete': (p: any) => ({ ...LIVE, id: p.id, status: 'deleted' }) });
    const { container } = await render(<AccountsPanel />, client);
    const row = $(container, '[data-account="binance-main"]');
    await click($(row, '[data-testid="remove-account"]'));
    expect(client.calls).toEqual([]);
    expect(document.activeElement?.textContent).toBe('Keep it');
    await click($(container, '[data-testid="remove-confirm"]'));
    await flush();
    expect(client.callsOf('accounts.delete')).toEqual([{ id: 'binance-main' }]);
    expect(useReference.getState().accounts.map((a) => a.id)).toEqual(['paper']);
    expect(useMarket.getState().account).toBe('paper');
  });

  it('keeps the account and says why when the engine refuses to remove it', async () => {
    const client = new FakeClient({
      'accounts.delete': () => {
        throw new CallError('CONFLICT', 'account binance-main has 2 working order(s); cancel them first');
      },
    });
    const { container } = await render(<AccountsPanel />, client);
    await click($($(container, '[data-account="binance-main"]'), '[data-testid="remove-account"]'));
    await click($(container, '[data-testid="remove-confirm"]'));
    await flush();
    expect($(container, '[data-testid="remove-error"]').textContent).toContain('2 working order(s)');
    expect(useReference.getState().accounts).toHaveLength(2);
  });

  it('reconciles an account now and shows the report', async () => {
    const client = new FakeClient({
      'reconcile.run': () => ({
        account: 'binance-main',
        checked: 12,
        fixed: [{ account: 'binance-main', kind: 'fill_applied', order_id: 'O-7', client_order_id: null, detail: 'a fill missed while offline' }],
        unresolved: ['balance of BNB differs'],
      }),
    });
    const { container } = await render(<AccountsPanel />, client);
    await click($(container, '[data-testid="reconcile-account"]'));
    await flush();
    expect(client.callsOf('reconcile.run')).toEqual([{ account: 'binance-main' }]);
    const report = $(container, '[data-testid="reconcile-report"]').textContent;
    expect(report).toContain('Compared 12 item(s)');
    expect(report).toContain('1 fixed, 1 unresolved');
    expect(report).toContain('Fill appliedO-7a fill missed while offline');
    expect(report).toContain('balance of BNB differs');
  });

  it('reports a reconciliation that could not run', async () => {
    const client = new FakeClient({
      'reconcile.run': () => {
        throw new CallError('VENUE_UNAVAILABLE', 'binance is unreachable');
      },
    });
    const { container } = await render(<AccountsPanel />, client);
    await click($(container, '[data-testid="reconcile-account"]'));
    await flush();
    expect($(container, '[data-testid="reconcile-report"]').textContent).toContain('Could not reconcile: binance is unreachable');
  });
});
