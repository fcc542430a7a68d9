import { Decimal } from '../engine/model/decimal.js';
import type { AccountRecord, ApiKeyRecord, BalanceRecord, FillRecord, OrderRecord, PositionRecord, StrategyPositionRecord } from '../engine/model/types.js';
import type { JournalEntry } from '../engine/ports/store.js';
import { TernError } from '../../src-common/contract/errors.js';

/**
 * The one codec of the store. Every record type is described once, as a field
 * schema, and stored as a tuple: its field values in schema order, Decimals
 * as canonical decimal strings (Decimal.toFixed()), booleans as 0/1,
 * timestamps as integers. The same tuple is
 *   - the record inside a journal payload (JSON), and
 *   - the parameters of its projection row (the table's columns are the
 *     schema's fields, in order, snake_case).
 * Tuples rather than keyed objects: a journal row is a third of the size
 * and a tuple binds to SQL without conversion, which is most of the commit
 * cost. The field order is therefore part of the file format: a new field
 * is appended at the end of its schema (with a migration adding the column),
 * never inserted, and decoding an older, shorter tuple must give it a default.
 *
 * Encoders and decoders are compiled to straight-line functions with
 * `new Function` once at load: the commit path encodes several records per
 * order at ~10^5 orders/s, where a generic per-field loop costs several times
 * more.
 */

/** `owner?`: an optional string, NULL in SQL and absent (undefined) in the record (a field records made before it existed leave out) */
/** `time?`: the same for a timestamp (an integer) */
type Kind = 'str' | 'str?' | 'owner?' | 'int' | 'int?' | 'time?' | 'bool' | 'dec' | 'dec?' | 'json' | 'json?';
type Schema<T> = { readonly [K in keyof T]-?: Kind };

/** A record as stored: field values in schema order (see above). */
export type Tuple = unknown[];

