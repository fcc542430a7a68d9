// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndicatorMenu } from '../../../../src-renderer/features/market/IndicatorMenu.js';
import { parseSpecs } from '../../../../src-renderer/features/market/indicators/specs.js';
import { INDICATORS_PREF, useIndicators } from '../../../../src-renderer/features/market/indicators/store.js';
import { $, cleanup, click, render, type } from '../../helpers/render.js';

beforeEach(() => {
  localStorage.clear();
  useIndicators.getState().reload();
});
afterEach(cleanup);

const saved = () => JSON.parse(localStorage.getItem(INDICATORS_PREF) ?? 'null');

describe('IndicatorMenu', () => {
  it('adds SMA 20 and RSI 14 with their defaults, keeps them in localStorage, and a reload brings them back', async () => {
    const { container } = await render(<IndicatorMenu />);
    expect(container.textContent).toContain('None on the chart.');
    await click($(container, '[data-add-indicator="sma"]'));
    await click($(container, '[data-add-indicator="rsi"]'));
    expect(useIndicators.getState().list.map((s) => s.kind)).toEqual(['sma', 'rsi']);
    expect(saved()).toEqual([
      { id: 'sma1', kind: 'sma', period: 20 },
      { id: 'rsi2', kind: 'rsi', period: 14 },
    ]);
    expect($(container, 'summary').textContent).toBe('Indicators (2)');
    await act(async () => {
      useIndicators.setState({ list: [] });
      useIndicators.getState().reload();
    });
    expect(useIndicators.getState().list.map((s) => s.id)).toEqual(['sma1', 'rsi2']);
  });

  it('edits a parameter; a value the indicator refuses is not applied and says why', async () => {
    const { container } = await render(<IndicatorMenu />);
    await click($(container, '[data-add-indicator="macd"]'));
    const fast = $(container, '[data-indicator-param="macd1.fast"]') as HTMLInputElement;
    await type(fast, '8');
    expect(useIndicators.getState().list[0]).toMatchObject({ fast: 8, slow: 26, signal: 9 });
    await type(fast, '30');
    // the library's own rule: fast must be shorter than slow
    expect(useIndicators.getState().list[0]).toMatchObject({ fast: 8 });
    expect(fast.getAttribute('aria-invalid')).toBe('true');
    expect(fast.closest('label')!.title).toMatch(/fast period \(30\) must be shorter than the slow one \(26\)/);
    await type(fast, '0');
    expect(fast.closest('label')!.title).toMatch(/fast/);
    await type(fast, '10');
    expect(fast.getAttribute('aria-invalid')).toBe('false');
    expect(saved()[0]).toMatchObject({ fast: 10 });
  });

  it('removes one with its ×', async () => {
    const { container } = await render(<IndicatorMenu />);
    await click($(container, '[data-add-indicator="ema"]'));
    await click($(container, '[data-add-indicator="bb"]'));
    await click($(container, '[aria-label="Remove EMA 50"]'));
    expect(useIndicators.getState().list.map((s) => s.kind)).toEqual(['bb']);
    expect(saved()).toEqual([{ id: 'bb2', kind: 'bb', period: 20, k: 2 }]);
  });

  it('has room for two panes (RSI, MACD) under the price: a third is not offered', async () => {
    const { container } = await render(<IndicatorMenu />);
    await click($(container, '[data-add-indicator="rsi"]'));
    await click($(container, '[data-add-indicator="macd"]'));
    expect(($(container, '[data-add-indicator="rsi"]') as HTMLButtonElement).disabled).toBe(true);
    expect(($(container, '[data-add-indicator="sma"]') as HTMLButtonElement).disabled).toBe(false);
    expect(useIndicators.getState().add('rsi')).toBe(false);
  });
});

describe('saved indicators', () => {
  it('reads back only what the chart can draw', () => {
    expect(
      parseSpecs([
        { id: 'a', kind: 'sma', period: 20 },
        { id: 'a', kind: 'ema', period: 5 },
        { id: 'b', kind: 'vwap', period: 5 },
        { id: 'c', kind: 'rsi', period: 0 },
        { id: 'd', kind: 'bb', period: 20, k: -1 },
        { id: 'e', kind: 'macd', fast: 26, slow: 12, signal: 9 },
        { id: 'f', kind: 'ema', period: 10_000 },
        { id: 'g', kind: 'ema', period: '9' },
        null,
        { id: 'h', kind: 'bb', period: 10, k: 1.5, extra: 1 },
      ]),
    ).toEqual([
      { id: 'a', kind: 'sma', period: 20 },
      { id: 'h', kind: 'bb', period: 10, k: 1.5 },
    ]);
    expect(parseSpecs('junk')).toEqual([]);
    expect(parseSpecs(null)).toEqual([]);
  });
});
