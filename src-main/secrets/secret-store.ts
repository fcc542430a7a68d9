// The port (SecretStore and its credential helpers) lives with the engine's other ports; the
// keychain and the in-memory store here implement it.
import { type SecretField, type SecretStore, keychainUnavailable } from '../engine/ports/secret-store.js';

export * from '../engine/ports/secret-store.js';

/** Secrets in memory: tests, and a process that must never persist keys. */
export class MemorySecretStore implements SecretStore {
  private readonly entries = new Map<string, string>();
  constructor(private readonly available = true) {}
  assertAvailable(): void {
    if (!this.available) throw keychainUnavailable('this store was made unavailable');
  }
  set(account: string, field: SecretField, value: string): void {
    this.assertAvailable();
    this.entries.set(`${account}:${field}`, value);
  }
  get(account: string, field: SecretField): string | null {
    return this.entries.get(`${account}:${field}`) ?? null;
  }
  delete(account: string, field: SecretField): boolean {
    return this.entries.delete(`${account}:${field}`);
  }
  get size(): number {
    return this.entries.size;
  }
}
