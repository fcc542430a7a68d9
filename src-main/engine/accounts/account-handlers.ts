import { TernError, badRequest, conflict, notFound } from '../../../src-common/contract/errors.js';
import type { Handlers } from '../../../src-common/contract/methods.js';
import type { Account } from '../../../src-common/contract/schemas.js';
import { type SecretStore, deleteCredentials, saveCredentials } from '../../engine/ports/secret-store.js';
import { accountDto, reconcileResultDto } from '../dto.js';
import type { Journal } from '../journal.js';
import type { AccountRecord } from '../model/types.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import { type AccountVenueConfig, venueConfigSetting, venueConfigValue } from './venue-config.js';

export type AccountMethod = 'accounts.create' | 'accounts.update' | 'accounts.delete' | 'reconcile.run';
export type AccountHandlers = Pick<Handlers, AccountMethod>;

export interface AccountHandlerDeps {
  clock: Clock;
  log: Logger;
  /** the engine's journal: commands answer once what they changed is durable */
  journal: Journal;
  /** the OS keychain; without one, live accounts cannot be added */
  secrets: SecretStore | undefined;
  /** balances of a new paper account when the request gives none */
  paperBalances: Record<string, string>;
  reconciler: Reconciler;
  /** the open account with this id */
  find(id: string): AccountRecord | undefined;
  /** working orders of an account */
  workingOrders(id: string): number;
  /** a new paper account's starting balances, in the portfolio and the journal, before its venue opens */
  seedBalances(account: string, balances: Record<string, string>): void;
  /** builds the account's venue and brings it up (throws when it cannot) */
  open(record: AccountRecord): Promise<void>;
  /** takes an open account down (venue stopped, reconciliation detached) */
  close(id: string): Promise<void>;
  /** the account's journaled venue settings */
  venueConfig(id: string): AccountVenueConfig;
  /** changes an open account's dead-man switch at once (false: no open venue; the setting applies when it opens) */
  setDeadManSwitch(id: string, timeoutS: number | null): Promise<boolean>;
  /** the account with its live status (a key the exchange refused shows at once) */
  describe?(record: AccountRecord): Account;
}

/**
 * accounts.create, accounts.update, accounts.delete and reconcile.run for the engine's
 * handler map: `{ ...accountHandlers(deps), ... }`.
 *
 * Adding: the keys go to the keychain first (no keychain, no live account),
 * the venue settings are journaled, the venue is opened (markets loaded, first
 * reconciliation), and only then is the account journaled; a failure on the
 * way removes the keys again. Removing: refused while orders work; the
 * keychain entries go first, then the account is journaled as deleted.
 */
export function accountHandlers(deps: AccountHandlerDeps): AccountHandlers {
  return {
    'accounts.create': async (p) => {
      if (deps.find(p.id)) throw conflict(`account ${p.id} already exists`, { id: p.id });
      const now = deps.clock.now();
      const record: AccountRecord = {
        id: p.id,
        exchange: p.exchange,
        mode: p.mode,
        status: 'active',
        startingBalances: p.mode === 'paper' ? (p.starting_balances ?? deps.paperBalances) : {},
        createdAt: now,
      };
      const live = p.mode === 'live';
      if (live) {
        if (!deps.secrets) throw new TernError('CONFLICT', 'no OS keychain is configured, so Tern cannot store exchange API keys', { reason: 'keychain_unavailable' });
        saveCredentials(deps.secrets, p.id, { apiKey: p.api_key, secret: p.secret, ...(p.password !== undefined ? { password: p.password } : {}) });
      }
      try {
        if (!live) deps.seedBalances(p.id, record.startingBalances);
        deps.journal.record({ type: 'setting', name: venueConfigSetting(p.id), value: venueConfigValue({ sandbox: p.sandbox, baseUrl: p.base_url ?? null, deadManSwitchS: p.dead_man_switch_s ?? null }), ts: now });
        deps.journal.flush();
        await deps.open(record);
      } catch (err) {
        if (live && deps.secrets) deleteCredentials(deps.secrets, p.id);
        throw err;
      }
      deps.journal.record({ type: 'account', account: record });
      await deps.journal.durable();
      deps.log.info({ account: p.id, exchange: p.exchange, mode: p.mode }, 'account added');
      return deps.describe ? deps.describe(record) : accountDto(record);
    },
    'accounts.update': async ({ id, dead_man_switch_s: timeoutS }) => {
      const record = deps.find(id);
      if (!record) throw notFound('account', id);
      if (record.mode !== 'live') throw badRequest(`account ${id} is a paper account: only a live account has orders on an exchange to cancel`, { field: 'dead_man_switch_s', rule: 'live_only' });
      const shown = deps.describe?.(record).dead_man_switch;
      if (timeoutS !== null && shown?.available === false) throw badRequest(shown.reason ?? `${record.exchange} has no dead-man switch`, { field: 'dead_man_switch_s', rule: 'unavailable' });
      // the exchange first: a switch it would not take off stays as it was, and so does the setting
      try {
        await deps.setDeadManSwitch(id, timeoutS);
      } catch (err) {
        throw new TernError('VENUE_UNAVAILABLE', err instanceof Error ? err.message : String(err), { field: 'dead_man_switch_s' });
      }
      deps.journal.record({ type: 'setting', name: venueConfigSetting(id), value: venueConfigValue({ ...deps.venueConfig(id), deadManSwitchS: timeoutS }), ts: deps.clock.now() });
      await deps.journal.durable();
      deps.log.info({ account: id, deadManSwitchS: timeoutS }, 'dead-man switch changed');
      return deps.describe ? deps.describe(record) : accountDto(record);
    },
    'accounts.delete': async ({ id }) => {
      const record = deps.find(id);
      if (!record) throw notFound('account', id);
      const working = deps.workingOrders(id);
      if (working > 0) throw conflict(`account ${id} has ${working} working order(s); cancel them first`, { id, working });
      if (record.mode === 'live' && deps.secrets) deleteCredentials(deps.secrets, id);
      await deps.close(id);
      const deleted: AccountRecord = { ...record, status: 'deleted' };
      deps.journal.record({ type: 'account', account: deleted });
      deps.journal.record({ type: 'setting', name: venueConfigSetting(id), value: { deleted: true }, ts: deps.clock.now() });
      await deps.journal.durable();
      deps.log.info({ account: id }, 'account removed');
      return accountDto(deleted);
    },
    'reconcile.run': async ({ account }) => {
      if (account !== undefined) {
        if (!deps.find(account)) throw notFound('account', account);
        return reconcileResultDto(account, [await deps.reconciler.run(account, 'requested')]);
      }
      const reports = await Promise.all(deps.reconciler.accountsAttached().map((a) => deps.reconciler.run(a, 'requested')));
      return reconcileResultDto(null, reports);
    },
  };
}
