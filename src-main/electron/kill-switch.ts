/**
 * The kill switch outside the page: a global hotkey, the tray and the menu.
 * Always asks first. Pure (types-only 'electron'): main supplies the dialog.
 */
import type { MessageBoxOptions } from 'electron';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { asTernError, TernError } from '../../src-common/contract/errors.js';
import { isMethodName } from '../../src-common/contract/methods.js';
import type { KillSwitchReport } from '../../src-common/contract/schemas.js';
import { UI_CONTEXT } from './ipc-bridge.js';

/** Works while any app has focus (globalShortcut). */
export const KILL_SWITCH_ACCELERATOR = 'CommandOrControl+Shift+K';

/** The engine method the switch calls; absent from builds without the risk engine. */
export function killSwitchAvailable(): boolean {
  return isMethodName('risk.killSwitch');
}

export type KillSwitchSource = 'hotkey' | 'tray' | 'menu';
export type KillSwitchChoice = 'cancel' | 'halt' | 'flatten';

const BUTTONS: ReadonlyArray<{ label: string; choice: KillSwitchChoice }> = [
  { label: 'Cancel', choice: 'cancel' },
  { label: 'Halt and cancel all orders', choice: 'halt' },
  { label: 'Halt, cancel and close all positions', choice: 'flatten' },
];

/** The confirmation: Cancel is the default and what Escape picks, so a stray Enter does nothing. */
export function killSwitchDialog(): MessageBoxOptions {
  return {
    type: 'warning',
    title: 'Kill switch',
    message: 'Stop all trading now?',
    detail:
      'Trading goes to HALTED on every account and every open order is canceled. ' +
      'Closing positions also sends reduce-only market orders. Trading stays halted until you resume it on the Risk screen.',
    buttons: BUTTONS.map((b) => b.label),
    defaultId: 0,
    cancelId: 0,
    noLink: true,
    normalizeAccessKeys: false,
  };
}

/** The choice for the dialog's `response` (button index); anything unexpected cancels. */
export function choiceFromResponse(response: number): KillSwitchChoice {
  return BUTTONS[response]?.choice ?? 'cancel';
}

export type KillSwitchOutcome =
  | { kind: 'unavailable' }
  | { kind: 'busy' }
  | { kind: 'canceled' }
  | { kind: 'done'; report: KillSwitchReport }
  | { kind: 'failed'; error: TernError };

export interface KillSwitchDeps {
  api: Pick<EngineApi, 'call'>;
  /** shows `killSwitchDialog()` and resolves with the button index */
  confirm: (options: MessageBoxOptions) => Promise<number>;
  /** default killSwitchAvailable */
  available?: () => boolean;
  /** an error that is not a TernError, for the log (the outcome carries only INTERNAL) */
  onUnexpected?: (err: unknown) => void;
}

/**
 * One confirmation at a time: pressing the hotkey again while the dialog is
 * open (or while the engine works) does not stack a second one.
 */
export class KillSwitchTrigger {
  private running = false;

  constructor(private readonly deps: KillSwitchDeps) {}

  get busy(): boolean {
    return this.running;
  }

  async trigger(source: KillSwitchSource): Promise<KillSwitchOutcome> {
    if (!(this.deps.available ?? killSwitchAvailable)()) return { kind: 'unavailable' };
    if (this.running) return { kind: 'busy' };
    this.running = true;
    try {
      let choice: KillSwitchChoice;
      try {
        choice = choiceFromResponse(await this.deps.confirm(killSwitchDialog()));
      } catch {
        choice = 'cancel';
      }
      if (choice === 'cancel') return { kind: 'canceled' };
      const report = await this.deps.api.call(
        'risk.killSwitch',
        { reason: `kill switch (${source} in the desktop app)`, flatten: choice === 'flatten' },
        UI_CONTEXT,
      );
      return { kind: 'done', report };
    } catch (err) {
      if (!(err instanceof TernError)) this.deps.onUnexpected?.(err);
      return { kind: 'failed', error: asTernError(err) };
    } finally {
      this.running = false;
    }
  }
}
