import type { KeyUsage } from '../../../src-common/contract/schemas.js';
import type { z } from 'zod';
import { type Decimal, ZERO, str } from '../model/decimal.js';
import { type OrderRecord, remaining } from '../model/types.js';
import type { EngineStore } from '../ports/store.js';
import type { KeyPolicy } from '../risk/risk-engine.js';
import type { KeyRing } from './api-keys.js';

const DAY_MS = 86_400_000;
/** orders.list reads at most this many of a key's orders for its day count */
const ORDERS_READ = 100_000;

/** what restricts a live key's orders besides its limits (the risk engine's keyPolicy); undefined: no such live key */
export function keyPolicyOf(ring: KeyRing, keyId: string): KeyPolicy | undefined {
  const record = ring.get(keyId);
  if (!record || !ring.live(record)) return undefined;
  return { ...(record.accounts ? { accounts: record.accounts } : {}), ...(record.halted ? { halted: { reason: record.halted.reason } } : {}) };
}

export interface KeyUsageSources {
  orders: Pick<EngineStore, 'queryOrders'>;
  /** every working order (the OMS's, in memory) */
  active: readonly OrderRecord[];
  mid: (account: string, symbol: string) => Decimal | undefined;
  now: number;
}

/**
 * A key's usage for GET /api/v1/keys: its orders today and in the last second
 * (from the store, so a restart keeps the day's count), and its working
 * orders and their notional (from the OMS).
 */
export function keyUsage(keyId: string, src: KeyUsageSources): z.infer<typeof KeyUsage> {
  const dayStart = Math.floor(src.now / DAY_MS) * DAY_MS;
  let today = 0;
  let lastSecond = 0;
  // newest first: stop at the first order placed before today
  for (const o of src.orders.queryOrders({ status: 'all', key: keyId, limit: ORDERS_READ })) {
    if (o.createdAt < dayStart) break;
    today++;
    if (o.createdAt > src.now - 1000) lastSecond++;
  }
  let open = 0;
  let notional = ZERO;
  for (const o of src.active) {
    if (o.keyId !== keyId) continue;
    open++;
    const price = o.price ?? o.stopPrice ?? src.mid(o.account, o.symbol);
    if (price) notional = notional.add(remaining(o).mul(price));
  }
  return { orders_today: today, open_orders: open, open_notional: str(notional), orders_last_second: lastSecond };
}
