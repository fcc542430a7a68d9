import { TernError } from '../../../src-common/contract/errors.js';
import type { KillSwitchReport } from '../../../src-common/contract/schemas.js';
import { type Decimal, str } from '../model/decimal.js';
import { type OrderState, isTerminal } from '../model/order-state.js';
import type { OrderRecord } from '../model/types.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';

/** What the kill switch needs of the OMS (the engine's Oms fits it). */
export interface KillSwitchOms {
  activeOrders(filter?: { account?: string; symbol?: string }): ReadonlyArray<Pick<OrderRecord, 'id' | 'account' | 'symbol' | 'state' | 'reduceOnly'>>;
  find(id: string): Pick<OrderRecord, 'id' | 'state'> | undefined;
  /** cancels one order, the order keeping `reason`; throws when the venue refuses or does not answer */
  cancelOrder(id: string, reason?: string): Promise<Pick<OrderRecord, 'id' | 'state'>>;
  /** a reduce-only market order for the whole position */
  closePosition(account: string, symbol: string, quantity: undefined, opts: { fromKillSwitch: boolean }): Promise<Pick<OrderRecord, 'id' | 'state' | 'quantity'>>;
}

export interface KillSwitchDeps {
  oms: KillSwitchOms;
  /** every position, flat ones allowed */
  positions(): ReadonlyArray<{ account: string; symbol: string; quantity: Decimal }>;
  /** what each canceled order says it was canceled for ("kill switch: <reason>") */
  cancelReason?: string;
  /** waits between retries (tests pass one that advances a manual clock) */
  sleep?(ms: number): Promise<void>;
  /** how long cancels are retried before flattening goes ahead anyway; default 10 s */
  cancelDeadlineMs?: number;
  /** how long the whole kill switch keeps trying; default 30 s */
  deadlineMs?: number;
  /** first wait between retries, doubled each time up to maxRetryMs; defaults 100 ms and 2 s */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

type Report = Omit<KillSwitchReport, 'state'>;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** errors that another try cannot fix: the kill switch stops trying that position */
const FINAL_CODES = new Set(['BAD_REQUEST', 'INVALID_ORDER', 'NOT_FOUND', 'RISK_REJECTED', 'FORBIDDEN']);

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Cancels every working order on every account and, with `flatten`, closes
 * every position, retrying what fails with backoff until a deadline. The
 * caller has halted trading before: nothing new can be placed meanwhile.
 *
 * Cancels come first, so that a resting order cannot reopen or flip a
 * position once it is closed; if some still fail at the cancel deadline,
 * flattening goes ahead anyway and those orders are reported.
 *
 * A cancel is retried until the order is no longer working (the venue
 * confirmed it). A close is sent again only when the previous close order is
 * finished (rejected, or filled and the position is still open) and no
 * reduce-only order is working on that position: a close that got no answer
 * stays pending until reconciliation, it is never sent again blindly.
 */
export async function runKillSwitch(flatten: boolean, deps: KillSwitchDeps, clock: Clock, log?: Logger): Promise<Report> {
  const sleep = deps.sleep ?? defaultSleep;
  // deadlines are durations: a wall clock set back mid-switch must not keep it retrying for hours
  const start = clock.monotonic();
  const deadline = start + (deps.deadlineMs ?? 30_000);
  const cancelDeadline = Math.min(deadline, start + (deps.cancelDeadlineMs ?? 10_000));
  const first = deps.firstRetryMs ?? 100;
  const max = deps.maxRetryMs ?? 2_000;
  const { oms } = deps;

  // ---- cancels ----
  const targeted = new Set<string>();
  const cancelErrors = new Map<string, string>();
  for (let delay = first; ; delay = Math.min(delay * 2, max)) {
    const working = oms.activeOrders();
    if (working.length === 0) break;
    await Promise.all(
      working.map(async (o) => {
        targeted.add(o.id);
        try {
          await oms.cancelOrder(o.id, deps.cancelReason);
          cancelErrors.delete(o.id);
        } catch (err) {
          cancelErrors.set(o.id, message(err));
        }
      }),
    );
    if (oms.activeOrders().length === 0) break;
    if (clock.monotonic() + delay > cancelDeadline) break;
    await sleep(delay);
  }
  const report: Report = { canceled: [], failed: [], flattened: [] };
  for (const id of targeted) if (oms.find(id)?.state === 'canceled') report.canceled.push(id);
  for (const o of oms.activeOrders()) {
    report.failed.push({ id: o.id, action: 'cancel', error: cancelErrors.get(o.id) ?? `still ${o.state}: the venue has not confirmed the cancel` });
  }
  if (report.failed.length) log?.error({ failed: report.failed.length }, 'kill switch: some orders could not be canceled');
  if (!flatten) return report;

  // ---- flatten ----
  const key = (p: { account: string; symbol: string }) => `${p.account}:${p.symbol}`;
  const lastClose = new Map<string, { id: string; state: OrderState }>();
  const closeErrors = new Map<string, string>();
  const givenUp = new Set<string>();
  const open = () => deps.positions().filter((p) => !p.quantity.isZero() && !givenUp.has(key(p)));
  for (let delay = first; ; delay = Math.min(delay * 2, max)) {
    const positions = open();
    if (positions.length === 0) break;
    await Promise.all(
      positions.map(async (p) => {
        const k = key(p);
        const previous = lastClose.get(k);
        if (previous && !isTerminal(oms.find(previous.id)?.state ?? previous.state)) return;
        if (oms.activeOrders({ account: p.account, symbol: p.symbol }).some((o) => o.reduceOnly)) return;
        try {
          const order = await oms.closePosition(p.account, p.symbol, undefined, { fromKillSwitch: true });
          lastClose.set(k, { id: order.id, state: order.state });
          if (order.state === 'rejected') closeErrors.set(k, `close order ${order.id} was rejected`);
          else {
            closeErrors.delete(k);
            report.flattened.push({ account: p.account, symbol: p.symbol, order_id: order.id, quantity: str(order.quantity) });
          }
        } catch (err) {
          closeErrors.set(k, message(err));
          if (err instanceof TernError && FINAL_CODES.has(err.code)) givenUp.add(k);
        }
      }),
    );
    if (open().length === 0) break;
    if (clock.monotonic() + delay > deadline) break;
    await sleep(delay);
  }
  for (const p of deps.positions()) {
    if (p.quantity.isZero()) continue;
    const k = key(p);
    const pending = lastClose.get(k);
    const error =
      closeErrors.get(k) ??
      (pending ? `close order ${pending.id} is still ${oms.find(pending.id)?.state ?? pending.state}` : `position ${str(p.quantity)} is still open`);
    report.failed.push({ id: k, action: 'close', error });
  }
  return report;
}
