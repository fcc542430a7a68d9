import { BREAKER_LIMIT_NAMES } from '../../../src-common/contract/constants/risk.js';
import type { z } from 'zod';
import { TernError } from '../../../src-common/contract/errors.js';
import type { EventData } from '../../../src-common/contract/events.js';
import { SetRiskLimitsParams } from '../../../src-common/contract/methods.js';
import type { KillSwitchReport, Risk, RiskLimitsPatch, RiskState } from '../../../src-common/contract/schemas.js';
import { parseParams } from '../../../src-common/contract/validation.js';
import { iso, moneyOut } from '../dto.js';
import { type Decimal, str } from '../model/decimal.js';
import type { OrderRecord } from '../model/types.js';
import type { PreTradeCheck, PreTradeContext } from '../oms/pre-trade.js';
import type { Clock } from '../ports/clock.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import type { EngineStore, JournalEntry } from '../ports/store.js';
import { MemoryAudit, type RiskAudit } from './audit.js';
import { BreakerMemory, Breakers, type Trip } from './breakers.js';
import { type KillSwitchDeps, runKillSwitch } from './kill-switch.js';
import { DEFAULT_ACCOUNT_LIMITS, LimitBook, RISK_LIMIT_NAMES, type ResolvedLimit, ScopedLimitsList } from './limits.js';
import type { PortfolioView } from './portfolio-view.js';
import { RISK_SETTINGS, StoredDefaultedAccounts, StoredState, StoredTrips } from './risk-settings.js';
import { type OpenOrderCount, MaxOpenOrders } from './rules/max-open-orders.js';
import { maxOrderNotional } from './rules/max-order-notional.js';
import { maxOrderQuantity } from './rules/max-order-quantity.js';
import { MaxOrdersPerSecond } from './rules/max-orders-per-second.js';
import { maxPositionNotional } from './rules/max-position-notional.js';
import { priceBand } from './rules/price-band.js';
import type { PreTradeRule, RuleReading } from './rules/rule.js';
import { NO_WORKING_ORDERS, type TradingStatus, TradingStateGate, type WorkingOrders } from './trading-state.js';

/** The journal as the risk engine uses it: settings entries, audit entries, `risk` events. */
export interface RiskJournal {
  record(entry: JournalEntry): void;
  /** an event after the commit; `data` is called only if someone listens */
  publish(kind: 'risk', channel: string, data: () => EventData<'risk'>): void;
  durable(): Promise<void>;
}

export interface RiskEngineDeps {
  clock: Clock;
  journal: RiskJournal;
  /** where the persisted settings are read back at start (the store) */
  settings: Pick<EngineStore, 'loadSetting'>;
  /** working orders in a scope, for max_open_orders */
  openOrders: OpenOrderCount;
  /** working orders on one side of a position, for REDUCING; without it only the order itself is weighed */
  workingOrders?: WorkingOrders;
  /** the audit trail; by default the last 1000 decisions in memory */
  audit?: RiskAudit;
  log?: Logger;
  /** breaker trips kept for GET /api/v1/risk; default 100 */
  maxTrips?: number;
  /** limits each account gets once (applyAccountDefaults); default DEFAULT_ACCOUNT_LIMITS, {} for none */
  accountDefaults?: RiskLimitsPatch;
  /** a strategy's own position (the per-strategy ledger), for its max_position_notional */
  strategyPosition?: (strategy: string, account: string, symbol: string) => Decimal;
  /** whether a strategy of that id exists (a strategy scope is refused otherwise); without it any id is taken */
  strategyExists?: (strategy: string) => boolean;
  /** an API key's accounts and halt (per-bot keys), for the orders placed with it; undefined: an unknown key (nothing restricts it) */
  keyPolicy?: (keyId: string) => KeyPolicy | undefined;
}

/** what restricts the orders of one API key besides its limits */
export interface KeyPolicy {
  /** the accounts it may trade; absent: all */
  accounts?: readonly string[];
  halted?: { reason: string };
}

const USAGE_EVENT_INTERVAL_MS = 1000;
const NO_READINGS: readonly RuleReading[] = Object.freeze([]);

