/** Data for the backtest benchmarks: the FTX file, and a 1,000,000-bar tiling of it (made once, in the temp folder). */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FTX_FILE = '/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv';
const TILE = '/work/shared/data/tile.mjs';

/** the FTX file tiled to `rows` rows (node tile.mjs), reused while it exists */
export function tiledFile(rows: number): string {
  const file = join(tmpdir(), `tern-bench-ftx-${rows}.csv`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  const run = spawnSync(process.execPath, [TILE, FTX_FILE, file, String(rows)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tile.mjs failed: ${run.stderr}`);
  return file;
}
