import { useCallback, useEffect, useState } from 'react';
import { KEY_LIMIT_NAMES } from '../../../src-common/contract/constants/risk.js';
import type { ApiKey } from '../../../src-common/contract/schemas.js';
import { describeError } from '../../client/call-error.js';
import { useAction, useClient } from '../../client/context.js';
import { formatPlain } from '../../lib/decimal.js';
import { notify } from '../../state/notifications.js';
import { Panel } from '../../ui/Panel.js';
import { Empty } from '../../ui/states.js';

/** usage changes as bots trade: the list is read again this often while the screen is open */
export const KEY_USAGE_REFRESH_MS = 5000;

const LIMIT_LABEL: Record<(typeof KEY_LIMIT_NAMES)[number], string> = {
  max_order_quantity: 'order qty',
  max_order_notional: 'order notional',
  max_open_orders: 'open orders',
  max_orders_per_second: 'orders/s',
  price_band_pct: 'price band %',
};

/** "order notional ≤ 100 · open orders ≤ 20", or "none" */
export function keyLimitsText(limits: ApiKey['risk_limits']): string {
  const set = KEY_LIMIT_NAMES.filter((n) => limits[n] !== undefined).map((n) => `${LIMIT_LABEL[n]} ≤ ${formatPlain(limits[n])}`);
  return set.length > 0 ? set.join(' · ') : 'none';
}

/**
 * Risk → Bots (API keys): each key's own limits and usage (per-bot keys,
 * issue 14), and a kill per key — halting one bot cancels its working orders
 * and refuses its new ones, while the trader and the other bots trade on.
 */
export function KeysRiskPanel({ refreshMs = KEY_USAGE_REFRESH_MS }: { refreshMs?: number }) {
  const client = useClient();
  const act = useAction();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setKeys(await client.call('keys.list', {}));
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), refreshMs);
    return () => clearInterval(timer);
  }, [load, refreshMs]);

  const halt = async (k: ApiKey) => {
    const r = await act('keys.halt', { id: k.id, reason: 'halted from the Risk screen' }, `Key "${k.name}" not halted`);
    if (r) notify({ kind: 'warning', title: `Key "${k.name}" halted`, body: `${r.canceled.length} working order(s) canceled${r.failed.length ? `, ${r.failed.length} not` : ''}` });
    void load();
  };
  const resume = async (k: ApiKey) => {
    const r = await act('keys.resume', { id: k.id }, `Key "${k.name}" not resumed`);
    if (r) notify({ kind: 'info', title: `Key "${k.name}" trades again` });
    void load();
  };

  return (
    <Panel title="Bots (API keys)" className="risk-keys">
      {error ? (
        <p className="muted small" data-testid="keys-risk-error">
          Key limits unavailable: {error}
        </p>
      ) : keys === null ? null : keys.length === 0 ? (
        <Empty>No API keys. Give each bot its own key in Settings → Local API keys, with its own rate, accounts and limits.</Empty>
      ) : (
        <table className="table" data-testid="keys-risk">
          <thead>
            <tr>
              <th>Key</th>
              <th>Limits</th>
              <th>Accounts</th>
              <th>Rate</th>
              <th className="num">Orders today</th>
              <th className="num">Working</th>
              <th className="num">Working notional</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key={k.id}>
                <td>
                  {k.name} <span className="muted mono">{k.id}</span>
                </td>
                <td className="key-limits">{keyLimitsText(k.risk_limits)}</td>
                <td>{k.accounts ? k.accounts.join(', ') : 'all'}</td>
                <td>{k.rate_limit ? `${k.rate_limit.per_second}/s, burst ${k.rate_limit.burst}` : 'default'}</td>
                <td className="num key-orders-today">{k.usage?.orders_today ?? '—'}</td>
                <td className="num key-open-orders">
                  {k.usage?.open_orders ?? '—'}
                  {k.risk_limits.max_open_orders !== undefined ? ` / ${formatPlain(k.risk_limits.max_open_orders)}` : ''}
                </td>
                <td className="num key-open-notional">{formatPlain(k.usage?.open_notional)}</td>
                <td className="key-status">{k.halted ? <span className="tone-bad">Halted: {k.halted.reason}</span> : 'Trading'}</td>
                <td>
                  {k.halted ? (
                    <button type="button" className="btn btn-tiny" onClick={() => void resume(k)}>
                      Resume
                    </button>
                  ) : (
                    <button type="button" className="btn btn-tiny btn-danger" onClick={() => void halt(k)}>
                      Halt
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