/**
 * The risk engine: every order and amendment passes it before it leaves the
 * process (it is the OMS's PreTradeCheck), whatever sent it and whichever
 * venue it goes to. It holds the trading state, the limits and the circuit
 * breakers, persists them through the journal so that a restart resumes them
 * (a crash never un-halts), writes every decision to the audit trail and
 * tells the `risk` channel what changed.
 *
 * Order of an order's checks: the trading state, then the pre-trade rules in
 * `rules` order. The instrument's own filters (minimums, increments) are the
 * OMS's (order-validation.ts) and run before.
 */
export class RiskEngine implements PreTradeCheck {
  private readonly clock: Clock;
  private readonly journal: RiskJournal;
  private readonly log: Logger;
  private readonly working: WorkingOrders;
  private readonly openOrders: OpenOrderCount;
  private readonly maxTrips: number;
  private readonly accountDefaults: RiskLimitsPatch;
  private readonly strategyPosition: RiskEngineDeps['strategyPosition'];
  private readonly strategyExists: RiskEngineDeps['strategyExists'];
  private readonly keyPolicy: RiskEngineDeps['keyPolicy'];
  /** accounts that were given the default limits once (persisted: a default the trader removed stays removed) */
  private defaulted = new Set<string>();
  readonly audit: RiskAudit;

  private limits = new LimitBook();
  private readonly gate: TradingStateGate;
  private breakers = new Breakers();
  private trips: StoredTrips = [];
  private readonly rate = new MaxOrdersPerSecond();
  private readonly rules: readonly PreTradeRule[];
  private lastUsageEvent = Number.NEGATIVE_INFINITY;
  /** while the store cannot be written: the halt's reason and the status it replaced */
  private storeHalt: { reason: string; before: TradingStatus } | null = null;

  constructor(deps: RiskEngineDeps) {
    this.clock = deps.clock;
    this.journal = deps.journal;
    this.log = deps.log ?? silentLogger;
    this.working = deps.workingOrders ?? NO_WORKING_ORDERS;
    this.openOrders = deps.openOrders;
    this.maxTrips = deps.maxTrips ?? 100;
    this.accountDefaults = deps.accountDefaults ?? DEFAULT_ACCOUNT_LIMITS;
    this.strategyPosition = deps.strategyPosition;
    this.strategyExists = deps.strategyExists;
    this.keyPolicy = deps.keyPolicy;
    this.audit = deps.audit ?? new MemoryAudit();
    // cheapest first; the rate bucket last, so that it is asked only about orders every other rule passed
    this.rules = [maxOrderQuantity, maxOrderNotional, priceBand, maxPositionNotional, new MaxOpenOrders(deps.openOrders), this.rate];
    this.gate = new TradingStateGate({ state: 'ACTIVE', reason: 'initial state', since: this.clock.now() });
    this.restore(deps.settings);
  }

  get status(): TradingStatus {
    return this.gate.status;
  }

  // ---- PreTradeCheck ----

  check(order: OrderRecord, context: PreTradeContext): void {
    const action = order.state === 'initialized' ? 'place' : 'amend';
    if (context.fromKillSwitch) {
      this.decide(order, action, context, null, NO_READINGS);
      return;
    }
    const readings: RuleReading[] = [];
    try {
      this.gate.check(order, context, this.working);
      this.eachLimit(order, context, (rule, ctx, limit) => {
        const r = rule.check(order, ctx, limit);
        if (r) readings.push(r);
      });
      if (order.keyId !== undefined) this.checkKey(order, context, readings);
    } catch (err) {
      this.decide(order, action, context, err instanceof TernError ? err : new TernError('INTERNAL', 'risk check failed'), readings);
      throw err;
    }
    this.decide(order, action, context, null, readings);
  }

