import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src-main/backtest/runner.js';
import { tradesCsv } from '../../src-main/backtest/trades.js';

/**
 * The trade lists (trades.csv, byte for byte) of every built-in strategy on
 * every file of ../shared/data with its default parameters, as the engine made
 * them when this test was written (commit 96f5d04). Speed work on the engine,
 * the venue or the journal must leave every one of them unchanged; a change of
 * behaviour that is meant to change them updates the hashes in the same commit
 * and says why.
 */
const GOLDEN: Array<[file: string, symbol: string, cash: string, strategy: string, trades: number, sha256: string]> = [
  ['nautilus_FTX_BTC-PERP_1m.csv', 'BTC/USD', '10000', 'sma-cross', 945, 'de8c93a7207267b4262746989755a237f601ee0ff1c14d67e4809e3d18a04ce6'],
  ['nautilus_FTX_BTC-PERP_1m.csv', 'BTC/USD', '10000', 'rsi-reversion', 165, '071dd084bf474dcb18c6390118485e1ec7415fbd3a03b4c5ceaec62ce516443b'],
  ['nautilus_FTX_BTC-PERP_1m.csv', 'BTC/USD', '10000', 'grid', 10, '033e4a26f92be70753f65dd7f68290e392e1b4539c31cc90561e23df9cf81a6e'],
  ['freqtrade_ETH_BTC_1m.csv', 'ETH/BTC', '10', 'sma-cross', 416, '02c488c13bd0a204df2d7f8be32476cef4600867898b7e01b52533fdde252fce'],
  ['freqtrade_ETH_BTC_1m.csv', 'ETH/BTC', '10', 'rsi-reversion', 16, '222aa326092445c8225d0d21a6c67398105b03e18856032f7049c33d1a63451f'],
  ['freqtrade_ETH_BTC_1m.csv', 'ETH/BTC', '10', 'grid', 19, '9418791a2bb46674d464c0ed73093b5c06cdd1f871a00fd7abb3073545166704'],
  ['freqtrade_ETH_BTC_5m.csv', 'ETH/BTC', '10', 'sma-cross', 500, '3f7e8d97800314eb7e04b3c1540e12831e5a50030ecff76318f342a19e4774a1'],
  ['freqtrade_ETH_BTC_5m.csv', 'ETH/BTC', '10', 'rsi-reversion', 84, 'f2f4f9f06782ae8d1f07b04826a6e27d198fb55f1a44719abcf994f1fcc5548c'],
  ['freqtrade_ETH_BTC_5m.csv', 'ETH/BTC', '10', 'grid', 0, '9dce2ce33867d3b7a04deca7b93555aaf4a0e4c04d18b03dd67b17e9732edddd'],
];

describe('backtest trade lists on the shared data', () => {
  it.each(GOLDEN)('%s (%s, cash %s): %s', async (file, symbol, cash, strategy, trades, sha256) => {
    const result = await runBacktest({ data: `/work/shared/data/${file}`, symbol, strategy, cash, fee: '0.001' });
    const csv = tradesCsv(result.trades);
    expect(result.trades.length).toBe(trades);
    expect(createHash('sha256').update(csv).digest('hex')).toBe(sha256);
  });
});
