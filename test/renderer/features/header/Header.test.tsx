// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Header, connectionLabel, staleness } from '../../../../src-renderer/features/header/Header.js';
import { useConnection } from '../../../../src-renderer/state/connection.js';
import { useMarket } from '../../../../src-renderer/state/market.js';
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

describe('Header: the selected account\'s status from the engine', () => {
  const T0 = Date.parse('2024-05-01T12:00:00Z');
  const BN = { id: 'bn', exchange: 'binance', mode: 'live', status: 'active' } as const;
  const badge = (c: HTMLElement) => $(c, '[data-testid="account-status"]');
  beforeEach(() => {
    vi.useFakeTimers({ now: T0, toFake: ['setInterval', 'clearInterval', 'Date'] });
    useReference.getState().setAccounts([BN]);
    useMarket.getState().selectMarket('bn', 'BTC/USDT');
  });
  afterEach(() => vi.useRealTimers());

  it('follows account events: active is quiet, stale is amber and its age ticks, disconnected is red with the reason', async () => {
    const { container } = await header();
    expect(badge(container).textContent).toBe('active');
    expect(badge(container).className).toContain('account-status-ok');

    const lastUpdate = new Date(T0 - 7_000).toISOString();
    await act(async () => useReference.getState().upsertAccount({ ...BN, status: 'stale', reason: 'no ticker', market_data: { state: 'stale', last_update: lastUpdate, seconds_since_update: 7, symbols: [] } }));
    expect(badge(container).textContent).toBe('data 7s old');
    expect(badge(container).className).toContain('account-status-warn');
    await act(async () => vi.advanceTimersByTime(3_000));
    expect(badge(container).textContent).toBe('data 10s old');

    await act(async () => useReference.getState().upsertAccount({ ...BN, status: 'disconnected', reason: 'binance: network timeout' }));
    expect(badge(container).textContent).toBe('disconnected');
    expect(badge(container).className).toContain('account-status-bad');
    expect(badge(container).title).toContain('binance: network timeout');
  });

  it('while the link to the engine is down, shows the link, not a stale account status', async () => {
    useReference.getState().upsertAccount({ ...BN, status: 'error', reason: 'invalid key' });
    const { container } = await header();
    expect(badge(container).textContent).toBe('error');
    await act(async () => useConnection.getState().setStatus({ phase: 'closed', reconnects: 0 }));
    expect(container.querySelector('[data-testid="account-status"]')).toBeNull();
    expect($(container, '[data-testid="connection-state"]').textContent).toBe('Disconnected');
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