  /**
   * orders.check: what `check` would refuse, by the same gate and rules, but
   * every refusal (a trader fixes them all at once) and nothing written to the
   * audit trail or the rate buckets.
   */
  preview(order: OrderRecord, context: PreTradeContext): TernError[] {
    if (context.fromKillSwitch) return [];
    const out: TernError[] = [];
    const attempt = (run: () => unknown) => {
      try {
        run();
      } catch (err) {
        out.push(err instanceof TernError ? err : new TernError('INTERNAL', 'risk check failed'));
      }
    };
    attempt(() => this.gate.check(order, context, this.working));
    this.eachLimit(order, context, (rule, ctx, limit) => attempt(() => rule.check(order, ctx, limit)));
    // a key's halt, accounts and own limits: the first of them that refuses
    if (order.keyId !== undefined) attempt(() => this.checkKey(order, context, []));
    return out;
  }

  /** each pre-trade limit set for the order, in rule order: the account's (narrowest scope), then its strategy's own, measured on its ledger */
  private eachLimit(order: OrderRecord, context: PreTradeContext, visit: (rule: PreTradeRule, context: PreTradeContext, limit: ResolvedLimit) => void): void {
    const resolved = this.limits.resolve(order.account, order.symbol);
    for (const rule of this.rules) {
      const limit = resolved[rule.name];
      if (limit) visit(rule, context, limit);
    }
    // a strategy's own limits: the same rules again, on its ledger, besides the account's
    const own = order.strategyId !== undefined ? this.limits.forStrategy(order.strategyId) : undefined;
    if (!own) return;
    const mine: PreTradeContext = { ...context, position: this.strategyPosition?.(order.strategyId!, order.account, order.symbol) ?? context.position };
    for (const rule of this.rules) {
      const limit = own.get(rule.name);
      if (limit) visit(rule, mine, limit);
    }
  }

  onAccepted(order: OrderRecord, context: PreTradeContext): void {
    if (context.fromKillSwitch) return;
    const limit = this.limits.resolve(order.account, order.symbol).max_orders_per_second;
    if (limit) this.rate.onAccepted(order, context, limit);
    const own = order.strategyId !== undefined ? this.limits.forStrategy(order.strategyId)?.get('max_orders_per_second') : undefined;
    if (own) this.rate.onAccepted(order, context, own);
    const key = order.keyId !== undefined ? this.limits.forKey(order.keyId)?.get('max_orders_per_second') : undefined;
    if (key) this.rate.onAccepted(order, context, key);
  }

  /**
   * An API key's own rules (per-bot keys): its halt, the accounts it may
   * trade, then its own limits, the same rules as the account's, besides them.
   */
  private checkKey(order: OrderRecord, context: PreTradeContext, readings: RuleReading[]): void {
    const keyId = order.keyId!;
    // halt and accounts stop new orders; an amendment of an order already working is weighed by the limits only
    const policy = order.state === 'initialized' ? this.keyPolicy?.(keyId) : undefined;
    if (policy?.halted) {
      throw new TernError('RISK_REJECTED', `key_halted: API key ${keyId} is halted (${policy.halted.reason}); its orders are refused until it is resumed`, { rule: 'key_halted', key_id: keyId });
    }
    if (policy?.accounts && !policy.accounts.includes(order.account)) {
      throw new TernError('RISK_REJECTED', `key_accounts: API key ${keyId} may trade only ${policy.accounts.join(', ')}, not ${order.account}`, {
        rule: 'key_accounts',
        field: 'account',
        key_id: keyId,
        accounts: [...policy.accounts],
      });
    }
    const own = this.limits.forKey(keyId);
    if (!own) return;
    for (const rule of this.rules) {
      const limit = own.get(rule.name);
      if (!limit) continue;
      const r = rule.check(order, context, limit);
      if (r) readings.push(r);
    }
  }

  /** an API key's own limits, as set (GET /api/v1/keys) */
  keyLimits(keyId: string): Record<string, string> {
    const own = this.limits.forKey(keyId);
    return own ? Object.fromEntries([...own.values()].map((l) => [l.name, str(l.limit)])) : {};
  }

  // ---- commands and queries ----

