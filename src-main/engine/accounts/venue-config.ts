import type { EngineStore } from '../ports/store.js';

/**
 * How an account reaches its exchange beyond its record: the testnet and a
 * base_url. Journaled as the setting `account.<id>.venue` (the account record
 * has no room for it); never credentials, which live in the OS keychain only.
 */
export interface AccountVenueConfig {
  sandbox: boolean;
  baseUrl: string | null;
  /** live accounts: the exchange cancels resting orders this many seconds after Tern's last heartbeat; null: off */
  deadManSwitchS?: number | null;
}

export const venueConfigSetting = (account: string): string => `account.${account}.venue`;

export function readVenueConfig(store: Pick<EngineStore, 'loadSetting'>, account: string): AccountVenueConfig {
  const raw = store.loadSetting(venueConfigSetting(account)) as { sandbox?: unknown; base_url?: unknown; dead_man_switch_s?: unknown } | null | undefined;
  return {
    sandbox: raw?.sandbox === true,
    baseUrl: typeof raw?.base_url === 'string' ? raw.base_url : null,
    deadManSwitchS: typeof raw?.dead_man_switch_s === 'number' ? raw.dead_man_switch_s : null,
  };
}

/** the setting's value as journaled */
export function venueConfigValue(config: AccountVenueConfig): { sandbox: boolean; base_url: string | null; dead_man_switch_s?: number } {
  return { sandbox: config.sandbox, base_url: config.baseUrl, ...(config.deadManSwitchS ? { dead_man_switch_s: config.deadManSwitchS } : {}) };
}
