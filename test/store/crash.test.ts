import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { openTempStore, type TempStore } from '../../src-main/store/temp-store.js';

const CHILD = fileURLToPath(new URL('./fixtures/commit-loop.ts', import.meta.url));
const BATCH = 140; // fixtures/commit-loop.ts

let temp: TempStore | undefined;
afterEach(() => temp?.dispose());

/** Runs the commit loop in a child process and SIGKILLs it once it has committed `commits` batches; returns the last seq it reported. */
function commitThenKill(file: string, commits: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let reported = 0;
    let lines = 0;
    let stderr = '';
    let buffer = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const p of parts) {
        reported = Number(p);
        lines++;
      }
      if (lines >= commits && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(reported);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('a process killed during a stream of commits', () => {
  it('leaves a file that reopens consistent: whole batches only, projections current, verify ok', async () => {
    temp = openTempStore();
    temp.store.close();
    const reported = await commitThenKill(temp.file, 40);

    expect(reported).toBeGreaterThanOrEqual(40 * BATCH);

    const store = SqliteStore.open(temp.file);
    // every batch the child saw committed is there; a batch cut by the kill is wholly absent or wholly present
    expect(store.journalSeq).toBeGreaterThanOrEqual(reported);
    expect(store.journalSeq % BATCH).toBe(0);
    expect(store.verify()).toEqual({ ok: true, mismatches: [] });
    const orders = store.queryOrders({ status: 'all', limit: 100_000 });
    expect(orders).toHaveLength((store.journalSeq / BATCH) * (BATCH / 7));
    expect(orders.every((o) => o.state === 'filled')).toBe(true);
    store.close();
  }, 30_000);
});
