/**
 * Issue 9 item 15 (the log half): a log file that cannot be written (disk
 * full) never throws into the caller, never hangs an exit, drops lines and
 * counts them, and says how many once it can write again.
 */
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type LogFs, LogFile } from '../src-main/log-file.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/** the real fs, except that writes fail with ENOSPC while `full` */
function fullableFs(): { fs: LogFs; state: { full: boolean } } {
  const state = { full: false };
  const f: LogFs = {
    openSync: fs.openSync,
    closeSync: fs.closeSync,
    mkdirSync: fs.mkdirSync,
    chmodSync: fs.chmodSync,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      if (state.full) throw enospc();
      return fs.writeSync(...args);
    }) as typeof fs.writeSync,
  };
  return { fs: f, state };
}

describe('LogFile', () => {
  it('on ENOSPC: logging goes on without an error, lines are dropped and counted, and the count is written once the disk has room', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-log-'));
    dirs.push(dir);
    const file = join(dir, 'logs', 'tern.log');
    const { fs: f, state } = fullableFs();
    const dest = new LogFile(file, { fs: f, retryMs: 10 });
    const log = pino({}, dest);
    log.info('before');
    await new Promise<void>((r) => dest.flush(() => r()));

    state.full = true;
    for (let i = 0; i < 20; i++) log.info({ i }, 'while full');
    await vi.waitFor(() => expect(dest.failing).toBe('ENOSPC'));
    for (let i = 0; i < 5; i++) log.info({ i }, 'still full');
    expect(dest.dropped).toBe(25);
    // an exit while full does not hang or throw
    dest.flushSync();
    log.flush();

    state.full = false;
    await vi.waitFor(() => expect(dest.failing).toBeNull());
    log.info('after');
    await new Promise<void>((r) => dest.flush(() => r()));
    dest.end();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; dropped?: number });
    expect(lines.map((l) => l.msg)).toEqual(['before', 'log: 25 lines dropped while the log file could not be written (ENOSPC)', 'after']);
  });

  it('a process that exits right after creating the logger does not throw "sonic boom is not ready yet"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-log-'));
    dirs.push(dir);
    const dest = new LogFile(join(dir, 'tern.log'));
    pino({}, dest).info('at once');
    expect(() => dest.flushSync()).not.toThrow();
    dest.end();
    expect(readFileSync(join(dir, 'tern.log'), 'utf8')).toContain('at once');
  });

  it('a log folder that cannot be created: lines are dropped, nothing throws', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-log-'));
    dirs.push(dir);
    fs.writeFileSync(join(dir, 'logs'), 'a file where the folder should be');
    const dest = new LogFile(join(dir, 'logs', 'tern.log'), { retryMs: 60_000 });
    expect(() => pino({}, dest).info('nowhere')).not.toThrow();
    expect(dest.dropped).toBe(1);
    dest.end();
  });

  it('a disk that fills up in the middle of a write (a short write, then ENOSPC): the lines not wholly written are counted as dropped, and the file goes on with whole lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-log-'));
    dirs.push(dir);
    const file = join(dir, 'tern.log');
    // room for `room` more bytes: a write takes what fits and says how much (as write(2) does), the next one fails
    const state = { room: Infinity };
    const f: LogFs = {
      openSync: fs.openSync,
      closeSync: fs.closeSync,
      mkdirSync: fs.mkdirSync,
      chmodSync: fs.chmodSync,
      writeSync: ((fd: number, data: string | Uint8Array, offset?: number) => {
        if (state.room <= 0) throw enospc();
        const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength).subarray(offset ?? 0);
        const n = Math.min(bytes.length, state.room);
        state.room -= n;
        return fs.writeSync(fd, bytes.subarray(0, n));
      }) as typeof fs.writeSync,
    };
    const dest = new LogFile(file, { fs: f, retryMs: 10 });
    const log = pino({ base: null, timestamp: false }, dest);
    log.info('before');
    dest.flushSync();

    const line = `${JSON.stringify({ level: 30, i: 0, msg: 'while full' })}\n`.length;
    state.room = 2 * line + 5; // two whole lines and part of the third
    for (let i = 0; i < 10; i++) log.info({ i }, 'while full');
    dest.flushSync();
    expect(dest.failing).toBe('ENOSPC');
    expect(dest.dropped).toBe(8);

    state.room = Infinity;
    await vi.waitFor(() => expect(dest.failing).toBeNull());
    log.info('after');
    dest.end();
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    const whole = lines.filter((l) => l.startsWith('{') && l.endsWith('}')).map((l) => JSON.parse(l) as { msg: string; i?: number });
    expect(whole.map((l) => l.msg)).toEqual(['before', 'while full', 'while full', 'log: 8 lines dropped while the log file could not be written (ENOSPC)', 'after']);
    expect(whole.filter((l) => l.msg === 'while full').map((l) => l.i)).toEqual([0, 1]);
    // at most the torn start of the third line, on a line of its own
    expect(lines.length - whole.length).toBeLessThanOrEqual(1);
  });
});
