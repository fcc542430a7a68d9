import { createRequire } from 'node:module';
import { type SecretField, type SecretStore, describe, keychainUnavailable } from './secret-store.js';

/** The keychain service every Tern entry is filed under. */
export const KEYCHAIN_SERVICE = 'Tern';

interface KeyringEntry {
  setPassword(password: string): void;
  getPassword(): string | null;
  deletePassword(): boolean;
}
type EntryClass = new (service: string, username: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => KeyringEntry;

/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows
 * Credential Manager, the Secret Service on Linux. One entry per account and
 * field, named `ACCOUNT:FIELD` under the service "Tern".
 *
 * On Linux the Secret Service is required: the library would otherwise fall
 * back to the kernel keyring, which forgets everything at reboot. No
 * keychain means an error, never a plaintext file.
 */
export class KeychainSecretStore implements SecretStore {
  private entryClass: EntryClass | null = null;

  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  assertAvailable(): void {
    // Reading a missing entry reaches the backend (D-Bus, Keychain) without writing anything.
    try {
      this.entry('__tern_probe__', 'apiKey').getPassword();
    } catch (err) {
      throw keychainUnavailable(describe(err));
    }
  }

  set(account: string, field: SecretField, value: string): void {
    try {
      this.entry(account, field).setPassword(value);
    } catch (err) {
      throw keychainUnavailable(describe(err));
    }
  }

  get(account: string, field: SecretField): string | null {
    try {
      return this.entry(account, field).getPassword();
    } catch (err) {
      throw keychainUnavailable(describe(err));
    }
  }

  delete(account: string, field: SecretField): boolean {
    try {
      return this.entry(account, field).deletePassword();
    } catch (err) {
      throw keychainUnavailable(describe(err));
    }
  }

  private entry(account: string, field: SecretField): KeyringEntry {
    const Entry = this.load();
    const options = process.platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
    return new Entry(this.service, `${account}:${field}`, options);
  }

  /** Loaded on first use: a build without the native module still starts, and fails only when keys are needed. */
  private load(): EntryClass {
    if (this.entryClass) return this.entryClass;
    try {
      const require = createRequire(import.meta.url);
      this.entryClass = (require('@napi-rs/keyring') as { Entry: EntryClass }).Entry;
    } catch (err) {
      throw keychainUnavailable(`the keychain module could not be loaded (${describe(err)})`);
    }
    return this.entryClass;
  }
}