  /** `GET /api/v1/risk` */
  snapshot(): Risk {
    const { state, reason, since } = this.gate.status;
    return {
      state,
      reason,
      since: iso(since),
      limits: this.limits.list(),
      usage: {
        open_orders: this.limits.settings('max_open_orders').map((l) => ({
          account: l.scope.account,
          symbol: l.scope.symbol,
          value: String(this.openOrders(l.scope.account ?? undefined, l.scope.symbol ?? undefined)),
          limit: str(l.limit),
        })),
        orders_per_second: this.limits.settings('max_orders_per_second').map((l) => ({
          account: l.scope.account,
          symbol: l.scope.symbol,
          value: str(this.rate.used(l, this.clock.monotonic())),
          limit: str(l.limit),
        })),
        ...this.breakers.usage(this.limits),
      },
      breakers: this.trips.map((t) => ({ ...t, tripped_at: iso(t.tripped_at) })),
    };
  }

  /** `PUT /api/v1/risk/limits` for a caller that does not go through Engine.call: parsed and refused as the call would */
  setLimits(params: z.input<typeof SetRiskLimitsParams>): Risk {
    return this.applyLimits(parseParams(SetRiskLimitsParams, params));
  }

  /** `PUT /api/v1/risk/limits` with parameters already parsed (Engine.call): a value sets a limit of one scope, null removes it */
  applyLimits({ account, symbol, strategy, key, limits }: SetRiskLimitsParams): Risk {
    if (strategy !== undefined && this.strategyExists && !this.strategyExists(strategy)) {
      throw new TernError('NOT_FOUND', `strategy not found: ${strategy} (a strategy scope is set on a strategy that was started)`, { field: 'strategy', strategy });
    }
    if (key !== undefined && this.keyPolicy && !this.keyPolicy(key)) {
      throw new TernError('NOT_FOUND', `API key not found: ${key} (a key scope is set on a live key)`, { field: 'key', key });
    }
    this.limits.set(account, symbol, limits, strategy, key);
    this.persist(RISK_SETTINGS.limits, this.limits.list());
    this.log.info({ account, symbol, strategy, key, limits }, 'risk limits set');
    this.announce('limits');
    return this.snapshot();
  }

  /** `POST /api/v1/risk/state`. Leaving HALTED arms the breakers again (see breakers.ts). */
  setState(state: RiskState, reason: string, by = 'engine'): Risk {
    if (this.gate.status.state === 'HALTED' && state !== 'HALTED') {
      this.breakers.rearm();
      this.persist(RISK_SETTINGS.breakers, this.breakers.toJSON());
    }
    this.enter(state, reason, by);
    this.announce('state');
    return this.snapshot();
  }

  /**
   * Gives `account` the default limits (max_open_orders) the first time the
   * engine opens it, on a fresh install as on a store from before defaults
   * existed. A limit of that name the trader already set for the account or
   * globally is left alone (an account-scope default would shadow a global
   * one). Once per account ever: changed or removed afterwards, it stays so.
   */
  applyAccountDefaults(account: string): void {
    if (this.defaulted.has(account)) return;
    this.defaulted.add(account);
    const patch: RiskLimitsPatch = {};
    for (const name of RISK_LIMIT_NAMES) {
      const value = this.accountDefaults[name];
      if (value === undefined || value === null) continue;
      if (this.limits.at(account, name) || this.limits.at(null, name)) continue;
      patch[name] = value;
    }
    if (Object.keys(patch).length > 0) {
      this.limits.set(account, null, patch);
      this.persist(RISK_SETTINGS.limits, this.limits.list());
      this.log.info({ account, limits: patch }, 'default risk limits set for the account');
      this.announce('limits');
    }
    this.persist(RISK_SETTINGS.defaultedAccounts, [...this.defaulted]);
  }

  /** whether any breaker limit is set in any scope (without one, breakers only report usage) */
  get breakersArmed(): boolean {
    return BREAKER_LIMIT_NAMES.some((name) => this.limits.settings(name).length > 0) || this.strategyBreakers().length > 0;
  }

  /** strategies with breakers of their own (the engine values their ledgers for `evaluate`) */
  strategyBreakers(): string[] {
    return this.limits.strategiesSetting(BREAKER_LIMIT_NAMES);
  }

