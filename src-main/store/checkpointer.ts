import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the commit path. SQLite's automatic checkpoint runs
 * inside whichever COMMIT crosses the WAL size threshold and fsyncs the
 * database file there — a stall of milliseconds in the middle of an order's
 * ack. Instead the store's own connection never checkpoints, and a worker
 * thread with a second connection to the same file copies the WAL back
 * every `intervalMs` (PASSIVE: it never blocks the writer). Checkpointing
 * is only copying: a crash at any point leaves the WAL and the file
 * consistent, as SQLite guarantees for concurrent checkpointers.
 */
const WORKER_SOURCE = `
(() => {
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const closed = new Int32Array(workerData.closed);
let db;
try {
  // fileMustExist: a store closed and deleted before this thread started must not be recreated
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
} catch (err) {
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
  parentPort.postMessage({ error: String(err && err.message || err) });
  parentPort.close();
  return;
}
const checkpoint = (mode) => {
  try { db.pragma('wal_checkpoint(' + mode + ')'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
};
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint('PASSIVE');
  db.close();
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
  parentPort.close();
});
})();
`;

export interface Checkpointer {
  /** checkpoints once more and closes the worker's connection; returns when it is closed (at most ~2 s) */
  close(): void;
}

export function startCheckpointer(file: string, onError: (message: string) => void, intervalMs = 500): Checkpointer {
  // set by the worker once its connection is closed, so the store's close() can wait for it
  const closed = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // resolved from here, not from the process's working directory (a packaged app's cwd is anywhere)
    workerData: { file, intervalMs, closed, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  let failed = false;
  worker.on('message', (m: { error?: string }) => m.error && onError(m.error));
  worker.on('error', (err) => {
    failed = true;
    onError(String(err));
  });
  // The checkpointer never keeps a process alive: a process that is done exits, and SQLite checkpoints on the last close.
  // (After the listeners: adding a 'message' listener refs the worker again.)
  worker.unref();
  return {
    close: () => {
      if (failed) return;
      worker.postMessage('close');
      // The folder may be deleted right after close (temp stores): the worker's connection must be gone first.
      Atomics.wait(new Int32Array(closed), 0, 0, 2000);
    },
  };
}
