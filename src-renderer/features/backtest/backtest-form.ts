import type { ParamsOf } from '../../../src-common/contract/methods.js';
import { parseDecimal, wire } from '../../lib/decimal.js';
import type { StrategyParamSpec } from '../../state/strategies.js';
import { type ParamForm, type ParamValue, paramValues } from '../strategies/params.js';

/**
 * The New-backtest form without React: the draft the trader edits (kept as a
 * preference between sessions), checked against backtests.start's params
 * (contract/strategy-schemas.ts StartBacktestParams, restated: the page
 * imports only types from the contract) and turned into them.
 */
export const MODULE_STRATEGY = '__module__';
/** the bundled sample, copied into the data folder's imports/ when Tern makes that folder */
export const SAMPLE_DATA = 'BTC-USDT_1m_sample.csv';

export interface BacktestDraft {
  /** a candle file named relative to the engine's imports folder (or in a folder added in the desktop app), or cache:?… */
  data: string;
  symbol: string;
  /** a built-in name, or MODULE_STRATEGY with `modulePath` */
  strategy: string;
  modulePath: string;
  /** parameters of a built-in, one field each */
  params: ParamForm;
  /** parameters of a module, as "k=v k=v" (its declaration is not known before it loads) */
  moduleParams: string;
  cash: string;
  fee: string;
  slippage: string;
}

export const DEFAULT_DRAFT: BacktestDraft = {
  data: SAMPLE_DATA,
  symbol: 'BTC/USDT',
  strategy: 'sma-cross',
  modulePath: '',
  params: {},
  moduleParams: '',
  cash: '10000',
  fee: '0.001',
  slippage: '0',
};

export type BacktestField = 'data' | 'symbol' | 'strategy' | 'params' | 'cash' | 'fee' | 'slippage';
export type BacktestErrors = Partial<Record<BacktestField, string>> & { param?: Record<string, string> };

/** "fast=5 slow=20 trend=true" → { fast: '5', slow: '20', trend: 'true' } (the engine types them by the strategy's declaration) */
export function parseParamPairs(text: string): { ok: true; params: Record<string, string> } | { ok: false; error: string } {
  const params: Record<string, string> = {};
  for (const pair of text.split(/[\s,;]+/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return { ok: false, error: `"${pair}" is not NAME=VALUE` };
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { ok: true, params };
}

function fraction(text: string): string | null {
  const v = parseDecimal(text);
  if (v === null || v.isNegative() || v.gte(1)) return null;
  return wire(v);
}

/** the params of backtests.start, or what is wrong, by field (a parameter's error under `param`) */
export function backtestParams(d: BacktestDraft, specs: readonly StrategyParamSpec[]): { params: ParamsOf<'backtests.start'> } | { errors: BacktestErrors } {
  const errors: BacktestErrors = {};
  const data = d.data.trim();
  if (data === '') errors.data = 'The path of a candle CSV on the engine machine (timestamp,open,high,low,close,volume)';
  else if (data.length > 1000) errors.data = 'At most 1000 characters';
  const symbol = d.symbol.trim().toUpperCase();
  if (symbol.length < 3 || symbol.length > 45) errors.symbol = 'The market the data is, e.g. BTC/USDT';
  const module = d.strategy === MODULE_STRATEGY;
  const strategy = module ? d.modulePath.trim() : d.strategy;
  if (strategy === '') errors.strategy = module ? "A strategy module in the engine's strategies folder" : 'Pick a strategy';
  let params: Record<string, ParamValue> = {};
  if (module) {
    const parsed = parseParamPairs(d.moduleParams);
    if (parsed.ok) params = parsed.params;
    else errors.params = parsed.error;
  } else {
    const checked = paramValues(specs, d.params);
    if (Object.keys(checked.errors).length > 0) errors.param = checked.errors;
    params = checked.values;
  }
  const cash = parseDecimal(d.cash);
  if (cash === null || !cash.gt(0)) errors.cash = 'Starting cash greater than zero, in the quote asset';
  const fee = fraction(d.fee);
  if (fee === null) errors.fee = 'A fraction of the notional from 0 up to (not including) 1, e.g. 0.001 for 0.1 %';
  const slippage = d.slippage.trim() === '' ? '0' : fraction(d.slippage);
  if (slippage === null) errors.slippage = 'A fraction from 0 up to (not including) 1, e.g. 0.0005';
  if (Object.keys(errors).length > 0) return { errors };
  return { params: { data, symbol, strategy, params, cash: wire(cash!), fee: fee!, slippage: slippage! } };
}

/** where an engine refusal belongs in the form: a field, or one parameter ("params.fast") */
export function backtestFieldOf(field: string | undefined): { field: BacktestField } | { param: string } | null {
  if (!field) return null;
  if (field.startsWith('params.') && field.length > 'params.'.length) return { param: field.slice('params.'.length) };
  const head = field.split('.', 1)[0]!;
  return (['data', 'symbol', 'strategy', 'params', 'cash', 'fee', 'slippage'] as const).includes(head as BacktestField) ? { field: head as BacktestField } : null;
}