  /**
   * Told of each trip of a strategy's own breaker: the strategies feature
   * stops that strategy (status halted). Nothing else is halted.
   */
  onStrategyTrip: (trip: Trip) => void = () => {};

  /** a halted strategy starts again: its breakers arm again (breakers.ts rearmStrategy) */
  rearmStrategy(strategy: string): void {
    this.breakers.rearmStrategy(strategy);
    this.persist(RISK_SETTINGS.breakers, this.breakers.toJSON());
  }

  /**
   * Breakers, on a view of the portfolio: the engine calls this after fills
   * and on bars. A trip of a global or account breaker halts trading at
   * once; a strategy's own trip goes to onStrategyTrip (that strategy stops,
   * trading stays as it is). Returns the new trips.
   */
  evaluate(view: PortfolioView): Trip[] {
    const now = this.clock.now();
    const { trips, changed } = this.breakers.evaluate(view, now, this.limits);
    if (changed) this.persist(RISK_SETTINGS.breakers, this.breakers.toJSON());
    if (trips.length > 0) {
      for (const t of trips) {
        const strategy = t.strategy !== undefined ? { strategy: t.strategy } : {};
        // the breaker measured exactly; its value leaves at the output scale (dto.ts)
        const value = moneyOut(t.value);
        this.trips.push({ rule: t.rule, account: t.account, ...strategy, tripped_at: t.trippedAt, reason: t.reason, limit: str(t.limit), value });
        this.log.error({ rule: t.rule, account: t.account, ...strategy, limit: str(t.limit), value }, t.reason);
      }
      if (this.trips.length > this.maxTrips) this.trips = this.trips.slice(-this.maxTrips);
      this.persist(RISK_SETTINGS.trips, this.trips);
      const halting = trips.filter((t) => t.strategy === undefined);
      if (halting.length > 0) this.enter('HALTED', halting.map((t) => t.reason).join('; '), 'breaker');
      this.announce('trip', { trips: this.trips.slice(-trips.length).map((t) => ({ ...t, tripped_at: iso(t.tripped_at) })) });
      for (const t of trips) if (t.strategy !== undefined) this.onStrategyTrip(t);
    } else if (this.clock.monotonic() - this.lastUsageEvent >= USAGE_EVENT_INTERVAL_MS) {
      this.announce('usage', {}, true);
    }
    return trips;
  }

  /**
   * `POST /api/v1/risk/kill-switch`: HALTED at once (and on disk before
   * anything else), then every working order on every account canceled and,
   * with `flatten`, every position closed by reduce-only market orders, each
   * retried until it succeeds or the deadline passes (kill-switch.ts).
   */
  async killSwitch(params: { reason: string; flatten?: boolean }, deps: KillSwitchDeps): Promise<KillSwitchReport> {
    const started = this.clock.now();
    const flatten = params.flatten ?? false;
    this.enter('HALTED', `kill switch: ${params.reason}`, 'kill_switch');
    this.announce('state');
    try {
      await this.journal.durable();
    } catch (err) {
      // the store failing must not stop the cancels: the venues are what matters now
      this.log.error({ err: String(err) }, 'kill switch: the HALTED state could not be made durable; canceling anyway');
    }
    const outcome = await runKillSwitch(flatten, { ...deps, cancelReason: `kill switch: ${params.reason}` }, this.clock, this.log);
    const report: KillSwitchReport = { state: this.gate.status.state, ...outcome };
    this.persist(RISK_SETTINGS.killSwitch, { reason: params.reason, flatten, started_at: started, finished_at: this.clock.now(), report });
    this.announce('kill_switch', { report });
    this.log.info({ canceled: report.canceled.length, failed: report.failed.length, flattened: report.flattened.length }, 'kill switch done');
    try {
      await this.journal.durable();
    } catch (err) {
      this.log.error({ err: String(err) }, 'kill switch: its report could not be made durable');
    }
    return report;
  }

