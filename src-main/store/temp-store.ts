import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenOptions, SqliteStore } from './sqlite-store.js';

export interface TempStore {
  store: SqliteStore;
  /** the database file, to reopen it */
  file: string;
  /** closes the store if open and deletes its folder */
  dispose(): void;
}

/** A store in a fresh folder under os.tmpdir() (tests and benches). */
export function openTempStore(opts: OpenOptions = {}): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'tern-store-'));
  const file = join(dir, 'tern.db');
  const store = SqliteStore.open(file, opts);
  return {
    store,
    file,
    dispose() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
