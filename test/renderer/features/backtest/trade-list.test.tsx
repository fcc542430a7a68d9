// @vitest-environment happy-dom
/** The backtest trade table: each header is aligned as its values are (issue 13). */
import { afterEach, describe, expect, it } from 'vitest';
import { TradeList } from '../../../../src-renderer/features/backtest/RunDetail.js';
import { report } from '../../helpers/backtests.js';
import { cleanup, render } from '../../helpers/render.js';

afterEach(cleanup);

describe('TradeList', () => {
  it('aligns every header with the values under it', async () => {
    const { container } = await render(<TradeList report={report() as never} />);
    const heads = [...container.querySelectorAll('thead th')];
    const cells = [...container.querySelectorAll('tbody tr:first-child td')];
    expect(cells).toHaveLength(heads.length);
    const aligned = heads.map((th, i) => [th.textContent, th.classList.contains('num') === cells[i]!.classList.contains('num')]);
    expect(aligned.filter(([, ok]) => !ok)).toEqual([]);
  });
});
