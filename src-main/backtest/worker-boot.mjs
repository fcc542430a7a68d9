// Starts a backtest worker thread. The worker's code is TypeScript when Tern
// runs from source (tsx): register tsx's loader in this thread first, then
// load the entry module named in workerData.entry.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') throw new Error('worker-boot: workerData.entry must name the module to run');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
