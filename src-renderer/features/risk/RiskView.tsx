import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { BREAKER_LIMIT_NAMES, KEY_LIMIT_NAMES, RISK_LIMIT_NAMES, RISK_STATES, STRATEGY_LIMIT_NAMES, type RiskLimitName } from '../../../src-common/contract/constants/risk.js';
import type { Risk } from '../../../src-common/contract/schemas.js';
import { asCallError, describeError } from '../../client/call-error.js';
import { useAction, useClient } from '../../client/context.js';
import { formatPlain } from '../../lib/decimal.js';
import { formatDateTime, titleCase } from '../../lib/format.js';
import { useMarket } from '../../state/market.js';
import { notify } from '../../state/notifications.js';
import { useReference } from '../../state/reference.js';
import { useRisk } from '../../state/risk.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Loading } from '../../ui/states.js';
import { KeysRiskPanel } from './KeysRiskPanel.js';
import { type Figure, formatFigure } from './risk-figures.js';

/** each limit's words on screen and what it counts (its precision): a limit added to the contract without them does not compile */
export const LIMIT_TEXT: Record<RiskLimitName, { label: string; unit: string; figure: Figure }> = {
  max_order_quantity: { label: 'Max order quantity', unit: 'base', figure: 'base' },
  max_order_notional: { label: 'Max order value', unit: 'quote', figure: 'quote' },
  max_position_notional: { label: 'Max position value', unit: 'quote', figure: 'quote' },
  max_open_orders: { label: 'Max open orders', unit: 'orders', figure: 'count' },
  max_orders_per_second: { label: 'Max orders per second', unit: '/s', figure: 'rate' },
  price_band_pct: { label: 'Price band', unit: '% from mid', figure: 'percent' },
  max_daily_loss: { label: 'Max daily loss', unit: 'quote', figure: 'quote' },
  max_drawdown_pct: { label: 'Max drawdown', unit: '% from peak', figure: 'percent' },
  max_consecutive_losses: { label: 'Max losing trades in a row', unit: 'trades', figure: 'count' },
};
export const isLimitName = (rule: string): rule is RiskLimitName => Object.hasOwn(LIMIT_TEXT, rule);
const BREAKERS: ReadonlySet<RiskLimitName> = new Set(BREAKER_LIMIT_NAMES);
/** the limits in the contract's order; a breaker is set globally or per account, never per symbol */
export const LIMITS = RISK_LIMIT_NAMES.map((name) => ({ name, ...LIMIT_TEXT[name], breaker: BREAKERS.has(name) }));

/** each usage figure and the limit it is measured against */
const USAGE: Array<{ key: keyof Risk['usage']; label: string; limit: RiskLimitName }> = [
  { key: 'open_orders', label: 'Open orders', limit: 'max_open_orders' },
  { key: 'orders_per_second', label: 'Orders per second', limit: 'max_orders_per_second' },
  { key: 'daily_loss', label: 'Daily loss', limit: 'max_daily_loss' },
  { key: 'drawdown_pct', label: 'Drawdown %', limit: 'max_drawdown_pct' },
  { key: 'consecutive_losses', label: 'Losses in a row', limit: 'max_consecutive_losses' },
];

type Scope = { account: string | null; symbol: string | null; strategy?: string | undefined; key?: string | undefined };
export const scopeLabel = (s: Scope) =>
  s.key !== undefined
    ? `Key ${s.key}`
    : s.strategy !== undefined
      ? `Strategy ${s.strategy}`
      : s.account === null
        ? 'Global (all accounts)'
        : s.symbol === null
          ? `Account ${s.account}`
          : `${s.account} · ${s.symbol}`;
const scopeKey = (s: Scope) => (s.key !== undefined ? `key:${s.key}` : s.strategy !== undefined ? `strategy:${s.strategy}` : `${s.account ?? '*'}|${s.symbol ?? '*'}`);
const KEY_LIMITS: ReadonlySet<RiskLimitName> = new Set(KEY_LIMIT_NAMES);
const STRATEGY_LIMITS: ReadonlySet<RiskLimitName> = new Set(STRATEGY_LIMIT_NAMES);
/** a limit the scope does not take: breakers per symbol, and what a strategy scope does not measure */
const notInScope = (s: Scope, l: { name: RiskLimitName; breaker: boolean }) =>
  s.key !== undefined ? !KEY_LIMITS.has(l.name) : s.strategy !== undefined ? !STRATEGY_LIMITS.has(l.name) : s.symbol !== null && l.breaker;