export interface RecordCodec<T> {
  readonly name: string;
  readonly keys: readonly string[];
  /** snake_case column names, in schema order */
  readonly columns: readonly string[];
  /** validates and snapshots a record; throws BAD_REQUEST naming the field */
  encode(record: T): Tuple;
  /** SQL values for the projection row (JSON fields as text) */
  params(tuple: Tuple): unknown[];
  fromTuple(tuple: Tuple): T;
  /** a projection row read with `.raw()`, columns in schema order */
  fromRow(row: unknown[]): T;
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Called by compiled encoders when a field has the wrong type: the slow path, with a clear message. */
function badField(record: string, key: string, kind: Kind, value: unknown): never {
  const want: Record<Kind, string> = {
    str: 'a string',
    'str?': 'a string or null',
    'owner?': 'a string or absent',
    int: 'a finite integer',
    'int?': 'a finite integer or null',
    'time?': 'a finite integer or absent',
    bool: 'a boolean',
    dec: 'a finite Decimal',
    'dec?': 'a finite Decimal or null',
    json: 'a JSON object or array',
    'json?': 'a JSON object, array, null or absent',
  };
  const got = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new TernError('BAD_REQUEST', `${record}.${key} must be ${want[kind]}, got ${got}`, { field: `${record}.${key}` });
}

function decString(v: unknown): string | undefined {
  // instanceof holds across Decimal.clone()s (they share one prototype); a JS
  // number must never pass: (0.1).toFixed() is "0".
  return v instanceof Decimal && v.isFinite() ? v.toFixed() : undefined;
}

/** A deep copy through JSON, so a record mutated after `record()` cannot change the batch; undefined when not an object. */
function jsonSnapshot(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return undefined;
  try {
    return JSON.parse(JSON.stringify(v));
  } catch {
    return undefined;
  }
}

function isInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function compile<T>(name: string, schema: Schema<T>): RecordCodec<T> {
  const keys = Object.keys(schema) as Array<keyof T & string>;
  const kinds = keys.map((k) => schema[k]);

  const encodeExpr = (k: string, kind: Kind, i: number): string => {
    const v = `v${i}`;
    const bad = `bad(${JSON.stringify(name)}, ${JSON.stringify(k)}, ${JSON.stringify(kind)}, ${v})`;
    switch (kind) {
      case 'str':
        return `(typeof ${v} === 'string' ? ${v} : ${bad})`;
      case 'str?':
      case 'owner?':
        return `(${v} == null ? null : typeof ${v} === 'string' ? ${v} : ${bad})`;
      case 'int':
        return `(isInt(${v}) ? ${v} : ${bad})`;
      case 'int?':
      case 'time?':
        return `(${v} == null ? null : isInt(${v}) ? ${v} : ${bad})`;
      case 'bool':
        return `(${v} === true ? 1 : ${v} === false ? 0 : ${bad})`;
      // the field's last Decimal and its text: an order's records share their Decimals from one state to the next
      case 'dec':
        return `(${v} === k${i} ? s${i} : (k${i} = ${v}, s${i} = decString(${v})) ?? ${bad})`;
      case 'dec?':
        return `(${v} == null ? null : (${v} === k${i} ? s${i} : (k${i} = ${v}, s${i} = decString(${v}))) ?? ${bad})`;
      case 'json':
        return `(jsonSnapshot(${v}) ?? ${bad})`;
      case 'json?':
        return `(${v} == null ? null : jsonSnapshot(${v}) ?? ${bad})`;
    }
  };
  const encodeSrc =
    keys.map((k, i) => `const v${i} = r[${JSON.stringify(k)}];`).join('\n') +
    `\nreturn [${keys.map((k, i) => encodeExpr(k, kinds[i]!, i)).join(',\n')}];`;

  const hasJson = kinds.includes('json') || kinds.includes('json?');
  const param = (kind: Kind, i: number): string =>
    kind === 'json' ? `JSON.stringify(t[${i}])` : kind === 'json?' ? `(t[${i}] == null ? null : JSON.stringify(t[${i}]))` : `t[${i}]`;
  // A tuple journaled before a later migration's fields ends before them (absent: null); bound as
  // it is it would leave the statement short of parameters, so it is padded first (a rebuild of an old journal).
  const padSrc = `if (t.length < ${kinds.length}) { t = t.slice(); while (t.length < ${kinds.length}) t.push(null); }\n`;
  const paramsSrc = padSrc + (hasJson ? `return [${kinds.map((kind, i) => param(kind, i)).join(', ')}];` : 'return t;');

  const decodeExpr = (i: number, kind: Kind, fromSql: boolean): string => {
    const v = `a[${i}]`;
    switch (kind) {
      case 'dec':
        return `new Decimal(${v})`;
      case 'dec?':
        return `(${v} == null ? null : new Decimal(${v}))`;
      case 'bool':
        return `(${v} === 1 || ${v} === true)`;
      case 'json':
        return fromSql ? `JSON.parse(${v})` : v;
      case 'json?':
        // absent when null, like 'owner?': records made before the field existed compare equal to new ones without it
        return fromSql ? `(${v} == null ? undefined : JSON.parse(${v}))` : `(${v} ?? undefined)`;
      case 'str?':
      case 'int?':
        return `(${v} ?? null)`;
      case 'owner?':
      case 'time?':
        return `(${v} ?? undefined)`;
      default:
        return v;
    }
  };
  const decodeSrc = (fromSql: boolean) =>
    `return {${keys.map((k, i) => `${JSON.stringify(k)}: ${decodeExpr(i, kinds[i]!, fromSql)}`).join(',\n')}};`;

  // per Decimal field: the last value encoded (k) and its text (s), for the cache above (Decimals are immutable)
  const cache = kinds.map((kind, i) => (kind === 'dec' || kind === 'dec?' ? `let k${i}, s${i};\n` : '')).join('');
  const make = (arg: string, src: string) =>
    new Function('Decimal', 'decString', 'isInt', 'jsonSnapshot', 'bad', `${cache}return function ${name}Codec(${arg}) {\n${src}\n};`)(
      Decimal,
      decString,
      isInt,
      jsonSnapshot,
      badField,
    ) as (x: unknown) => never;

  return {
    name,
    keys,
    columns: keys.map(snake),
    encode: make('r', encodeSrc),
    params: make('t', paramsSrc),
    fromTuple: make('a', decodeSrc(false)),
    fromRow: make('a', decodeSrc(true)),
  };
}

const orderFields = compile<OrderRecord>('order', {
  id: 'str',
  clientOrderId: 'str',
  account: 'str',
  symbol: 'str',
  side: 'str',
  type: 'str',
  quantity: 'dec',
  price: 'dec?',
  stopPrice: 'dec?',
  timeInForce: 'str',
  postOnly: 'bool',
  reduceOnly: 'bool',
  state: 'str',
  previousState: 'str?',
  filledQuantity: 'dec',
  averagePrice: 'dec?',
  fees: 'dec',
  rejectReason: 'str?',
  venueOrderId: 'str?',
  createdAt: 'int',
  updatedAt: 'int',
  // migration 6: the strategy that placed it; older tuples end before it (absent: manual or API)
  strategyId: 'owner?',
  // migration 8 (issue 12): JSON with decimal strings, revived by orderCodec below; older tuples: null
  trailing: 'json?',
  protection: 'json?',
  // migration 9: the API key that placed it; older tuples end before it (absent: not placed with a key)
  keyId: 'owner?',
  // migration 10: when its trigger fired (a stop or take profit now working); older tuples end before it (absent: not triggered)
  triggeredAt: 'time?',
});

/** Protective orders' JSON fields hold decimal strings on disk and Decimals in memory. */
function reviveOrder(order: OrderRecord): OrderRecord {
  const t = order.trailing as unknown as Record<string, string | null> | null;
  if (t) {
    order.trailing = {
      offset: new Decimal(t.offset!),
      unit: t.unit as 'percent' | 'price',
      activationPrice: t.activationPrice == null ? null : new Decimal(t.activationPrice),
      best: t.best == null ? null : new Decimal(t.best),
    };
  }
  type Stored = { takeProfit: { price: string } | null; stopLoss: { stopPrice: string; price: string | null } | null } | null | undefined;
  const attached = order.protection?.attached as unknown as Stored;
  if (order.protection && attached) {
    order.protection.attached = {
      takeProfit: attached.takeProfit ? { price: new Decimal(attached.takeProfit.price) } : null,
      stopLoss: attached.stopLoss ? { stopPrice: new Decimal(attached.stopLoss.stopPrice), price: attached.stopLoss.price == null ? null : new Decimal(attached.stopLoss.price) } : null,
    };
  }
  return order;
}

export const orderCodec: RecordCodec<OrderRecord> = {
  ...orderFields,
  fromTuple: (tuple) => reviveOrder(orderFields.fromTuple(tuple)),
  fromRow: (row) => reviveOrder(orderFields.fromRow(row)),
};

export const fillCodec = compile<FillRecord>('fill', {
  id: 'str',
  orderId: 'str',
  clientOrderId: 'str',
  account: 'str',
  symbol: 'str',
  side: 'str',
  quantity: 'dec',
  price: 'dec',
  fee: 'dec',
  feeAsset: 'str',
  liquidity: 'str',
  venueTradeId: 'str',
  ts: 'int',
  // migration 6, as orders
  strategyId: 'owner?',
});

export const positionCodec = compile<PositionRecord>('position', {
  account: 'str',
  symbol: 'str',
  quantity: 'dec',
  averagePrice: 'dec?',
  realizedPnl: 'dec',
  feesPaid: 'dec',
  updatedAt: 'int',
});

/** a strategy's own position (the per-strategy ledger, migration 6): the position arithmetic, keyed by strategy too */
export const strategyPositionCodec = compile<StrategyPositionRecord>('strategy_position', {
  strategyId: 'str',
  account: 'str',
  symbol: 'str',
  quantity: 'dec',
  averagePrice: 'dec?',
  realizedPnl: 'dec',
  feesPaid: 'dec',
  updatedAt: 'int',
});

export const balanceCodec = compile<BalanceRecord>('balance', {
  account: 'str',
  asset: 'str',
  total: 'dec',
  locked: 'dec',
  updatedAt: 'int',
});

export const accountCodec = compile<AccountRecord>('account', {
  id: 'str',
  exchange: 'str',
  mode: 'str',
  status: 'str',
  startingBalances: 'json',
  createdAt: 'int',
});

export const keyCodec = compile<ApiKeyRecord>('key', {
  id: 'str',
  name: 'str',
  scopes: 'json',
  hash: 'str',
  createdAt: 'int',
  revokedAt: 'int?',
  // migration 4; older journal tuples end before it (null: never expires)
  expiresAt: 'int?',
  // migration 9 (per-bot keys); older tuples end before them (absent: the defaults, not halted)
  rateLimit: 'json?',
  accounts: 'json?',
  halted: 'json?',
});

// ---------------------------------------------------------------------------
// Journal entries

export type JournalType = JournalEntry['type'];
export const JOURNAL_TYPES: readonly JournalType[] = ['order', 'fill', 'position', 'strategy_position', 'balance', 'account', 'account_reset', 'key', 'setting', 'risk_decision'];

/** A journal entry as stored: records as tuples. What the payload column holds (as JSON, without the type). */
export type WireEntry =
  | { type: 'order'; event: string; order: Tuple }
  | { type: 'fill'; fill: Tuple }
  | { type: 'position'; position: Tuple }
  | { type: 'strategy_position'; position: Tuple }
  | { type: 'balance'; balance: Tuple }
  | { type: 'account'; account: Tuple }
  | { type: 'account_reset'; account: string; ts: number }
  | { type: 'key'; key: Tuple }
  | { type: 'setting'; name: string; value: unknown; ts: number }
  | { type: 'risk_decision'; decision: Record<string, unknown>; ts: number };

export interface EncodedEntry {
  wire: WireEntry;
  /** journal.ts: the time the entry describes (the engine's clock, so backtests stay deterministic) */
  ts: number;
  /** journal.payload: JSON of the entry without its type */
  payload: string;
}

function badEntry(message: string, field: string): TernError {
  return new TernError('BAD_REQUEST', message, { field });
}

// Field positions the journal needs for its ts column.
const ORDER_UPDATED_AT = orderCodec.keys.indexOf('updatedAt');
const FILL_TS = fillCodec.keys.indexOf('ts');
const POSITION_UPDATED_AT = positionCodec.keys.indexOf('updatedAt');
const STRATEGY_POSITION_UPDATED_AT = strategyPositionCodec.keys.indexOf('updatedAt');
const BALANCE_UPDATED_AT = balanceCodec.keys.indexOf('updatedAt');
const ACCOUNT_CREATED_AT = accountCodec.keys.indexOf('createdAt');
const KEY_CREATED_AT = keyCodec.keys.indexOf('createdAt');
const KEY_REVOKED_AT = keyCodec.keys.indexOf('revokedAt');

/** Snapshots an entry: later mutation of the engine's records cannot change what is journaled. */
export function encodeEntry(entry: JournalEntry): EncodedEntry {
  const { wire, ts } = encodeWire(entry);
  const { type: _type, ...rest } = wire;
  return { wire, ts, payload: JSON.stringify(rest) };
}

/**
 * The stored form of an entry (records as tuples, validated and snapshotted)
 * and the time it describes, without its JSON: the store writes the JSON of
 * several entries at once, at the commit (see journal-rows.ts). `text`: the
 * entry's JSON as a row item, when it is made now instead (the snapshot of
 * an entry that holds a plain object; its wire is then only for projections).
 */
export function encodeWire(entry: JournalEntry): { wire: WireEntry; ts: number; text?: string } {
  switch (entry?.type) {
    case 'order': {
      if (typeof entry.event !== 'string') throw badEntry('order entry: event must be a string', 'event');
      const order = orderCodec.encode(entry.order);
      return { wire: { type: 'order', event: entry.event, order }, ts: order[ORDER_UPDATED_AT] as number };
    }
    case 'fill': {
      const fill = fillCodec.encode(entry.fill);
      return { wire: { type: 'fill', fill }, ts: fill[FILL_TS] as number };
    }
    case 'position': {
      const position = positionCodec.encode(entry.position);
      return { wire: { type: 'position', position }, ts: position[POSITION_UPDATED_AT] as number };
    }
    case 'strategy_position': {
      const position = strategyPositionCodec.encode(entry.position);
      return { wire: { type: 'strategy_position', position }, ts: position[STRATEGY_POSITION_UPDATED_AT] as number };
    }
    case 'balance': {
      const balance = balanceCodec.encode(entry.balance);
      return { wire: { type: 'balance', balance }, ts: balance[BALANCE_UPDATED_AT] as number };
    }
    case 'account': {
      const account = accountCodec.encode(entry.account);
      return { wire: { type: 'account', account }, ts: account[ACCOUNT_CREATED_AT] as number };
    }
    case 'account_reset': {
      if (typeof entry.account !== 'string') throw badEntry('account_reset entry: account must be a string', 'account');
      if (!isInt(entry.ts)) throw badEntry('account_reset entry: ts must be an integer', 'ts');
      return { wire: { type: 'account_reset', account: entry.account, ts: entry.ts }, ts: entry.ts };
    }
    case 'key': {
      const key = keyCodec.encode(entry.key);
      return { wire: { type: 'key', key }, ts: (key[KEY_REVOKED_AT] ?? key[KEY_CREATED_AT]) as number };
    }
    case 'setting': {
      if (typeof entry.name !== 'string') throw badEntry('setting entry: name must be a string', 'name');
      if (!isInt(entry.ts)) throw badEntry('setting entry: ts must be an integer', 'ts');
      let text: string | undefined;
      try {
        text = JSON.stringify(entry.value);
      } catch {
        text = undefined;
      }
      if (text === undefined) throw badEntry(`setting ${entry.name}: value must be JSON-serializable`, 'value');
      // Round-trip so the buffered value is a snapshot in its stored form (Decimals become strings via toJSON).
      const value: unknown = JSON.parse(text);
      return { wire: { type: 'setting', name: entry.name, value, ts: entry.ts }, ts: entry.ts };
    }
    case 'risk_decision': {
      if (!isInt(entry.ts)) throw badEntry('risk_decision entry: ts must be an integer', 'ts');
      // one per order, projected nowhere: its JSON is the snapshot, written as it is (no copy made to stringify again)
      const text = JSON.stringify(entry.decision);
      return { wire: { type: 'risk_decision', decision: entry.decision, ts: entry.ts }, ts: entry.ts, text: `{"type":"risk_decision","decision":${text},"ts":${entry.ts}}` };
    }
    default:
      throw badEntry(`unknown journal entry type: ${String((entry as { type?: unknown } | null)?.type)}`, 'type');
  }
}

/** The time a stored entry describes (what encodeWire gave with it). */
export function tsOfWire(wire: WireEntry): number {
  switch (wire.type) {
    case 'order':
      return wire.order[ORDER_UPDATED_AT] as number;
    case 'fill':
      return wire.fill[FILL_TS] as number;
    case 'position':
      return wire.position[POSITION_UPDATED_AT] as number;
    case 'strategy_position':
      return wire.position[STRATEGY_POSITION_UPDATED_AT] as number;
    case 'balance':
      return wire.balance[BALANCE_UPDATED_AT] as number;
    case 'account':
      return wire.account[ACCOUNT_CREATED_AT] as number;
    case 'key':
      return (wire.key[KEY_REVOKED_AT] ?? wire.key[KEY_CREATED_AT]) as number;
    default:
      return wire.ts;
  }
}

/** The stored form of a journal row. */
export function wireFromRow(type: string, payload: string): WireEntry {
  if (!(JOURNAL_TYPES as readonly string[]).includes(type)) throw new TernError('INTERNAL', `journal holds an unknown entry type: ${type}`);
  return { type, ...JSON.parse(payload) } as WireEntry;
}

/** A journal entry as the engine wrote it (records with Decimals). */
export function decodeEntry(wire: WireEntry): JournalEntry {
  switch (wire.type) {
    case 'order':
      return { type: 'order', event: wire.event as Extract<JournalEntry, { type: 'order' }>['event'], order: orderCodec.fromTuple(wire.order) };
    case 'fill':
      return { type: 'fill', fill: fillCodec.fromTuple(wire.fill) };
    case 'position':
      return { type: 'position', position: positionCodec.fromTuple(wire.position) };
    case 'strategy_position':
      return { type: 'strategy_position', position: strategyPositionCodec.fromTuple(wire.position) };
    case 'balance':
      return { type: 'balance', balance: balanceCodec.fromTuple(wire.balance) };
    case 'account':
      return { type: 'account', account: accountCodec.fromTuple(wire.account) };
    case 'account_reset':
      return { type: 'account_reset', account: wire.account, ts: wire.ts };
    case 'key':
      return { type: 'key', key: keyCodec.fromTuple(wire.key) };
    case 'setting':
      return { type: 'setting', name: wire.name, value: wire.value, ts: wire.ts };
    case 'risk_decision':
      return { type: 'risk_decision', decision: wire.decision, ts: wire.ts };
  }
}
