import type { EngineEvent, EventData } from '../../../src-common/contract/events.js';
import { type Decimal, dec } from '../../../src-main/engine/model/decimal.js';
import type { InstrumentSpec, OrderRecord } from '../../../src-main/engine/model/types.js';
import type { PreTradeContext } from '../../../src-main/engine/oms/pre-trade.js';
import { ManualClock } from '../../../src-main/engine/ports/clock.js';
import type { JournalEntry } from '../../../src-main/engine/ports/store.js';
import { MemoryAudit } from '../../../src-main/engine/risk/audit.js';
import { RiskEngine, type RiskEngineDeps, type RiskJournal } from '../../../src-main/engine/risk/risk-engine.js';
import { encodeEntry } from '../../../src-main/store/codec.js';

export const BTC: InstrumentSpec = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  priceIncrement: dec('0.01'),
  sizeIncrement: dec('0.001'),
  minQuantity: dec('0.001'),
  minNotional: dec('1'),
  makerFee: dec('0.001'),
  takerFee: dec('0.001'),
};

let seq = 0;

export function order(p: Partial<Omit<OrderRecord, 'quantity' | 'price'>> & { quantity?: string | Decimal; price?: string | Decimal | null } = {}): OrderRecord {
  seq += 1;
  const { quantity, price, ...rest } = p;
  return {
    id: `O-${seq}`,
    clientOrderId: `c-${seq}`,
    account: 'paper',
    symbol: 'BTC/USDT',
    side: 'buy',
    type: price === null ? 'market' : 'limit',
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    state: 'initialized',
    previousState: null,
    filledQuantity: dec(0),
    averagePrice: null,
    fees: dec(0),
    rejectReason: null,
    venueOrderId: null,
    createdAt: 0,
    updatedAt: 0,
    ...rest,
    quantity: dec(quantity ?? '1'),
    price: price === null ? null : dec(price ?? '100'),
  };
}

export function context(p: Partial<Omit<PreTradeContext, 'position' | 'mid'>> & { position?: string | Decimal; mid?: string | Decimal | null } = {}): PreTradeContext {
  const { position, mid, ...rest } = p;
  return {
    instrument: BTC,
    now: 0,
    fromKillSwitch: false,
    ...rest,
    // the tests move time through `now`; the rate bucket reads the monotonic clock
    monotonic: rest.monotonic ?? rest.now ?? 0,
    position: dec(position ?? '0'),
    mid: mid === null ? undefined : dec(mid ?? '100'),
  };
}

/**
 * The journal and the store, as far as the risk engine uses them: entries go
 * through the real store codec (so what the engine writes is what SQLite
 * would take) and settings are projected, last one wins, as JSON.
 */
export class FakeJournal implements RiskJournal {
  readonly entries: JournalEntry[] = [];
  readonly events: EngineEvent[] = [];
  private readonly settings = new Map<string, string>();

  record(entry: JournalEntry): void {
    const encoded = encodeEntry(entry);
    this.entries.push(entry);
    if (encoded.wire.type === 'setting') this.settings.set(encoded.wire.name, JSON.stringify(encoded.wire.value));
  }

  publish(kind: 'risk', channel: string, data: () => EventData<'risk'>): void {
    this.events.push({ kind, channel, data: data() });
  }

  durable(): Promise<void> {
    return Promise.resolve();
  }

  loadSetting(name: string): unknown {
    const text = this.settings.get(name);
    return text === undefined ? undefined : JSON.parse(text);
  }

  /** what the store holds, e.g. to corrupt it in a test */
  setRaw(name: string, value: unknown): void {
    this.settings.set(name, JSON.stringify(value));
  }

  /** the data of the events published on the risk channel */
  riskEvents(): Array<Record<string, unknown>> {
    return this.events.flatMap((e) => (e.kind === 'risk' && e.channel === 'risk' ? [e.data as Record<string, unknown>] : []));
  }

  settingEntries(name: string): unknown[] {
    return this.entries.flatMap((e) => (e.type === 'setting' && e.name === name ? [e.value] : []));
  }
}

export interface Harness {
  risk: RiskEngine;
  clock: ManualClock;
  journal: FakeJournal;
  audit: MemoryAudit;
  open: { count: number; byScope: Map<string, number> };
}

/** A risk engine over a fake journal; `open.byScope` answers openOrders by "account symbol" key, else `open.count`. */
export function harness(deps: Partial<RiskEngineDeps> & { journal?: FakeJournal; clock?: ManualClock } = {}): Harness {
  const clock = deps.clock ?? new ManualClock(Date.UTC(2022, 0, 5));
  const journal = deps.journal ?? new FakeJournal();
  const audit = new MemoryAudit();
  const open = { count: 0, byScope: new Map<string, number>() };
  const risk = new RiskEngine({
    clock,
    journal,
    settings: journal,
    audit,
    openOrders: (account, symbol) => open.byScope.get([account ?? '', symbol ?? ''].join(' ').trim()) ?? open.count,
    ...deps,
  });
  return { risk, clock, journal, audit, open };
}

/** the RISK_REJECTED details of what `fn` throws, or 'passed' */
export function outcome(fn: () => void): 'passed' | Record<string, unknown> {
  try {
    fn();
    return 'passed';
  } catch (err) {
    const e = err as { code?: string; details?: Record<string, unknown>; message?: string };
    if (e.code !== 'RISK_REJECTED') throw err;
    return { ...e.details, message: e.message };
  }
}

export const SCOPES = [
  { name: 'global', scope: {} },
  { name: 'account', scope: { account: 'paper' } },
  { name: 'account+symbol', scope: { account: 'paper', symbol: 'BTC/USDT' } },
] as const;

export const scopeOf = (s: { account?: string; symbol?: string }) => ({ account: s.account ?? null, symbol: s.symbol ?? null });
