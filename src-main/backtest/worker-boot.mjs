// Starts a backtest worker thread. The worker's code is TypeScript when Tern
// runs from source (tsx): register tsx's loader in this thread first, then
// load the entry module named in workerData.entry.
import module from 'node:module';
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') throw new Error('worker-boot: workerData.entry must name the module to run');
// the pool's thread keeps V8's compiled code on disk (npm run backtest): so does this one, before it loads the bundle
if (typeof workerData.compileCache === 'string') module.enableCompileCache?.(workerData.compileCache);
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