function StatePanel({ risk }: { risk: Risk }) {
  const act = useAction();
  const [reason, setReason] = useState('');
  const set = async (state: Risk['state']) => {
    const r = await act('risk.setState', { state, reason: reason.trim() || `set to ${state} from the UI` }, `Could not set ${state}`);
    if (r) {
      notify({ kind: 'info', title: `Trading ${r.state}` });
      setReason('');
    }
  };
  return (
    <Panel title="Trading state" className="risk-state">
      <div className="risk-state-row">
        <span className={`state-badge state-badge-large state-${risk.state.toLowerCase()}`} data-testid="risk-state">
          {risk.state}
        </span>
        <div>
          <div>{risk.reason}</div>
          <div className="muted small">since {formatDateTime(risk.since)}</div>
        </div>
      </div>
      <p className="muted small">ACTIVE trades normally · REDUCING lets only orders that shrink a position through · HALTED refuses every order.</p>
      <div className="risk-state-actions">
        <input type="text" className="input" placeholder="Reason (kept in the audit log)" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} aria-label="Reason" />
        {RISK_STATES.map((s) => (
          <button key={s} type="button" className={`btn btn-small state-btn-${s.toLowerCase()}`} disabled={risk.state === s} onClick={() => void set(s)} data-testid={`set-${s.toLowerCase()}`}>
            {s}
          </button>
        ))}
      </div>
    </Panel>
  );
}

