// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Header, connectionLabel, staleness } from '../../../../src-renderer/features/header/Header.js';
import { useConnection } from '../../../../src-renderer/state/connection.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useRisk } from '../../../../src-renderer/state/risk.js';
import { RISK } from '../../helpers/fake-client.js';
import { $, cleanup, render } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

const noop = () => {};
const header = () => render(<Header view="trade" onView={noop} onKill={noop} onHelp={noop} onSignOut={null} />);

beforeEach(() => {
  resetStores();
  useConnection.setState({ status: { phase: 'open', reconnects: 0 } });
});
afterEach(cleanup);

describe('Header', () => {
  it('marks a paper account PAPER and a live one LIVE, each in its own colour', async () => {
    useReference.getState().setAccounts([{ id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' }]);
    const { container } = await header();
    expect($(container, '[data-testid="mode-badge"]').textContent).toBe('PAPER');
    expect($(container, '[data-testid="mode-badge"]').className).toContain('mode-badge-paper');
    await act(async () => useReference.getState().setAccounts([{ id: 'paper', exchange: 'binance', mode: 'live', status: 'active' }]));
    expect($(container, '[data-testid="mode-badge"]').textContent).toBe('LIVE');
    expect($(container, '[data-testid="mode-badge"]').className).toContain('mode-badge-live');
    expect($(container, 'header').className).toContain('mode-live');
  });

  it('shows the trading state, and says when risk controls are missing', async () => {
    useRisk.getState().set({ ...RISK, state: 'HALTED', reason: 'kill switch' } as never);
    const { container } = await header();
    expect($(container, '[data-testid="trading-state"]').textContent).toBe('HALTED');
    await act(async () => useRisk.getState().unavailable('no such method'));
    expect($(container, '[data-testid="trading-state"]').textContent).toBe('RISK N/A');
  });

  it('has a kill switch button', async () => {
    const { container } = await header();
    expect($(container, '[data-testid="kill-switch"]').textContent).toBe('KILL SWITCH');
  });
});

describe('connection and staleness words', () => {
  it('count down to the next retry', () => {
    expect(connectionLabel({ phase: 'reconnecting', reconnects: 1, retryAt: 5_000 }, 2_100)).toEqual({ text: 'Reconnecting in 3 s', tone: 'bad' });
    expect(connectionLabel({ phase: 'open', reconnects: 0 }, 0).tone).toBe('ok');
    expect(connectionLabel({ phase: 'unauthorized', reconnects: 0 }, 0).text).toBe('Key refused');
  });

  it('flag market data older than five seconds as stale', () => {
    expect(staleness(undefined, 0)).toEqual({ text: 'no data yet', tone: 'warn' });
    expect(staleness(1_000, 1_400)).toEqual({ text: 'data 0.4 s', tone: 'ok' });
    expect(staleness(1_000, 13_000)).toEqual({ text: 'stale 12 s', tone: 'bad' });
  });
});
