import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { asCallError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { readPref, writePref } from '../../lib/storage.js';
import { useBacktests } from '../../state/backtests.js';
import { notify } from '../../state/notifications.js';
import { useStrategies } from '../../state/strategies.js';
import { Panel } from '../../ui/Panel.js';
import { FileNameField } from '../strategies/FileNameField.js';
import { ParamsFields } from '../strategies/ParamsFields.js';
import { paramForm } from '../strategies/params.js';
import { type BacktestDraft, type BacktestErrors, DEFAULT_DRAFT, MODULE_STRATEGY, SAMPLE_DATA, backtestFieldOf, backtestParams } from './backtest-form.js';

const DRAFT_PREF = 'tern.backtest.draft';
const RECENT_PREF = 'tern.backtest.recentData';
const RECENT_MAX = 8;
const OLD_SAMPLE_DATA = 'resources/replay/BTC-USDT_1m_sample.csv';

function loadDraft(): BacktestDraft {
  const saved = readPref<Partial<BacktestDraft>>(DRAFT_PREF);
  if (!saved || typeof saved !== 'object') return DEFAULT_DRAFT;
  // the sample's name before candle files came from the imports folder
  return { ...DEFAULT_DRAFT, ...saved, ...(saved.data === OLD_SAMPLE_DATA ? { data: SAMPLE_DATA } : {}) };
}

function Err({ message }: { message: string | undefined }) {
  return message ? (
    <div className="field-error" role="alert">
      {message}
    </div>
  ) : null;
}

/** New backtest: data, strategy and its parameters, cash, fee and slippage; starting one selects it. */
export function BacktestForm({ onStarted }: { onStarted: (id: string) => void }) {
  const client = useClient();
  const available = useStrategies((s) => s.available);
  const strategiesStatus = useStrategies((s) => s.status);
  const [draft, setDraft] = useState<BacktestDraft>(loadDraft);
  const [errors, setErrors] = useState<BacktestErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [recent, setRecent] = useState<string[]>(() => readPref<string[]>(RECENT_PREF) ?? []);

  const info = available.find((s) => s.name === draft.strategy);
  const specs = useMemo(() => info?.params ?? [], [info]);

  // a strategy's fields: its defaults, with what the trader had typed for it kept
  useEffect(() => {
    if (!info) return;
    setDraft((d) => {
      const form = paramForm(info.params);
      for (const k of Object.keys(form)) if (k in d.params) form[k] = d.params[k]!;
      return JSON.stringify(form) === JSON.stringify(d.params) ? d : { ...d, params: form };
    });
  }, [info]);

  // a saved strategy that this engine does not offer: fall back to its first
  useEffect(() => {
    if (strategiesStatus !== 'ready' || draft.strategy === MODULE_STRATEGY || available.some((s) => s.name === draft.strategy)) return;
    const first = available[0];
    if (first) setDraft((d) => ({ ...d, strategy: first.name, params: paramForm(first.params) }));
  }, [strategiesStatus, available, draft.strategy]);

  useEffect(() => writePref(DRAFT_PREF, draft), [draft]);

  const set = (patch: Partial<BacktestDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch)) delete next[k as keyof BacktestErrors];
      return next;
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setFailure(null);
    const checked = backtestParams(draft, specs);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const job = await client.call('backtests.start', checked.params);
      useBacktests.getState().setDetail({ ...job, report: null, sweep: null });
      const nextRecent = [checked.params.data, ...recent.filter((r) => r !== checked.params.data)].slice(0, RECENT_MAX);
      setRecent(nextRecent);
      writePref(RECENT_PREF, nextRecent);
      onStarted(job.id);
    } catch (err) {
      const ce = asCallError(err);
      const where = backtestFieldOf(ce.field);
      if (where && 'param' in where) setErrors({ param: { [where.param]: ce.message } });
      else if (where) setErrors({ [where.field]: ce.message });
      setFailure(ce.field ? `${ce.field}: ${ce.message}` : ce.message);
      notify({ kind: 'error', title: 'Backtest not started', body: ce.message });
    } finally {
      setBusy(false);
    }
  };

  const dataOptions = [...new Set([...recent, SAMPLE_DATA])];
  return (
    <Panel title="New backtest" className="backtest-form-panel">
      <form className="backtest-form" onSubmit={submit} noValidate data-testid="backtest-form">
        <FileNameField kind="imports" name="data" label="Data: a candle CSV in the engine's imports folder, or cache:?source=…&symbol=…&timeframe=…" value={draft.data} onChange={(data) => set({ data })} invalid={Boolean(errors.data)} extra={dataOptions} />
        <Err message={errors.data} />
        <div className="form-grid">
          <label className="field">
            <span>Symbol</span>
            <input className="input" name="symbol" value={draft.symbol} onChange={(e) => set({ symbol: e.target.value.toUpperCase() })} spellCheck={false} aria-invalid={Boolean(errors.symbol)} />
            <Err message={errors.symbol} />
          </label>
          <label className="field">
            <span>Strategy</span>
            <select className="select" name="strategy" value={draft.strategy} onChange={(e) => set({ strategy: e.target.value, params: {} })} aria-invalid={Boolean(errors.strategy)}>
              {available.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
              {!available.some((s) => s.name === draft.strategy) && draft.strategy !== MODULE_STRATEGY && <option value={draft.strategy}>{draft.strategy}</option>}
              <option value={MODULE_STRATEGY}>Strategy module file…</option>
            </select>
            {draft.strategy !== MODULE_STRATEGY && <Err message={errors.strategy} />}
          </label>
        </div>
        {info && <p className="muted small strategy-description">{info.description}</p>}
        {draft.strategy === MODULE_STRATEGY ? (
          <>
            <FileNameField kind="strategies" name="module-path" label="Strategy module in the engine's strategies folder" value={draft.modulePath} placeholder="my-strategy.mjs" onChange={(modulePath) => set({ modulePath })} invalid={Boolean(errors.strategy)} />
            <Err message={errors.strategy} />
            <label className="field">
              <span>Parameters (NAME=VALUE …; defaults for the rest)</span>
              <input className="input mono" name="module-params" value={draft.moduleParams} placeholder="fast=5 slow=20" onChange={(e) => set({ moduleParams: e.target.value })} spellCheck={false} aria-invalid={Boolean(errors.params)} />
              <Err message={errors.params} />
            </label>
          </>
        ) : (
          <fieldset className="params-fieldset">
            <legend>
              Parameters{' '}
              {info && (
                <button type="button" className="btn btn-tiny btn-ghost" onClick={() => set({ params: paramForm(info.params) })}>
                  Defaults
                </button>
              )}
            </legend>
            <ParamsFields specs={specs} form={draft.params} errors={errors.param ?? {}} onChange={(name, value) => {
                setDraft((d) => ({ ...d, params: { ...d.params, [name]: value } }));
                setErrors((e) => (e.param?.[name] ? { ...e, param: Object.fromEntries(Object.entries(e.param).filter(([k]) => k !== name)) } : e));
              }}
            />
            <Err message={errors.params} />
          </fieldset>
        )}
        <div className="form-grid form-grid-3">
          <label className="field">
            <span>Cash (quote)</span>
            <input className="input num" name="cash" inputMode="decimal" value={draft.cash} onChange={(e) => set({ cash: e.target.value })} aria-invalid={Boolean(errors.cash)} />
            <Err message={errors.cash} />
          </label>
          <label className="field">
            <span>Fee (fraction)</span>
            <input className="input num" name="fee" inputMode="decimal" value={draft.fee} onChange={(e) => set({ fee: e.target.value })} aria-invalid={Boolean(errors.fee)} />
            <Err message={errors.fee} />
          </label>
          <label className="field">
            <span>Slippage (fraction)</span>
            <input className="input num" name="slippage" inputMode="decimal" value={draft.slippage} onChange={(e) => set({ slippage: e.target.value })} aria-invalid={Boolean(errors.slippage)} />
            <Err message={errors.slippage} />
          </label>
        </div>
        <p className="muted small">Market orders fill at the next bar's open; limit and stop orders when a bar's range crosses them. Fees are a fraction of each fill's notional.</p>
        {failure && (
          <div className="field-error" role="alert" data-testid="backtest-error">
            Not started: {failure}
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="backtest-start">
            {busy ? 'Starting…' : 'Run backtest'}
          </button>
        </div>
      </form>
    </Panel>
  );
}