function UsagePanel({ risk }: { risk: Risk }) {
  const instruments = useReference((s) => s.instruments);
  const rows = USAGE.flatMap(({ key, label, limit }) => risk.usage[key].map((r) => ({ label, figure: LIMIT_TEXT[limit].figure, ...r, id: `${key}|${r.account ?? '*'}|${r.symbol ?? '*'}` })));
  return (
    <Panel title="Usage" className="risk-usage">
      {rows.length === 0 ? (
        <Empty>No usage to show: no limit is set that counts anything yet.</Empty>
      ) : (
        <ul className="gauges">
          {rows.map((r) => {
            const value = Number(r.value);
            const limit = r.limit === null ? null : Number(r.limit);
            const pct = limit && limit > 0 ? Math.max(0, Math.min(100, (value / limit) * 100)) : 0;
            const tone = pct >= 90 ? 'bad' : pct >= 70 ? 'warn' : 'ok';
            return (
              <li key={r.id} className="gauge">
                <div className="gauge-label">
                  {r.label} <span className="muted">{scopeLabel(r)}</span>
                </div>
                <div className="gauge-bar" role="meter" aria-valuemin={0} aria-valuemax={limit ?? undefined} aria-valuenow={value} aria-label={r.label}>
                  <span className={`gauge-fill gauge-${tone}`} style={{ width: `${pct}%` }} />
                </div>
                <div className="gauge-value num">
                  {formatFigure(r.figure, r.value, r, instruments)} <span className="muted">/ {r.limit === null ? 'no limit' : formatFigure(r.figure, r.limit, r, instruments)}</span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}

function LimitsEditor({ risk }: { risk: Risk }) {
  const client = useClient();
  const account = useMarket((s) => s.account);
  const symbol = useMarket((s) => s.symbol);
  const scopes = useMemo(() => {
    const list: Scope[] = [{ account: null, symbol: null }, { account, symbol: null }, { account, symbol }];
    for (const l of risk.limits) if (!list.some((s) => scopeKey(s) === scopeKey(l))) list.push({ account: l.account, symbol: l.symbol, strategy: l.strategy, key: l.key });
    return list;
  }, [risk.limits, account, symbol]);
  const [scopeId, setScopeId] = useState(scopeKey(scopes[0]!));
  const scope = scopes.find((s) => scopeKey(s) === scopeId) ?? scopes[0]!;
  const existing = risk.limits.find((l) => scopeKey(l) === scopeKey(scope))?.limits ?? {};
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setValues(Object.fromEntries(LIMITS.map((l) => [l.name, existing[l.name] ?? ''])));
    setErrors({});
    // reload the form when the scope or the stored limits change (keyed by content: `existing` is a fresh object each render)
  }, [scopeId, JSON.stringify(existing)]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const patch: Record<string, string | null> = {};
    for (const l of LIMITS) {
      if (notInScope(scope, l)) continue;
      const v = (values[l.name] ?? '').trim();
      const before = existing[l.name];
      if (v === '' && before !== undefined) patch[l.name] = null;
      else if (v !== '' && v !== before) patch[l.name] = v;
    }
    if (Object.keys(patch).length === 0) {
      notify({ kind: 'info', title: 'No changes to save' });
      return;
    }
    setSaving(true);
    setErrors({});
    try {
      const where = scope.key !== undefined ? { key: scope.key } : scope.strategy !== undefined ? { strategy: scope.strategy } : { ...(scope.account ? { account: scope.account } : {}), ...(scope.symbol ? { symbol: scope.symbol } : {}) };
      const next = await client.call('risk.setLimits', { ...where, limits: patch });
      useRisk.getState().set(next);
      notify({ kind: 'success', title: 'Limits saved', body: scopeLabel(scope) });
    } catch (err) {
      const ce = asCallError(err);
      const field = ce.field?.replace(/^limits\./, '');
      if (field) setErrors({ [field]: ce.message });
      notify({ kind: 'error', title: 'Limits not saved', body: describeError(ce) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Panel
      title="Limits"
      className="risk-limits"
      actions={
        <select className="select" value={scopeId} onChange={(e) => setScopeId(e.target.value)} aria-label="Scope">
          {scopes.map((s) => (
            <option key={scopeKey(s)} value={scopeKey(s)}>
              {scopeLabel(s)}
            </option>
          ))}
        </select>
      }
    >
      <form onSubmit={save} className="limits-form">
        <p className="muted small">The narrowest scope that sets a limit wins. Leave a field empty to remove that limit from this scope.</p>
        <table className="limits-table">
          <tbody>
            {LIMITS.map((l) => {
              const disabled = notInScope(scope, l);
              return (
                <tr key={l.name}>
                  <th>
                    <label htmlFor={`limit-${l.name}`}>{l.label}</label>
                    <div className="muted small">{l.name}</div>
                  </th>
                  <td>
                    <input
                      id={`limit-${l.name}`}
                      className="input num"
                      inputMode="decimal"
                      value={values[l.name] ?? ''}
                      disabled={disabled}
                      placeholder={disabled ? (scope.key !== undefined ? 'not per key' : scope.strategy !== undefined ? 'not per strategy' : 'global or per account') : 'no limit'}
                      aria-invalid={Boolean(errors[l.name])}
                      onChange={(e) => setValues((v) => ({ ...v, [l.name]: e.target.value }))}
                    />
                    {errors[l.name] && <div className="field-error">{errors[l.name]}</div>}
                  </td>
                  <td className="muted small">{l.unit}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save limits'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function BreakerHistory({ risk }: { risk: Risk }) {
  const instruments = useReference((s) => s.instruments);
  // a breaker's figures are its account's (or all accounts'): no symbol
  const figure = (rule: string, value: string, account: string | null) => (isLimitName(rule) ? formatFigure(LIMIT_TEXT[rule].figure, value, { account, symbol: null }, instruments) : formatPlain(value));
  return (
    <Panel title="Breaker trips" className="risk-breakers">
      {risk.breakers.length === 0 ? (
        <Empty>No breaker has tripped.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Rule</th>
              <th>Scope</th>
              <th className="num">Value</th>
              <th className="num">Limit</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {[...risk.breakers].reverse().map((b, i) => (
              <tr key={`${b.tripped_at}-${i}`}>
                <td>{formatDateTime(b.tripped_at)}</td>
                <td>{titleCase(b.rule)}</td>
                {/* a strategy's own trip halted that strategy only */}
                <td>{b.strategy !== undefined ? `strategy ${b.strategy} (halted)` : (b.account ?? 'all')}</td>
                <td className="num">{figure(b.rule, b.value, b.account)}</td>
                <td className="num">{figure(b.rule, b.limit, b.account)}</td>
                <td>{b.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** Risk: the trading state, usage against limits, the limits editor and the breaker history. */
export default function RiskView() {
  const risk = useRisk((s) => s.risk);
  const available = useRisk((s) => s.available);
  const error = useRisk((s) => s.error);
  if (available === false) {
    return (
      <div className="risk-view">
        <Panel title="Risk">
          <Empty>Risk controls are not available from this engine ({error}). The kill switch still cancels every open order.</Empty>
        </Panel>
      </div>
    );
  }
  if (!risk) return <Loading what="risk" />;
  return (
    <div className="risk-view">
      <StatePanel risk={risk} />
      <UsagePanel risk={risk} />
      <LimitsEditor risk={risk} />
      <KeysRiskPanel />
      <BreakerHistory risk={risk} />
    </div>
  );
}
