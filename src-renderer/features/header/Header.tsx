import { useEffect, useState } from 'react';
import { VIEWS, type ViewId } from '../../app/views.js';
import type { ConnectionStatus } from '../../client/types.js';
import { formatFixed } from '../../lib/decimal.js';
import { formatAge } from '../../lib/format.js';
import { accountBadge } from '../../state/account-status.js';
import { marketHeartbeat, useConnection } from '../../state/connection.js';
import { useMarket } from '../../state/market.js';
import { usePortfolio } from '../../state/portfolio.js';
import { useReference } from '../../state/reference.js';
import { useRisk } from '../../state/risk.js';

/** market data older than this is flagged stale */
export const STALE_AFTER_MS = 5_000;

function useClock(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(t);
  }, [periodMs]);
  return now;
}

export function connectionLabel(status: ConnectionStatus, now: number): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  switch (status.phase) {
    case 'open':
      return { text: 'Connected', tone: 'ok' };
    case 'connecting':
      return { text: status.detail ? `Connecting… (${status.detail})` : 'Connecting…', tone: 'warn' };
    case 'reconnecting': {
      const wait = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : 0;
      return { text: wait > 0 ? `Reconnecting in ${wait} s` : 'Reconnecting…', tone: 'bad' };
    }
    case 'unauthorized':
      return { text: 'Key refused', tone: 'bad' };
    case 'closed':
      return { text: 'Disconnected', tone: 'bad' };
  }
}

export function staleness(lastAt: number | undefined, now: number): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  if (lastAt === undefined) return { text: 'no data yet', tone: 'warn' };
  const age = Math.max(0, now - lastAt);
  return age > STALE_AFTER_MS ? { text: `stale ${formatAge(age)}`, tone: 'bad' } : { text: `data ${formatAge(age)}`, tone: 'ok' };
}

export function Header({ view, onView, onKill, onHelp, onSignOut }: { view: ViewId; onView: (v: ViewId) => void; onKill: () => void; onHelp: () => void; onSignOut: (() => void) | null }) {
  const now = useClock(500);
  const status = useConnection((s) => s.status);
  const transport = useConnection((s) => s.transport);
  const accounts = useReference((s) => s.accounts);
  const account = useMarket((s) => s.account);
  const symbol = useMarket((s) => s.symbol);
  const selectMarket = useMarket((s) => s.selectMarket);
  const risk = useRisk((s) => s.risk);
  const riskAvailable = useRisk((s) => s.available);
  const portfolio = usePortfolio((s) => s.current);

  const current = accounts.find((a) => a.id === account);
  const mode = current?.mode ?? 'paper';
  const conn = connectionLabel(status, now);
  const data = staleness(marketHeartbeat.get(account), now);
  // the engine's word on the selected account's exchange link; the dot and words before it are the link to the engine
  const badge = current ? accountBadge(current, now) : undefined;
  const perAccount = accounts.map((a) => `${a.id} (${a.mode}): ${accountBadge(a, now).text} · ${staleness(marketHeartbeat.get(a.id), now).text}`).join('\n');

  return (
    <header className={`topbar mode-${mode}`}>
      <div className="brand" title="Tern">
        <span className="brand-mark" aria-hidden="true">
          ◭
        </span>{' '}
        Tern
      </div>

      <div className="topbar-group" aria-label="Account">
        <label className="sr-only" htmlFor="account-select">
          Account
        </label>
        <select
          id="account-select"
          className="select"
          value={account}
          onChange={(e) => selectMarket(e.target.value, symbol)}
          disabled={accounts.length <= 1}
          title="Account"
        >
          {accounts.length === 0 && <option value={account}>{account}</option>}
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id} · {a.exchange}
            </option>
          ))}
        </select>
        <span className={`mode-badge mode-badge-${mode}`} data-testid="mode-badge" title={mode === 'live' ? 'LIVE: real money on a real exchange' : 'PAPER: simulated fills, no real money'}>
          {mode === 'live' ? 'LIVE' : 'PAPER'}
        </span>
      </div>

      <div className="topbar-group status-group" data-testid="connection" title={`${transport === 'ipc' ? 'Desktop bridge' : 'WebSocket'}\n${perAccount}`}>
        <span className={`dot dot-${conn.tone}`} aria-hidden="true" />
        <span className={`tone-${conn.tone}`} data-testid="connection-state">
          {conn.text}
        </span>
        {status.phase === 'open' && badge && (
          <span className={`account-status account-status-${badge.tone}`} data-testid="account-status" data-status={current?.status} title={badge.title}>
            {badge.text}
          </span>
        )}
        {status.phase === 'open' && (
          <span className={`muted staleness tone-${data.tone}`} data-testid="staleness">
            · {data.text}
          </span>
        )}
      </div>

      <div className="topbar-group" aria-label="Trading state">
        {riskAvailable === false ? (
          <span className="state-badge state-unknown" title="Risk controls are not available in this engine" data-testid="trading-state">
            RISK N/A
          </span>
        ) : (
          <span className={`state-badge state-${(risk?.state ?? 'unknown').toLowerCase()}`} title={risk ? `${risk.state}: ${risk.reason}` : 'loading'} data-testid="trading-state">
            {risk?.state ?? '…'}
          </span>
        )}
      </div>

      {portfolio && (
        <div className="topbar-group equity" title="Equity (realized + unrealized PnL)">
          <span className="muted">Equity</span> <span className="num">{formatFixed(portfolio.equity, 2)}</span> <span className="muted">{portfolio.quote_asset}</span>
        </div>
      )}

      <nav className="tabs" aria-label="Views">
        {VIEWS.map((v) => (
          <button key={v.id} type="button" className={`tab ${view === v.id ? 'tab-active' : ''}`} aria-current={view === v.id ? 'page' : undefined} onClick={() => onView(v.id)} title={v.key}>
            {v.label}
          </button>
        ))}
      </nav>

      <div className="topbar-right">
        <button type="button" className="btn btn-ghost btn-small" onClick={onHelp} title="Keyboard shortcuts (?)">
          ?
        </button>
        {onSignOut && (
          <button type="button" className="btn btn-ghost btn-small" onClick={onSignOut}>
            Sign out
          </button>
        )}
        <button type="button" className="btn btn-kill" onClick={onKill} title="Kill switch: halt trading and cancel every open order (Ctrl+Shift+K)" data-testid="kill-switch">
          KILL SWITCH
        </button>
      </div>
    </header>
  );
}
