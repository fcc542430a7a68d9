import { describe, expect, it } from 'vitest';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { TernError } from '../../src-common/contract/errors.js';
import { METHODS } from '../../src-common/contract/methods.js';
import { UI_CONTEXT } from '../../src-main/electron/ipc-bridge.js';
import {
  choiceFromResponse,
  KILL_SWITCH_ACCELERATOR,
  killSwitchAvailable,
  killSwitchDialog,
  KillSwitchTrigger,
} from '../../src-main/electron/kill-switch.js';

const REPORT = { state: 'HALTED', canceled: ['o1'], failed: [], flattened: [] };

function fakeApi(impl: () => unknown = () => REPORT) {
  const calls: unknown[][] = [];
  const api = {
    call: (async (method: string, params: unknown, ctx: unknown) => {
      calls.push([method, params, ctx]);
      return impl();
    }) as EngineApi['call'],
  };
  return { api, calls };
}

describe('kill switch confirmation', () => {
  it('is the global shortcut Ctrl/Cmd+Shift+K', () => {
    expect(KILL_SWITCH_ACCELERATOR).toBe('CommandOrControl+Shift+K');
  });

  it('exists exactly when the engine has risk.killSwitch', () => {
    expect(killSwitchAvailable()).toBe(Object.hasOwn(METHODS, 'risk.killSwitch'));
  });

  it('defaults to Cancel, and Escape cancels, so a stray Enter does nothing', () => {
    const d = killSwitchDialog();
    expect(d.buttons?.[d.defaultId!]).toBe('Cancel');
    expect(d.cancelId).toBe(d.defaultId);
    expect(d.type).toBe('warning');
  });

  it('maps the buttons to cancel, halt and flatten, and anything else to cancel', () => {
    expect([0, 1, 2, 3, -1].map(choiceFromResponse)).toEqual(['cancel', 'halt', 'flatten', 'cancel', 'cancel']);
  });
});

describe('pulling the kill switch', () => {
  it('does nothing but ask when the trader cancels', async () => {
    const { api, calls } = fakeApi();
    const t = new KillSwitchTrigger({ api, confirm: async () => 0, available: () => true });
    expect(await t.trigger('hotkey')).toEqual({ kind: 'canceled' });
    expect(calls).toHaveLength(0);
  });

  it('halts without flattening, as the desktop user, naming where it came from', async () => {
    const { api, calls } = fakeApi();
    const t = new KillSwitchTrigger({ api, confirm: async () => 1, available: () => true });
    expect(await t.trigger('tray')).toEqual({ kind: 'done', report: REPORT });
    expect(calls).toEqual([['risk.killSwitch', { reason: 'kill switch (tray in the desktop app)', flatten: false }, UI_CONTEXT]]);
  });

  it('flattens when the trader picks closing positions too', async () => {
    const { api, calls } = fakeApi();
    const t = new KillSwitchTrigger({ api, confirm: async () => 2, available: () => true });
    await t.trigger('hotkey');
    expect(calls[0]?.[1]).toMatchObject({ flatten: true });
  });

  it('asks once however often the hotkey is pressed while the dialog is open', async () => {
    const { api, calls } = fakeApi();
    let answer!: (n: number) => void;
    let asked = 0;
    const t = new KillSwitchTrigger({
      api,
      confirm: () => {
        asked += 1;
        return new Promise<number>((res) => (answer = res));
      },
      available: () => true,
    });
    const first = t.trigger('hotkey');
    expect(await t.trigger('hotkey')).toEqual({ kind: 'busy' });
    expect(t.busy).toBe(true);
    answer(1);
    expect((await first).kind).toBe('done');
    expect(asked).toBe(1);
    expect(calls).toHaveLength(1);
    expect(t.busy).toBe(false);
  });

  it('reports an engine refusal with its code, and hides an unexpected error behind INTERNAL while handing it to the log', async () => {
    const refused = new KillSwitchTrigger({
      api: fakeApi(() => {
        throw new TernError('VENUE_UNAVAILABLE', 'binance is down');
      }).api,
      confirm: async () => 1,
      available: () => true,
    });
    const out = await refused.trigger('menu');
    expect(out.kind === 'failed' && out.error.code).toBe('VENUE_UNAVAILABLE');

    const logged: unknown[] = [];
    const boom = new Error('disk on fire');
    const broken = new KillSwitchTrigger({
      api: fakeApi(() => {
        throw boom;
      }).api,
      confirm: async () => 1,
      available: () => true,
      onUnexpected: (e) => logged.push(e),
    });
    const out2 = await broken.trigger('menu');
    expect(out2.kind === 'failed' && out2.error.code).toBe('INTERNAL');
    expect(logged).toEqual([boom]);
  });

  it('treats a dialog that fails to open as a cancel', async () => {
    const { api, calls } = fakeApi();
    const t = new KillSwitchTrigger({ api, confirm: () => Promise.reject(new Error('no display')), available: () => true });
    expect(await t.trigger('hotkey')).toEqual({ kind: 'canceled' });
    expect(calls).toHaveLength(0);
  });

  it('answers unavailable, without asking, in a build whose engine has no kill switch', async () => {
    let asked = false;
    const t = new KillSwitchTrigger({ api: fakeApi().api, confirm: async () => ((asked = true), 1), available: () => false });
    expect(await t.trigger('hotkey')).toEqual({ kind: 'unavailable' });
    expect(asked).toBe(false);
  });
});
