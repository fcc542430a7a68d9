import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DataFolderLocked, LOCK_FILE, lockDataFolder } from '../../src-main/store/data-folder-lock.js';

const HOLDER = join(import.meta.dirname, '..', 'fixtures', 'hold-data-folder-lock.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'tern-lock-'));
  dirs.push(d);
  return d;
}

function refusal(fn: () => unknown): DataFolderLocked {
  try {
    fn();
  } catch (err) {
    if (err instanceof DataFolderLocked) return err;
    throw err;
  }
  throw new Error('the second lock was granted');
}

/** a separate process holding the lock on `dir`, once it says so */
async function holder(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
  });
  return child;
}

describe('data folder lock', () => {
  it('refuses a second holder with the folder and the first holder pid, and lets the next in after release', () => {
    const dir = folder();
    const first = lockDataFolder(dir);
    const refused = refusal(() => lockDataFolder(dir));
    expect(refused.message).toBe(`Tern is already running on ${dir} (pid ${process.pid})`);
    expect(refused.pid).toBe(process.pid);
    first.release();
    first.release();
    const next = lockDataFolder(dir);
    next.release();
  });

  it('still locks when its pid cannot be written (a full disk), and never names a pid that is not running', () => {
    const dir = folder();
    // a lock file whose pid write fails, holding the pid of a process that has ended
    const ended = spawnSync(process.execPath, ['-e', '0']).pid!;
    const prepared = new Database(join(dir, LOCK_FILE));
    prepared.exec('CREATE TABLE holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since INTEGER NOT NULL)');
    prepared.prepare('INSERT INTO holder VALUES (?, ?, ?)').run(ended, 'h', 0);
    prepared.exec("CREATE TRIGGER full BEFORE INSERT ON holder BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    prepared.close();

    const first = lockDataFolder(dir);
    const refused = refusal(() => lockDataFolder(dir));
    expect(refused.message).toBe(`Tern is already running on ${dir}`);
    first.release();
  });

  it('refuses while another process holds it, and is free again once that process is killed with SIGKILL', async () => {
    const dir = folder();
    const child = await holder(dir);
    try {
      const refused = refusal(() => lockDataFolder(dir));
      expect(refused.pid).toBe(child.pid);
      expect(refused.message).toContain(`(pid ${child.pid})`);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    // no stale lock to clean up: the OS released it with the process
    const lock = lockDataFolder(dir);
    lock.release();
  });
});
