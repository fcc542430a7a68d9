import { DEAD_MAN_MAX_S, DEAD_MAN_MIN_S, type Mode } from '../../../src-common/contract/constants/accounts.js';
import type { ParamsOf } from '../../../src-common/contract/methods.js';
import { parseDecimal, wire } from '../../lib/decimal.js';

/**
 * The add-account form without React: what the trader typed, checked against
 * the protocol's rules (contract/methods.ts CreateAccountParams, restated: the
 * page imports only types from the contract), and turned into the params of
 * accounts.create. The engine checks everything again; this only spares a
 * round trip and names the field at once.
 */

/** ccxt ids offered in the exchange field's list; any other ccxt id may be typed. */
export const COMMON_EXCHANGES = ['binance', 'okx', 'bybit', 'coinbase', 'kraken'] as const;

export type AccountMode = Mode;

/** Everything but the keys: this may sit in React state while the trader types. */
export interface AccountDraft {
  id: string;
  exchange: string;
  mode: AccountMode;
  /** "I understand this account trades real money" */
  liveConfirmed: boolean;
  sandbox: boolean;
  baseUrl: string;
  /** paper only: "USDT=100000, BTC=1" (empty: the engine's defaults) */
  startingBalances: string;
  /** live only: the dead-man switch's seconds (empty: off) */
  deadManS: string;
}

/**
 * The exchange keys. They are read from the password fields at the moment of
 * sending and never stored anywhere: not in React state, not in a store.
 */
export interface AccountSecrets {
  apiKey: string;
  secret: string;
  password: string;
}

export const EMPTY_DRAFT: AccountDraft = { id: '', exchange: 'paper', mode: 'paper', liveConfirmed: false, sandbox: false, baseUrl: '', startingBalances: '', deadManS: '' };

export { DEAD_MAN_MAX_S, DEAD_MAN_MIN_S };

/** "45" → 45, "" → null (off), or why it is not whole seconds in range (the create form and the accounts table) */
export function parseDeadManSeconds(text: string): { ok: true; seconds: number | null } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: true, seconds: null };
  if (/^\d+$/.test(t) && Number(t) >= DEAD_MAN_MIN_S && Number(t) <= DEAD_MAN_MAX_S) return { ok: true, seconds: Number(t) };
  return { ok: false, error: `Whole seconds from ${DEAD_MAN_MIN_S} to ${DEAD_MAN_MAX_S}, or empty for off` };
}

/** The form's fields, named as the protocol names them (details.field), plus the live confirmation. */
export type AccountField = 'id' | 'exchange' | 'mode' | 'api_key' | 'secret' | 'password' | 'sandbox' | 'base_url' | 'starting_balances' | 'dead_man_switch_s' | 'confirm';
export type AccountErrors = Partial<Record<AccountField, string>>;

const ACCOUNT_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const EXCHANGE_ID = /^[a-z0-9]{2,32}$/;
const ASSET = /^[A-Z0-9]{1,20}$/;

/** "USDT=100000, BTC=1" (commas, semicolons or new lines between) → { USDT: '100000', BTC: '1' }, or the reason it is not. */
export function parseBalances(text: string): { ok: true; balances: Record<string, string> } | { ok: false; error: string } {
  const out: Record<string, string> = {};
  const fail = (error: string) => ({ ok: false as const, error });
  for (const part of text.split(/[,;\n]+/)) {
    const item = part.trim();
    if (item === '') continue;
    const m = /^([A-Za-z0-9]+)\s*[=:]\s*(\S+)$/.exec(item);
    if (!m) return fail(`"${item}" is not ASSET=AMOUNT (e.g. USDT=100000)`);
    const asset = m[1]!.toUpperCase();
    if (!ASSET.test(asset)) return fail(`${asset} is not an asset symbol`);
    const amount = parseDecimal(m[2]!);
    if (amount === null || amount.isNegative()) return fail(`${asset}: ${m[2]} is not an amount ≥ 0`);
    if (Object.hasOwn(out, asset)) return fail(`${asset} is given twice`);
    out[asset] = wire(amount);
  }
  return { ok: true, balances: out };
}

