import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { asCallError, describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { formatDateTime } from '../../lib/format.js';
import { useMarket } from '../../state/market.js';
import { notify } from '../../state/notifications.js';
import { useReference } from '../../state/reference.js';
import { type StrategyInstance, loadStrategies, useStrategies } from '../../state/strategies.js';
import { Dialog } from '../../ui/Dialog.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Failed, Loading } from '../../ui/states.js';
import { FileNameField } from './FileNameField.js';
import { ParamsFields } from './ParamsFields.js';
import { RestartMark, StoppedByRestart } from './RestartMark.js';
import { StrategyResultsPanel } from './StrategyResults.js';
import { type ParamForm, paramForm, paramOfField, paramValues, paramsText } from './params.js';

/** how often the list is refreshed while the view is open (orders placed, a strategy that failed) */
export const STRATEGIES_REFRESH_MS = 2_000;
const MODULE = '__module__';
const STRATEGY_ID = /^[a-z0-9][a-z0-9_-]{0,15}$/;

function StartStrategy() {
  const client = useClient();
  const available = useStrategies((s) => s.available);
  const accounts = useReference((s) => s.accounts);
  const instruments = useReference((s) => s.instruments);
  const marketAccount = useMarket((s) => s.account);
  const marketSymbol = useMarket((s) => s.symbol);
  const [strategy, setStrategy] = useState('');
  const [modulePath, setModulePath] = useState('');
  const [id, setId] = useState('');
  const [account, setAccount] = useState(marketAccount);
  const [symbol, setSymbol] = useState(marketSymbol);
  const [form, setForm] = useState<ParamForm>({});
  const [liveConfirmed, setLiveConfirmed] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [paramErrors, setParamErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const chosen = strategy || available[0]?.name || '';
  const info = available.find((s) => s.name === chosen);
  const specs = useMemo(() => info?.params ?? [], [info]);
  useEffect(() => setForm(paramForm(specs)), [specs]);
  const mode = accounts.find((a) => a.id === account)?.mode ?? 'paper';
  const symbols = instruments.filter((i) => i.account === account).map((i) => i.symbol);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const name = chosen === MODULE ? modulePath.trim() : chosen;
    if (!name) errs.strategy = chosen === MODULE ? "A strategy module in the engine's strategies folder" : 'Pick a strategy';
    if (id.trim() !== '' && !STRATEGY_ID.test(id.trim())) errs.id = '1 to 16 of a-z 0-9 _ - (it prefixes the client order ids)';
    if (!account) errs.account = 'Pick an account';
    if (!symbol.trim()) errs.symbol = 'Pick a symbol';
    if (mode === 'live' && !liveConfirmed) errs.confirm = 'Confirm that this strategy trades real money';
    const checked = paramValues(specs, form);
    setErrors(errs);
    setParamErrors(checked.errors);
    if (Object.keys(errs).length > 0 || Object.keys(checked.errors).length > 0) return;
    setBusy(true);
    try {
      const started = await client.call('strategies.start', { strategy: name, account, symbol: symbol.trim(), params: chosen === MODULE ? {} : checked.values, ...(id.trim() ? { id: id.trim() } : {}) });
      useStrategies.getState().upsert(started);
      notify({ kind: 'success', title: `Strategy ${started.id} started`, body: `${started.strategy} on ${started.account} · ${started.symbol}` });
      setId('');
      setLiveConfirmed(false);
    } catch (err) {
      const ce = asCallError(err);
      const param = paramOfField(ce.field);
      if (param) setParamErrors({ [param]: ce.message });
      else if (ce.field) setErrors({ [ce.field.split('.', 1)[0]!]: ce.message });
      notify({ kind: 'error', title: 'Strategy not started', body: ce.field ? `${ce.field}: ${ce.message}` : describeError(ce) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title="Start a strategy" className="strategy-start">
      <form className={`strategy-form ${mode === 'live' ? 'account-form-live' : ''}`} onSubmit={submit} noValidate data-testid="strategy-form">
        <div className="form-grid">
          <label className="field">
            <span>Strategy</span>
            <select className="select" name="strategy" value={chosen} onChange={(e) => setStrategy(e.target.value)} aria-invalid={Boolean(errors.strategy)}>
              {available.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
              <option value={MODULE}>Strategy module file…</option>
            </select>
          </label>
          <label className="field">
            <span>Id (optional)</span>
            <input className="input mono" name="strategy-id" value={id} maxLength={16} placeholder={chosen === MODULE ? 'my-strategy' : chosen} onChange={(e) => setId(e.target.value)} aria-invalid={Boolean(errors.id)} />
            {errors.id && <div className="field-error">{errors.id}</div>}
          </label>
          <label className="field">
            <span>Account</span>
            <select
              className="select"
              name="account"
              value={account}
              onChange={(e) => {
                setAccount(e.target.value);
                setLiveConfirmed(false);
              }}
              aria-invalid={Boolean(errors.account)}
            >
              {!accounts.some((a) => a.id === account) && <option value={account}>{account}</option>}
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.id} · {a.exchange} · {a.mode.toUpperCase()}
                </option>
              ))}
            </select>
            {errors.account && <div className="field-error">{errors.account}</div>}
          </label>
          <label className="field">
            <span>Symbol</span>
            <input className="input" name="symbol" list="strategy-symbols" value={symbol} onChange={(e) => setSymbol(e.target.value.toUpperCase())} aria-invalid={Boolean(errors.symbol)} spellCheck={false} />
            <datalist id="strategy-symbols">
              {symbols.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
            {errors.symbol && <div className="field-error">{errors.symbol}</div>}
          </label>
        </div>
        {chosen === MODULE && (
          <FileNameField kind="strategies" name="module-path" label="Strategy module in the engine's strategies folder" value={modulePath} placeholder="my-strategy.mjs" onChange={setModulePath} invalid={Boolean(errors.strategy)} />
        )}
        {errors.strategy && <div className="field-error">{errors.strategy}</div>}
        {info && <p className="muted small">{info.description}</p>}
        {chosen !== MODULE && <ParamsFields specs={specs} form={form} errors={paramErrors} onChange={(n, v) => setForm((f) => ({ ...f, [n]: v }))} />}
        {mode === 'live' && (
          <>
            <div className="live-warning" role="note">
              <strong>LIVE</strong> — {account} trades real money: this strategy's orders go to the exchange.
            </div>
            <label className="check live-confirm">
              <input type="checkbox" checked={liveConfirmed} onChange={(e) => setLiveConfirmed(e.target.checked)} /> I understand that this strategy trades real money.
            </label>
            {errors.confirm && <div className="field-error">{errors.confirm}</div>}
          </>
        )}
        {errors.params && <div className="field-error">{errors.params}</div>}
        <div className="form-actions">
          <button type="submit" className={`btn ${mode === 'live' ? 'btn-live' : 'btn-primary'}`} disabled={busy || (mode === 'live' && !liveConfirmed)} data-testid="strategy-start">
            {busy ? 'Starting…' : mode === 'live' ? 'Start LIVE' : 'Start'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function EditParams({ instance, onClose }: { instance: StrategyInstance; onClose: () => void }) {
  const client = useClient();
  const available = useStrategies((s) => s.available);
  const specs = useMemo(() => available.find((s) => s.name === instance.strategy)?.params ?? [], [available, instance.strategy]);
  const [form, setForm] = useState<ParamForm>(() => paramForm(specs, instance.params));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const checked = paramValues(specs, form);
    setErrors(checked.errors);
    if (Object.keys(checked.errors).length > 0) return;
    const changed = Object.fromEntries(Object.entries(checked.values).filter(([k, v]) => instance.params[k] !== v));
    if (Object.keys(changed).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const next = await client.call('strategies.setParams', { id: instance.id, params: changed });
      useStrategies.getState().upsert(next);
      notify({ kind: 'success', title: `Parameters of ${instance.id} changed`, body: paramsText(changed) });
      onClose();
    } catch (err) {
      const ce = asCallError(err);
      const param = paramOfField(ce.field);
      if (param) setErrors({ [param]: ce.message });
      setFailure(ce.field ? `${ce.field}: ${ce.message}` : describeError(ce));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} noValidate data-testid="edit-params">
      {specs.length === 0 ? <p className="muted">This strategy's parameters are not declared to the UI (a module): change them through the API.</p> : <ParamsFields specs={specs} form={form} errors={errors} onChange={(n, v) => setForm((f) => ({ ...f, [n]: v }))} />}
      {failure && (
        <div className="field-error" role="alert">
          {failure}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || specs.length === 0} data-testid="save-params">
          {busy ? 'Saving…' : 'Change'}
        </button>
      </div>
    </form>
  );
}

// halted: its own risk breaker stopped it (the numbers are in its error); the account trades on
const STATUS_CLASS: Record<StrategyInstance['status'], string> = { running: 'tone-ok', stopped: 'muted', failed: 'tone-bad', halted: 'tone-warn' };

function RunningStrategies() {
  const client = useClient();
  const running = useStrategies((s) => s.running);
  const status = useStrategies((s) => s.status);
  const error = useStrategies((s) => s.error);
  const [stopping, setStopping] = useState<StrategyInstance | null>(null);
  const [editing, setEditing] = useState<StrategyInstance | null>(null);
  const [shown, setShown] = useState<string | null>(null);

  const stop = async (instance: StrategyInstance) => {
    setStopping(null);
    try {
      const next = await client.call('strategies.stop', { id: instance.id, cancel_orders: true });
      useStrategies.getState().upsert(next);
      notify({ kind: 'info', title: `Strategy ${instance.id} stopped`, body: 'Its working orders were canceled; its positions stay.' });
    } catch (err) {
      notify({ kind: 'error', title: `Strategy ${instance.id} not stopped`, body: describeError(err) });
    }
  };

  // its own breaker halted it: the same strategy, id, market and parameters again (its risk limits are kept by id)
  const startAgain = async (instance: StrategyInstance) => {
    try {
      const strategy = instance.source.startsWith('builtin:') ? instance.strategy : instance.source;
      const next = await client.call('strategies.start', { strategy, id: instance.id, account: instance.account, symbol: instance.symbol, params: instance.params });
      useStrategies.getState().upsert(next);
      notify({ kind: 'info', title: `Strategy ${instance.id} started again` });
    } catch (err) {
      notify({ kind: 'error', title: `Strategy ${instance.id} not started`, body: describeError(err) });
    }
  };

  const sorted = [...running].sort((a, b) => Number(b.status === 'running') - Number(a.status === 'running') || b.started_at - a.started_at);
  return (
    <Panel title="Strategies" className="strategies-running">
      <StoppedByRestart rows={running} />
      {status === 'error' && running.length === 0 ? (
        <Failed message={`Strategies unavailable: ${error ?? ''}`} onRetry={() => void loadStrategies(client)} />
      ) : status === 'loading' || status === 'idle' ? (
        <Loading what="strategies" />
      ) : sorted.length === 0 ? (
        <Empty>No strategy has been started yet.</Empty>
      ) : (
        <table className="table" data-testid="strategies-table">
          <thead>
            <tr>
              <th>Id</th>
              <th>Strategy</th>
              <th>Account</th>
              <th>Symbol</th>
              <th>Parameters</th>
              <th>Status</th>
              <th className="num">Orders</th>
              <th>Started</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.id} data-strategy={r.id}>
                <td className="mono">{r.id}</td>
                <td title={r.source}>{r.strategy}</td>
                <td>
                  {r.account} <span className={`mode-badge mode-badge-${r.mode}`}>{r.mode.toUpperCase()}</span>
                </td>
                <td>{r.symbol}</td>
                <td className="mono small">{paramsText(r.params)}</td>
                <td>
                  <span className={STATUS_CLASS[r.status]} title={r.error_stack ?? r.error ?? undefined}>
                    {r.status}
                  </span>
                  <RestartMark restart={r.restart} />
                  {r.error && <div className="field-error">{r.error}</div>}
                  {r.error_stack && (
                    <details className="small" data-testid="error-stack">
                      <summary>stack</summary>
                      <pre className="mono">{r.error_stack}</pre>
                    </details>
                  )}
                  {r.refusals.length > 0 && (
                    <div className="tone-warn small" title={r.refusals.map((x) => `${new Date(x.ts).toLocaleTimeString(undefined, { hour12: false })} ${x.code}: ${x.message}`).join('\n')}>
                      {r.refusals.length} refused · last: {r.refusals.at(-1)!.message}
                    </div>
                  )}
                </td>
                <td className="num">{r.orders_placed}</td>
                <td>{formatDateTime(new Date(r.started_at).toISOString())}</td>
                <td className="row-actions">
                  <button type="button" className={`btn btn-tiny ${shown === r.id ? 'btn-primary' : ''}`} aria-pressed={shown === r.id} onClick={() => setShown(shown === r.id ? null : r.id)} data-testid="strategy-results-toggle">
                    Results
                  </button>
                  {r.status === 'halted' && (
                    <button type="button" className="btn btn-tiny" onClick={() => void startAgain(r)} data-testid="start-again" title="Its own risk breaker stopped it; start it again with the same parameters">
                      Start again
                    </button>
                  )}
                  {r.status === 'running' && (
                    <>
                      <button type="button" className="btn btn-tiny" onClick={() => setEditing(r)} data-testid="edit-strategy">
                        Parameters
                      </button>
                      <button type="button" className="btn btn-tiny btn-danger" onClick={() => setStopping(r)} data-testid="stop-strategy">
                        Stop
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && sorted.some((r) => r.id === shown) && <StrategyResultsPanel id={shown} refreshMs={STRATEGIES_REFRESH_MS} />}
      <Dialog open={stopping !== null} title="Stop this strategy?" onClose={() => setStopping(null)}>
        <p>
          Stop <strong>{stopping?.id}</strong> ({stopping?.strategy} on {stopping?.account} · {stopping?.symbol})? Its working orders are canceled; its positions stay open.
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setStopping(null)} data-autofocus>
            Keep running
          </button>
          <button type="button" className="btn btn-danger" onClick={() => stopping && void stop(stopping)} data-testid="stop-confirm">
            Stop
          </button>
        </div>
      </Dialog>
      <Dialog open={editing !== null} title={`Parameters of ${editing?.id ?? ''}`} onClose={() => setEditing(null)}>
        {editing && <EditParams key={editing.id} instance={editing} onClose={() => setEditing(null)} />}
      </Dialog>
    </Panel>
  );
}

/** Strategies: start one on an account's symbol, and watch, retune or stop those running. */
export default function StrategiesView() {
  const client = useClient();
  useEffect(() => {
    void loadStrategies(client);
    const t = setInterval(() => {
      if (client.status().phase === 'open') void loadStrategies(client);
    }, STRATEGIES_REFRESH_MS);
    return () => clearInterval(t);
  }, [client]);
  return (
    <div className="strategies-view">
      <StartStrategy />
      <RunningStrategies />
    </div>
  );
}
