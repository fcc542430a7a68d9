import { z } from 'zod';
import { DecimalString, RiskState } from '../../../src-common/contract/schemas.js';

/**
 * How the risk engine persists itself: `setting` journal entries, projected
 * by the store and read back with `loadSetting` at start. Each entry holds the
 * whole current value; the journal keeps every one (every state change, every
 * limit change, every trip).
 */
export const RISK_SETTINGS = {
  state: 'risk.state',
  limits: 'risk.limits',
  trips: 'risk.trips',
  breakers: 'risk.breakers',
  /** each kill switch and its report (history only: nothing is restored from it) */
  killSwitch: 'risk.kill_switch',
  /** the accounts already given the default limits (RiskEngine.applyAccountDefaults) */
  defaultedAccounts: 'risk.defaulted_accounts',
} as const;

export const StoredDefaultedAccounts = z.array(z.string());

export const StoredState = z.object({
  state: RiskState,
  reason: z.string(),
  since: z.number().int(),
  /** who set it: an API key id, 'ui', 'engine', 'breaker', 'kill_switch' */
  by: z.string().optional(),
});
export type StoredState = z.infer<typeof StoredState>;

export const StoredTrips = z.array(
  z.object({
    rule: z.enum(['max_daily_loss', 'max_drawdown_pct', 'max_consecutive_losses']),
    account: z.string().nullable(),
    strategy: z.string().optional(),
    tripped_at: z.number().int(),
    reason: z.string(),
    limit: DecimalString,
    value: DecimalString,
  }),
);
export type StoredTrips = z.infer<typeof StoredTrips>;
