import { useId } from 'react';
import type { StrategyParamSpec } from '../../state/strategies.js';
import { type ParamForm, rangeHint } from './params.js';

/** One field per declared parameter, with its default, range and description; errors under the field they name. */
export function ParamsFields({
  specs,
  form,
  errors,
  onChange,
  disabled = false,
}: {
  specs: readonly StrategyParamSpec[];
  form: ParamForm;
  errors: Record<string, string>;
  onChange: (name: string, value: string | boolean) => void;
  disabled?: boolean;
}) {
  const uid = useId();
  if (specs.length === 0) return <p className="muted small">This strategy declares no parameters.</p>;
  return (
    <div className="params-grid" data-testid="params-fields">
      {specs.map((spec) => {
        const id = `${uid}-${spec.name}`;
        const err = errors[spec.name];
        const hint = [spec.description, rangeHint(spec), `default ${String(spec.default)}`].filter(Boolean).join(' · ');
        const value = form[spec.name];
        if (spec.type === 'boolean') {
          return (
            <label key={spec.name} className="check param-field" title={hint}>
              <input type="checkbox" name={`param-${spec.name}`} checked={value === true} disabled={disabled} onChange={(e) => onChange(spec.name, e.target.checked)} /> {spec.name}
            </label>
          );
        }
        return (
          <div key={spec.name} className="field param-field">
            <label htmlFor={id} title={hint}>
              <span className="mono">{spec.name}</span>
            </label>
            {spec.type === 'string' && spec.options && spec.options.length > 0 ? (
              <select id={id} className="select" name={`param-${spec.name}`} value={String(value ?? '')} disabled={disabled} onChange={(e) => onChange(spec.name, e.target.value)} aria-invalid={Boolean(err)}>
                {spec.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                className={`input ${spec.type === 'string' ? '' : 'num'}`}
                name={`param-${spec.name}`}
                inputMode={spec.type === 'integer' ? 'numeric' : spec.type === 'number' ? 'decimal' : undefined}
                value={String(value ?? '')}
                disabled={disabled}
                onChange={(e) => onChange(spec.name, e.target.value)}
                aria-invalid={Boolean(err)}
                aria-describedby={`${id}-hint`}
                spellCheck={false}
              />
            )}
            <div className="muted small param-hint" id={`${id}-hint`}>
              {hint}
            </div>
            {err && (
              <div className="field-error" role="alert">
                {err}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
