/**
 * A data folder for tests that start strategies or backtests through the
 * protocol: strategies/ and imports/ (with the bundled sample candles), made
 * once per test process and removed when it exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileAccess } from '../../src-main/strategies/file-access.js';

/** the bundled sample (runtime.ts bundledSampleFeed, without importing the whole runtime) */
const SAMPLE = fileURLToPath(new URL('../../resources/replay/BTC-USDT_1m_sample.csv', import.meta.url));

let shared: string | null = null;

/** the process's test data folder (its imports/ holds BTC-USDT_1m_sample.csv) */
export function testDataDir(): string {
  if (shared) return shared;
  const dir = mkdtempSync(join(tmpdir(), 'tern-test-data-'));
  FileAccess.open({ dataDir: dir, seed: [SAMPLE] });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  shared = dir;
  return dir;
}

/** the folders of a fresh data folder of its own, or of the shared one */
export function testFiles(dataDir = testDataDir()): FileAccess {
  return FileAccess.open({ dataDir, seed: [SAMPLE] });
}
