import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** the store's file and SQLite's companions, which carry the same data */
const STORE_FILE = /^tern\.(db(-wal|-shm|-journal)?|lock)$/;

/**
 * Creates the data folder for one user only (0700) and tightens what is
 * already there: the folder and its logs/ 0700, tern.db with its WAL/SHM and
 * the log files 0600. Orders, balances and key hashes are nobody else's
 * business. POSIX only: Windows folders under the user's profile are
 * private by their ACLs, and chmod there only toggles read-only.
 */
export function prepareDataFolder(dir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'logs'), { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  tighten(dir);
  tighten(join(dir, 'logs'));
  for (const name of readdirSync(dir)) if (STORE_FILE.test(name)) tighten(join(dir, name));
  for (const name of readdirSync(join(dir, 'logs'))) tighten(join(dir, 'logs', name));
}

/**
 * Removes the group's and others' bits: folders become 0700, files 0600 (new
 * ones are created so). The owner's bits stay: a file the trader made
 * read-only stays read-only (the start-up checks say so).
 */
function tighten(path: string): void {
  let current: number;
  try {
    const st = statSync(path);
    if (!st.isFile() && !st.isDirectory()) return;
    current = st.mode & 0o777;
  } catch {
    return;
  }
  const wanted = current & 0o700;
  if (wanted === current) return;
  try {
    chmodSync(path, wanted);
  } catch {
    // a file we do not own: its owner decides (the start-up checks say what cannot be written)
  }
}
