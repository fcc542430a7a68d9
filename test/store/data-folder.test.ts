/**
 * Issue 9 item 13 (files): the data folder is the owner's only (0700), and
 * tern.db, its WAL/SHM and the logs 0600; looser modes already there are
 * tightened at start. POSIX only.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src-main/runtime.js';
import { prepareDataFolder } from '../../src-main/store/data-folder.js';
import { LogFile } from '../../src-main/log-file.js';
import { runtimeOptions } from './damage-fixtures.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const mode = (p: string) => statSync(p).mode & 0o777;

describe.skipIf(process.platform === 'win32')('data folder modes', () => {
  it('a new data folder, its store, WAL, SHM and log are the owner\'s only', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'tern-modes-'));
    dirs.push(parent);
    const dataDir = join(parent, 'Tern');
    prepareDataFolder(dataDir);
    const log = new LogFile(join(dataDir, 'logs', 'tern.log'));
    log.write('{"msg":"hello"}\n');
    await new Promise<void>((r) => log.flush(() => r()));
    const rt = await createRuntime(runtimeOptions(dataDir));
    try {
      await rt.api.call('orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.01' }, { actor: 'test' });
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'logs'))).toBe(0o700);
      expect(mode(join(dataDir, 'tern.db'))).toBe(0o600);
      expect(mode(join(dataDir, 'tern.db-wal'))).toBe(0o600);
      expect(mode(join(dataDir, 'tern.db-shm'))).toBe(0o600);
      expect(mode(join(dataDir, 'logs', 'tern.log'))).toBe(0o600);
    } finally {
      await rt.close();
      log.end();
    }
  });

  it('an existing folder with looser modes (0755/0644) is tightened at start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-loose-'));
    dirs.push(dataDir);
    const first = await createRuntime(runtimeOptions(dataDir));
    await first.close();
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    writeFileSync(join(dataDir, 'logs', 'tern.log'), '');
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'logs'), 0o755);
    chmodSync(join(dataDir, 'tern.db'), 0o644);
    chmodSync(join(dataDir, 'logs', 'tern.log'), 0o644);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    chmodSync(join(dataDir, 'notes.txt'), 0o644);

    const rt = await createRuntime(runtimeOptions(dataDir));
    await rt.close();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'logs'))).toBe(0o700);
    expect(mode(join(dataDir, 'tern.db'))).toBe(0o600);
    expect(mode(join(dataDir, 'logs', 'tern.log'))).toBe(0o600);
    // what is not Tern's keeps its mode (the folder already hides it)
    expect(mode(join(dataDir, 'notes.txt'))).toBe(0o644);
  });
});
