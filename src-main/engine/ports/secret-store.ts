import { TernError } from '../../../src-common/contract/errors.js';

/** The credential fields an exchange account may have; each is one keychain entry. */
export const SECRET_FIELDS = ['apiKey', 'secret', 'password'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];
export type Credentials = Partial<Record<SecretField, string>>;

/**
 * Where exchange credentials live: the OS keychain, and nowhere else (not
 * SQLite, not logs, not API responses). Calls are synchronous: a venue is
 * built synchronously when its account opens.
 */
export interface SecretStore {
  /** throws TernError CONFLICT with a clear message when no keychain can be used */
  assertAvailable(): void;
  set(account: string, field: SecretField, value: string): void;
  get(account: string, field: SecretField): string | null;
  /** true when an entry was removed */
  delete(account: string, field: SecretField): boolean;
}

export function keychainUnavailable(cause: string): TernError {
  return new TernError(
    'CONFLICT',
    `no OS keychain is available, so Tern cannot store exchange API keys (it never stores them anywhere else): ${cause}. ` +
      'On Linux, run a Secret Service (gnome-keyring or KWallet) in the desktop session; on macOS and Windows the system keychain is used.',
    { reason: 'keychain_unavailable' },
  );
}

/** All credential fields of an account that are set. */
export function loadCredentials(store: SecretStore, account: string): Credentials {
  const out: Credentials = {};
  for (const field of SECRET_FIELDS) {
    const value = store.get(account, field);
    if (value !== null) out[field] = value;
  }
  return out;
}

/** Stores every given field; on failure removes what it stored, so an account never has half its keys. */
export function saveCredentials(store: SecretStore, account: string, credentials: Credentials): void {
  store.assertAvailable();
  const written: SecretField[] = [];
  try {
    for (const field of SECRET_FIELDS) {
      const value = credentials[field];
      if (value === undefined) continue;
      store.set(account, field, value);
      written.push(field);
    }
  } catch (err) {
    for (const field of written) {
      try {
        store.delete(account, field);
      } catch {
        // best effort: the original failure is the one to report
      }
    }
    throw err instanceof TernError ? err : keychainUnavailable(describe(err));
  }
}

/** Removes every credential entry of an account; returns the fields removed. */
export function deleteCredentials(store: SecretStore, account: string): SecretField[] {
  return SECRET_FIELDS.filter((field) => store.delete(account, field));
}

/** An error's message, for a TernError's text (keychain errors never contain the secret). */
export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
