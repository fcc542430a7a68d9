// @vitest-environment happy-dom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KillSwitchDialog } from '../../../../src-renderer/features/header/KillSwitch.js';
import { useNotifications } from '../../../../src-renderer/state/notifications.js';
import { useRisk } from '../../../../src-renderer/state/risk.js';
import { FakeClient, RISK } from '../../helpers/fake-client.js';
import { $, cleanup, click, flush, render } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

beforeAll(() => {
  // happy-dom's <dialog> may lack the modal API
  const proto = HTMLDialogElement.prototype as unknown as { showModal?: () => void; close?: () => void };
  proto.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});
beforeEach(() => resetStores());
afterEach(cleanup);

const submit = async (container: HTMLElement) => {
  await click($(container, '[data-testid="kill-confirm"]'));
  await flush();
};

describe('KillSwitchDialog', () => {
  it('asks first; confirming halts with the reason and cancels everything (the engine\'s risk event announces it)', async () => {
    useRisk.getState().set(RISK as never);
    const client = new FakeClient({ 'risk.killSwitch': () => ({ state: 'HALTED', canceled: ['O-1', 'O-2'], failed: [], flattened: [] }) });
    let closed = 0;
    const { container } = await render(<KillSwitchDialog open onClose={() => closed++} />, client);
    expect(client.calls).toEqual([]);
    await submit(container);
    expect(client.callsOf('risk.killSwitch')).toEqual([{ reason: 'kill switch pulled from the UI', flatten: false }]);
    expect(useNotifications.getState().toasts).toEqual([]);
    expect(closed).toBe(1);
  });

  it('reports what the kill switch could not do', async () => {
    useRisk.getState().set(RISK as never);
    const client = new FakeClient({ 'risk.killSwitch': () => ({ state: 'HALTED', canceled: [], failed: [{ id: 'O-3', action: 'cancel', error: 'venue timeout' }], flattened: [] }) });
    const { container } = await render(<KillSwitchDialog open onClose={() => {}} />, client);
    await submit(container);
    expect(useNotifications.getState().toasts[0]).toMatchObject({ kind: 'error', title: 'Kill switch: 1 action(s) FAILED', body: 'cancel O-3: venue timeout' });
  });

  it('the safe button has the focus', async () => {
    useRisk.getState().set(RISK as never);
    const { container } = await render(<KillSwitchDialog open onClose={() => {}} />, new FakeClient());
    const cancel = [...container.querySelectorAll('button')].find((b) => b.textContent === 'Cancel');
    expect(document.activeElement).toBe(cancel);
  });

  it('without risk controls, it still cancels every open order and says trading is not halted', async () => {
    useRisk.getState().unavailable('no risk');
    const client = new FakeClient({ 'orders.cancelAll': () => ({ canceled: ['O-9'] }) });
    const { container } = await render(<KillSwitchDialog open onClose={() => {}} />, client);
    await submit(container);
    expect(client.callsOf('orders.cancelAll')).toEqual([{}]);
    expect(useNotifications.getState().toasts[0]?.body).toMatch(/not halted/);
  });
});
