import type { StrategyParamSpec } from '../../state/strategies.js';

/**
 * A strategy's parameters as a form: each declared parameter becomes a field
 * with its default, and what the trader typed becomes typed values checked
 * against the declaration (type, min, max, options), named by parameter, as
 * the engine (strategies/params.ts) checks them again.
 */
export type ParamValue = number | boolean | string;
/** the form's values: text for numbers and strings (what the field shows), booleans for check boxes */
export type ParamForm = Record<string, string | boolean>;

function toField(spec: StrategyParamSpec, value: ParamValue | undefined): string | boolean {
  const v = value ?? spec.default;
  if (spec.type === 'boolean') return v === true || v === 'true';
  return String(v);
}

/** the form filled with the declared defaults, overridden by `values` (a run's parameters) where given */
export function paramForm(specs: readonly StrategyParamSpec[], values: Record<string, ParamValue> = {}): ParamForm {
  return Object.fromEntries(specs.map((s) => [s.name, toField(s, values[s.name])]));
}

/** the form as typed values, or the errors by parameter name */
export function paramValues(specs: readonly StrategyParamSpec[], form: ParamForm): { values: Record<string, ParamValue>; errors: Record<string, string> } {
  const values: Record<string, ParamValue> = {};
  const errors: Record<string, string> = {};
  for (const spec of specs) {
    const raw = form[spec.name] ?? toField(spec, undefined);
    if (spec.type === 'boolean') {
      values[spec.name] = raw === true;
      continue;
    }
    const text = String(raw).trim();
    if (spec.type === 'string') {
      if (spec.options && spec.options.length > 0 && !spec.options.includes(text)) errors[spec.name] = `One of ${spec.options.join(', ')}`;
      else if (text.length > 200) errors[spec.name] = 'At most 200 characters';
      else values[spec.name] = text;
      continue;
    }
    const n = text === '' ? Number.NaN : Number(text.replace(/_/g, ''));
    if (!Number.isFinite(n)) errors[spec.name] = spec.type === 'integer' ? 'A whole number' : 'A number';
    else if (spec.type === 'integer' && !Number.isInteger(n)) errors[spec.name] = 'A whole number';
    else if (spec.min !== undefined && n < spec.min) errors[spec.name] = `At least ${spec.min}`;
    else if (spec.max !== undefined && n > spec.max) errors[spec.name] = `At most ${spec.max}`;
    else values[spec.name] = n;
  }
  return { values, errors };
}

/** "min 1 · max 100" for a field's hint */
export function rangeHint(spec: StrategyParamSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`min ${spec.min}`);
  if (spec.max !== undefined) parts.push(`max ${spec.max}`);
  return parts.join(' · ');
}

/** the parameter an engine refusal names (`details.field` "params.fast" → "fast") */
export function paramOfField(field: string | undefined): string | undefined {
  if (!field?.startsWith('params.')) return undefined;
  return field.slice('params.'.length) || undefined;
}

/** "fast=10 slow=30" for a table cell */
export function paramsText(params: Record<string, ParamValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