/** what the engine would refuse, by field; empty when the form can be sent */
export function checkAccount(d: AccountDraft, secrets: AccountSecrets): AccountErrors {
  const errors: AccountErrors = {};
  const id = d.id.trim();
  const exchange = d.exchange.trim();
  if (id === '') errors.id = 'Give the account an id, e.g. binance-main';
  else if (!ACCOUNT_ID.test(id)) errors.id = 'Lowercase letters, digits, _ and - (max 32), starting with a letter or digit';
  if (exchange === '') errors.exchange = 'Name the exchange (a ccxt id such as binance), or paper';
  else if (!EXCHANGE_ID.test(exchange)) errors.exchange = 'A ccxt exchange id: 2 to 32 lowercase letters and digits, e.g. binance';
  const realExchange = exchange !== 'paper';
  if (d.mode === 'live') {
    if (!realExchange) errors.exchange = 'A live account needs a real exchange, not "paper"';
    if (secrets.apiKey.trim() === '') errors.api_key = 'A live account needs the API key';
    else if (secrets.apiKey.length > 512) errors.api_key = 'At most 512 characters';
    if (secrets.secret.trim() === '') errors.secret = 'A live account needs the API secret';
    else if (secrets.secret.length > 4096) errors.secret = 'At most 4096 characters';
    if (secrets.password.length > 512) errors.password = 'At most 512 characters';
    if (!d.liveConfirmed) errors.confirm = 'Confirm that this account trades real money';
    const dms = parseDeadManSeconds(d.deadManS);
    if (!dms.ok) errors.dead_man_switch_s = dms.error;
  } else {
    const balances = parseBalances(d.startingBalances);
    if (!balances.ok) errors.starting_balances = balances.error;
  }
  if (!realExchange && d.sandbox) errors.sandbox = 'Only a real exchange has a testnet';
  if (d.baseUrl.trim() !== '') {
    if (!realExchange) errors.base_url = 'Only a real exchange has a base URL';
    else if (d.baseUrl.trim().length > 200) errors.base_url = 'At most 200 characters';
  }
  return errors;
}

/**
 * The params of accounts.create. Keys are sent for a live account only (a
 * paper account takes none); empty optional fields are left out.
 */
export function accountParams(d: AccountDraft, secrets: AccountSecrets): ParamsOf<'accounts.create'> {
  const exchange = d.exchange.trim();
  const params: ParamsOf<'accounts.create'> = { id: d.id.trim(), exchange, mode: d.mode };
  if (d.mode === 'live') {
    params.api_key = secrets.apiKey.trim();
    params.secret = secrets.secret.trim();
    if (secrets.password.trim() !== '') params.password = secrets.password.trim();
    const dms = parseDeadManSeconds(d.deadManS);
    if (dms.ok && dms.seconds !== null) params.dead_man_switch_s = dms.seconds;
  } else if (d.startingBalances.trim() !== '') {
    const balances = parseBalances(d.startingBalances);
    if (balances.ok && Object.keys(balances.balances).length > 0) params.starting_balances = balances.balances;
  }
  if (exchange !== 'paper') {
    if (d.sandbox) params.sandbox = true;
    if (d.baseUrl.trim() !== '') params.base_url = d.baseUrl.trim();
  }
  return params;
}

const FIELDS: ReadonlySet<string> = new Set<AccountField>(['id', 'exchange', 'mode', 'api_key', 'secret', 'password', 'sandbox', 'base_url', 'starting_balances', 'dead_man_switch_s']);

/** the form field an engine refusal names (`details.field`: "api_key", "starting_balances.USDT"…), if it is one */
export function accountFieldOf(field: string | undefined): AccountField | undefined {
  if (!field) return undefined;
  const head = field.split('.', 1)[0]!;
  return FIELDS.has(head) ? (head as AccountField) : undefined;
}
