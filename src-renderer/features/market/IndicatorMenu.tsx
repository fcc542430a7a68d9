import { useEffect, useState } from 'react';
import { INDICATOR_KINDS, KIND_LABEL, type IndicatorSpec, indicatorLabel, paramNames } from './indicators/specs.js';
import { canAdd, useIndicators } from './indicators/store.js';

const PARAM_LABEL: Record<string, string> = { period: 'n', k: 'k', fast: 'fast', slow: 'slow', signal: 'signal' };

/** one parameter: typed freely, applied when the indicator accepts it, else the reason shows */
function ParamInput({ spec, name }: { spec: IndicatorSpec; name: string }) {
  const value = (spec as unknown as Record<string, number>)[name]!;
  const update = useIndicators((s) => s.update);
  const [text, setText] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  // a change made elsewhere (another input of a MACD, a reload) shows here
  useEffect(() => setText(String(value)), [value]);
  return (
    <label className="indicator-param" title={problem ?? undefined}>
      <span className="muted">{PARAM_LABEL[name] ?? name}</span>
      <input
        type="number"
        inputMode="decimal"
        step={name === 'k' ? 0.5 : 1}
        min={name === 'k' ? 0 : 1}
        value={text}
        aria-label={`${indicatorLabel(spec)} ${name}`}
        aria-invalid={problem !== null}
        data-indicator-param={`${spec.id}.${name}`}
        onChange={(e) => {
          setText(e.target.value);
          const v = e.target.value.trim() === '' ? NaN : Number(e.target.value);
          const refused = update(spec.id, { [name]: v });
          setProblem(refused ? refused.message : null);
        }}
      />
    </label>
  );
}

/**
 * The chart's indicator menu: what is on the chart with its parameters (editable) and a ×
 * to remove it, and a button per indicator of the engine's library to add one.
 */
export function IndicatorMenu() {
  const list = useIndicators((s) => s.list);
  const add = useIndicators((s) => s.add);
  const remove = useIndicators((s) => s.remove);
  return (
    <details className="column-chooser indicator-menu" data-testid="indicator-menu">
      <summary className="btn btn-small btn-ghost" title="Indicators on this chart (kept for every symbol and timeframe)">
        Indicators{list.length > 0 ? ` (${list.length})` : ''}
      </summary>
      <div className="menu" role="menu" aria-label="Indicators">
        {list.length === 0 && <div className="muted menu-item">None on the chart.</div>}
        {list.map((s) => (
          <div key={s.id} className="indicator-row menu-item" data-indicator={s.id}>
            <span className="indicator-name">{KIND_LABEL[s.kind]}</span>
            {paramNames(s.kind).map((name) => (
              <ParamInput key={name} spec={s} name={name} />
            ))}
            <button type="button" className="btn btn-small btn-ghost indicator-remove" aria-label={`Remove ${indicatorLabel(s)}`} title="Remove" onClick={() => remove(s.id)}>
              ×
            </button>
          </div>
        ))}
        <div className="indicator-add">
          {INDICATOR_KINDS.map((kind) => (
            <button key={kind} type="button" className="btn btn-small" disabled={!canAdd(list, kind)} data-add-indicator={kind} onClick={() => add(kind)} title={canAdd(list, kind) ? `Add ${KIND_LABEL[kind]}` : 'The chart has no room for another'}>
              + {KIND_LABEL[kind]}
            </button>
          ))}
        </div>
      </div>
    </details>
  );
}
