// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderBook } from '../../../../src-renderer/features/market/OrderBook.js';
import { useMarket } from '../../../../src-renderer/state/market.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { useTicket } from '../../../../src-renderer/state/ticket.js';
import { INSTRUMENT } from '../../helpers/fake-client.js';
import { cleanup, click, render } from '../../helpers/render.js';
import { resetStores } from '../../helpers/stores.js';

const BOOK = { account: 'paper', symbol: 'BTC/USDT', bids: [['100.5', '1'], ['100', '2']], asks: [['101', '3'], ['101.5', '4']], ts: null, receivedAt: 1 } as const;

beforeEach(() => {
  resetStores();
  useReference.getState().setInstruments([INSTRUMENT]);
});
afterEach(cleanup);

describe('OrderBook', () => {
  it('shows a loading state until the book arrives, then asks above bids with the spread between', async () => {
    const { container } = await render(<OrderBook />);
    expect(container.textContent).toContain('Loading order book');
    await act(async () => useMarket.setState({ book: BOOK as never }));
    const prices = [...container.querySelectorAll('.level .price')].map((e) => e.textContent);
    expect(prices).toEqual(['101.50', '101.00', '100.50', '100.00']);
    expect(container.querySelector('.spread-row')?.textContent).toContain('0.50');
  });

  it('pressing a level sets the ticket price; on a market ticket it makes a limit', async () => {
    useTicket.getState().set({ type: 'market' });
    useMarket.setState({ book: BOOK as never });
    const { container } = await render(<OrderBook />);
    await click(container.querySelectorAll('[data-testid="level-bid"]')[1]!);
    expect(useTicket.getState()).toMatchObject({ price: '100', type: 'limit' });
  });

  it('keeps its rows when prices move, so a press lands on the row under the pointer', async () => {
    useMarket.setState({ book: BOOK as never });
    const { container } = await render(<OrderBook />);
    const row = container.querySelector('[data-testid="level-bid"]');
    await act(async () => useMarket.setState({ book: { ...BOOK, bids: [['100.6', '1'], ['100', '2']] } as never }));
    expect(container.querySelector('[data-testid="level-bid"]')).toBe(row);
    expect(row?.getAttribute('data-price')).toBe('100.6');
  });

  it('says so when the book is empty', async () => {
    useMarket.setState({ book: { ...BOOK, bids: [], asks: [] } as never });
    const { container } = await render(<OrderBook />);
    expect(container.textContent).toContain('The book is empty.');
  });
});

describe('OrderBook grouping and depth', () => {
  beforeEach(() => localStorage.clear());

  it('groups levels by a multiple of the price increment and shows as many levels a side as chosen, remembered', async () => {
    const wide = { ...BOOK, bids: [['100.5', '1'], ['100.2', '2'], ['99.9', '1'], ['99.1', '1'], ['98', '1'], ['97', '1']], asks: [['101', '3'], ['101.5', '4'], ['102', '1'], ['103', '1'], ['104', '1'], ['105', '1']] };
    useMarket.setState({ book: wide as never });
    const { container } = await render(<OrderBook />);
    const prices = (side: string) => [...container.querySelectorAll(`[data-testid="level-${side}"] .price`)].map((e) => e.textContent);
    const choose = async (testid: string, value: string) => {
      const select = container.querySelector(`[data-testid="${testid}"]`) as HTMLSelectElement;
      await act(async () => {
        select.value = value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      });
    };
    await choose('book-group', '100');
    expect(container.querySelector('[data-testid="order-book"]')?.getAttribute('data-step')).toBe('1');
    expect(prices('bid')).toEqual(['100', '99', '98', '97']);
    expect([...container.querySelectorAll('[data-testid="level-bid"] [role="cell"]:nth-child(2)')].map((e) => e.textContent)).toEqual(['3.00000', '2.00000', '1.00000', '1.00000']);
    expect(prices('ask')).toEqual(['105', '104', '103', '102', '101']);
    await choose('book-depth', '5');
    await choose('book-group', '1');
    expect(prices('bid')).toEqual(['100.50', '100.20', '99.90', '99.10', '98.00']);
    expect(JSON.parse(localStorage.getItem('tern.book')!)).toEqual({ multiple: 1, depth: 5 });
  });
});
