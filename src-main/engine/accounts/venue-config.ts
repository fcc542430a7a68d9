import type { EngineStore } from '../ports/store.js';

/**
 * How an account reaches its exchange beyond its record: the testnet and a
 * base_url. Journaled as the setting `account.<id>.venue` (the account record
 * has no room for it); never credentials, which live in the OS keychain only.
 */
export interface AccountVenueConfig {
  sandbox: boolean;
  baseUrl: string | null;
}

export const venueConfigSetting = (account: string): string => `account.${account}.venue`;

export function readVenueConfig(store: Pick<EngineStore, 'loadSetting'>, account: string): AccountVenueConfig {
  const raw = store.loadSetting(venueConfigSetting(account)) as { sandbox?: unknown; base_url?: unknown } | null | undefined;
  return {
    sandbox: raw?.sandbox === true,
    baseUrl: typeof raw?.base_url === 'string' ? raw.base_url : null,
  };
}

/** the setting's value as journaled */
export function venueConfigValue(config: AccountVenueConfig): { sandbox: boolean; base_url: string | null } {
  return { sandbox: config.sandbox, base_url: config.baseUrl };
}
