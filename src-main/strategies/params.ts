import { badRequest } from '../../src-common/contract/errors.js';
import type { AnyStrategyDefinition, ParamSpec, ParamValue, ParamValues } from './api.js';

/**
 * A strategy's parameters: its declared defaults, overridden by the values
 * given (typed values from the API, or `k=v` text from the command line).
 * Unknown names, values of the wrong type or out of range, and a failed
 * cross-parameter rule are refused with the parameter's name.
 */
export function resolveParams(definition: AnyStrategyDefinition, given: Record<string, unknown> = {}, base?: ParamValues): ParamValues {
  const specs = definition.params as Record<string, ParamSpec>;
  const out: ParamValues = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = base?.[name] ?? spec.default;
  for (const [name, raw] of Object.entries(given)) {
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs);
      throw badRequest(`strategy ${definition.name} has no parameter "${name}"${known.length ? ` (it has: ${known.join(', ')})` : ''}`, { field: `params.${name}` });
    }
    out[name] = coerce(name, spec, raw);
  }
  const why = definition.validate?.(out);
  if (why) throw badRequest(`parameters of ${definition.name}: ${why}`, { field: 'params' });
  return out;
}

/** Parses `k=v` pairs (the CLI's --param) into raw values; the strategy's specs type them later. */
export function parseParamPairs(pairs: readonly string[], flag = '--param'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw badRequest(`${flag} expects NAME=VALUE, got "${pair}"`, { field: flag });
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

export function coerce(name: string, spec: ParamSpec, raw: unknown): ParamValue {
  const fail = (rule: string) => badRequest(`parameter ${name} ${rule}, got ${JSON.stringify(raw)}`, { field: `params.${name}` });
  switch (spec.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw fail('must be true or false');
    }
    case 'string': {
      if (typeof raw !== 'string') throw fail('must be a string');
      if (spec.options && !spec.options.includes(raw)) throw fail(`must be one of ${spec.options.join(', ')}`);
      return raw;
    }
    default: {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(value)) throw fail('must be a number');
      if (spec.type === 'integer' && !Number.isInteger(value)) throw fail('must be a whole number');
      if (spec.min !== undefined && value < spec.min) throw fail(`must be at least ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) throw fail(`must be at most ${spec.max}`);
      return value;
    }
  }
}

/** the declared parameters, for listings (strategies.list) */
export function describeParams(definition: AnyStrategyDefinition) {
  return Object.entries(definition.params as Record<string, ParamSpec>).map(([name, spec]) => ({
    name,
    type: spec.type,
    default: spec.default,
    ...('min' in spec && spec.min !== undefined ? { min: spec.min } : {}),
    ...('max' in spec && spec.max !== undefined ? { max: spec.max } : {}),
    ...('options' in spec && spec.options ? { options: [...spec.options] } : {}),
    ...(spec.description ? { description: spec.description } : {}),
  }));
}