  /**
   * The store cannot be written (disk full, read-only file): HALTED with why.
   * In memory only, since nothing can be persisted now; a restart checks the
   * store again.
   */
  haltForStore(reason: string): void {
    if (this.storeHalt) return;
    this.storeHalt = { reason, before: this.gate.status };
    this.gate.set('HALTED', reason, this.clock.now());
    this.log.error({ state: 'HALTED', reason, by: 'store' }, 'trading state');
    this.announce('state');
  }

  /** The store works again: back to the state from before the halt, unless someone or a breaker changed it since. */
  resumeFromStore(): void {
    const halt = this.storeHalt;
    if (!halt) return;
    this.storeHalt = null;
    const now = this.gate.status;
    if (now.state !== 'HALTED' || now.reason !== halt.reason) return;
    this.gate.set(halt.before.state, halt.before.reason, halt.before.since);
    this.log.info({ state: halt.before.state, reason: halt.before.reason, by: 'store' }, 'trading state');
    this.announce('state');
  }

  // ---- internals ----

  private enter(state: RiskState, reason: string, by: string): void {
    const status = this.gate.set(state, reason, this.clock.now());
    const stored: StoredState = { ...status, by };
    this.persist(RISK_SETTINGS.state, stored);
    this.log.info({ state, reason, by }, 'trading state');
  }

  private persist(name: string, value: unknown): void {
    this.journal.record({ type: 'setting', name, value, ts: this.clock.now() });
  }

  /**
   * A `risk` event: what happened and the whole picture after it. The picture
   * is taken now for changes (so each shows the state it made), and only when
   * the event goes out for the frequent usage updates (none if nobody listens).
   */
  private announce(event: 'state' | 'limits' | 'trip' | 'usage' | 'kill_switch', extra: Record<string, unknown> = {}, lazy = false): void {
    this.lastUsageEvent = this.clock.monotonic();
    if (lazy) {
      this.journal.publish('risk', 'risk', () => ({ event, ...extra, ...this.snapshot() }));
      return;
    }
    const data = { event, ...extra, ...this.snapshot() };
    this.journal.publish('risk', 'risk', () => data);
  }

  private decide(order: OrderRecord, action: 'place' | 'amend', context: PreTradeContext, refusal: TernError | null, readings: readonly RuleReading[]): void {
    this.audit.record({
      ts: context.now,
      action,
      order,
      state: this.gate.status.state,
      fromKillSwitch: context.fromKillSwitch,
      allowed: refusal === null,
      rule: refusal ? String(refusal.details?.rule ?? refusal.code) : null,
      message: refusal ? refusal.message : null,
      readings,
    });
  }

  /** Reads the persisted settings back. Anything unreadable halts: a restart must never un-halt by accident. */
  private restore(settings: Pick<EngineStore, 'loadSetting'>): void {
    const problems: string[] = [];
    const read = <T>(name: string, schema: z.ZodType<T>): T | undefined => {
      let raw: unknown;
      try {
        raw = settings.loadSetting(name);
      } catch (err) {
        problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
      if (raw === undefined || raw === null) return undefined;
      const parsed = schema.safeParse(raw);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      problems.push(`${name}: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`);
      return undefined;
    };
    const limits = read(RISK_SETTINGS.limits, ScopedLimitsList);
    if (limits) this.limits = LimitBook.fromList(limits);
    const trips = read(RISK_SETTINGS.trips, StoredTrips);
    if (trips) this.trips = trips;
    const defaulted = read(RISK_SETTINGS.defaultedAccounts, StoredDefaultedAccounts);
    if (defaulted) this.defaulted = new Set(defaulted);
    const memory = read(RISK_SETTINGS.breakers, BreakerMemory);
    if (memory) this.breakers = Breakers.load(memory);
    const state = read(RISK_SETTINGS.state, StoredState);
    if (state) this.gate.set(state.state, state.reason, state.since);
    if (problems.length > 0) {
      const reason = `risk settings could not be read (${problems.join('; ')}); halted until they are checked`;
      this.log.error({ problems }, reason);
      this.enter('HALTED', reason, 'engine');
    }
    if (state) this.log.info({ state: state.state, reason: state.reason, limits: this.limits.size }, 'risk state restored');
  }
}

