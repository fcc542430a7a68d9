/**
 * Trading on the chart, in Chromium against the real engine served headless
 * (issue 13): with 200 open orders drawn as lines on the candle chart while the
 * replay moves the market, what a drag of an order line costs — the main
 * thread's work in each frame interval while the mouse drags (from a Chromium
 * trace; budget p95 ≤ 16.7 ms, one frame), beside the same window with the
 * mouse still, the mousemove handlers' time, and the requestAnimationFrame
 * intervals with the frames dropped (an interval over 1.5 frames; at 60 Hz an
 * interval is never under 16.7 ms, so it shows missed frames, not work); and
 * switching symbols from the watchlist, from the click to the first frame
 * showing the other market's candles (budget ≤ 150 ms).
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildRenderer } from '../test/e2e/helpers/build.js';
import { assertChromium, launchChromium } from '../test/e2e/helpers/chromium.js';
import { ETH_BTC_SAMPLE, SAMPLE_FEED, startServe } from '../test/e2e/helpers/serve.js';
import { emit } from './stats.js';
import { stats } from './ui/harness.js';
import { FRAME_MS, traced, windowWork } from './ui/main-thread.js';

const ORDERS = 200;
const DRAG_MOVES = 240;
const SWITCHES = 20;
// slow enough that the resting orders stay open, while every trade still moves the last candle
const SPEED = 0.5;

async function main() {
  assertChromium();
  const webRoot = await buildRenderer();
  const served = await startServe({ webRoot, speed: SPEED, timeoutMs: 120_000, markets: [{ file: SAMPLE_FEED, symbol: 'BTC/USDT' }, { file: ETH_BTC_SAMPLE, symbol: 'ETH/BTC' }] });
  const browser = await launchChromium({ width: 1600, height: 1000 });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${served.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${served.key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // tsx keeps function names with a __name helper the page does not have: the measuring code below runs in the page
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.goto(served.signInLink);
    const chart = '[data-testid="candle-chart"]';
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLElement>(sel)?.dataset.candles ?? 0) > 20, chart, { timeout: 60_000 }).catch((err: unknown) => {
      throw new Error(`no candles on the chart: ${String(err)}`);
    });

    // 200 resting orders: buys below the market, sells above (paper starts with USDT only: buy the coins they sell first)
    const bought = await api('POST', '/orders', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.15' });
    const [top, bottom] = ((await page.getAttribute(chart, 'data-price-range')) ?? '').split(' ').map(Number) as [number, number];
    // the market now: what the buy paid
    const close = Number(bought['average_price']);
    const range = Math.max(top - bottom, close * 0.004);
    // in bursts under the API's 50 requests a second
    for (let burst = 0; burst < ORDERS / 2; burst += 20) {
      const placing: Array<Promise<unknown>> = [];
      for (let i = burst; i < burst + 20; i++) {
        const away = close * 0.002 + range * ((1.5 * i) / (ORDERS / 2));
        placing.push(api('POST', '/orders', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.001', price: (close - away).toFixed(2) }));
        placing.push(api('POST', '/orders', { symbol: 'BTC/USDT', side: 'sell', type: 'limit', quantity: '0.001', price: (close + away).toFixed(2) }));
      }
      await Promise.all(placing);
      await new Promise((r) => setTimeout(r, 1_050));
    }
    // a fast replay may fill a few of them meanwhile
    await page.waitForFunction(([sel, n]) => (document.querySelector<HTMLElement>(sel as string)?.dataset.orderLines ?? '').split(' ').filter(Boolean).length >= (n as number), [chart, ORDERS * 0.9] as const, { timeout: 60_000 }).catch(async (err: unknown) => {
      const open = (await api('GET', '/orders?status=all&limit=3')) as unknown as unknown[];
      throw new Error(`the orders are not drawn: ${open.length} open, ${JSON.stringify(open[0])}, ${(await page.getAttribute(chart, 'data-order-lines'))?.slice(0, 200)}; ${String(err)}`);
    });
    const linesDrawn = await page.evaluate((sel) => (document.querySelector<HTMLElement>(sel)?.dataset.orderLines ?? '').split(' ').filter(Boolean).length, chart);

    // drag the lowest buy line up and down; Esc at the end (nothing is sent)
    const cancel = page.locator('.line-cancel:not([hidden])').last();
    const handle = (await cancel.boundingBox())!;
    const box = (await page.locator(chart).boundingBox())!;
    const x = box.x + box.width * 0.5;
    const y0 = handle.y + handle.height / 2;
    const cdp = await browser.context.newCDPSession(page);
    let dragMs = 0;
    let dragged = 0;
    let frames: number[] = [];
    const trace = await traced(cdp, async () => {
      // the same page with the mouse still, for what the replay and the 200 lines cost without a drag
      await page.evaluate(() => performance.mark('idle-start'));
      await page.waitForTimeout(2_000);
      await page.evaluate(() => performance.mark('idle-end'));
      await page.evaluate(() => {
        const w = window as unknown as { __frames: number[]; __framing: boolean };
        w.__frames = [];
        w.__framing = true;
        let last = performance.now();
        const frame = (t: number) => {
          w.__frames.push(t - last);
          last = t;
          if (w.__framing) requestAnimationFrame(frame);
        };
        requestAnimationFrame((t) => {
          last = t;
          requestAnimationFrame(frame);
        });
      });
      await page.mouse.move(x, y0);
      await page.mouse.down();
      await page.evaluate(() => performance.mark('drag-start'));
      const dragStart = Date.now();
      for (let i = 1; i <= DRAG_MOVES; i++) await page.mouse.move(x, y0 - 60 * Math.sin((i / DRAG_MOVES) * Math.PI * 4));
      dragMs = Date.now() - dragStart;
      await page.evaluate(() => performance.mark('drag-end'));
      dragged = await page.locator('[data-testid="drag-line"]').count();
      await page.keyboard.press('Escape');
      await page.mouse.up();
      frames = await page.evaluate(() => {
        const w = window as unknown as { __frames: number[]; __framing: boolean };
        w.__framing = false;
        return w.__frames.slice(1);
      });
    });
    const f = stats(frames);
    const work = windowWork(trace, 'drag');
    const still = windowWork(trace, 'idle');
    emit({
      bench: 'ui-chart-drag',
      open_orders: ORDERS,
      lines_drawn: linesDrawn,
      replay_bars_per_s: SPEED,
      mouse_moves: DRAG_MOVES,
      drag_ms: dragMs,
      dragging: dragged === 1,
      // main-thread work per 16.7 ms while dragging, and with the mouse still
      work_p50_ms: work.busy_p50_ms,
      work_p95_ms: work.busy_p95_ms,
      work_max_ms: work.busy_max_ms,
      work_mean_ms: work.busy_mean_ms,
      work_saturated_frames: work.saturated_frames,
      still_saturated_frames: still.saturated_frames,
      work_frames: work.frames,
      mousemove_p95_ms: work.mousemove_p95_ms,
      mousemoves: work.mousemoves,
      still_work_p95_ms: still.busy_p95_ms,
      still_work_mean_ms: still.busy_mean_ms,
      // rAF intervals: vsync-bound, they show dropped frames
      frames: frames.length,
      raf_p50_ms: f.p50,
      raf_p95_ms: f.p95,
      raf_max_ms: f.max,
      dropped_frames: frames.filter((t) => t > 1.5 * FRAME_MS).length,
      budget: { work_p95_ms: 16.7 },
    });

    // watchlist: click the other market, until the first frame that shows its candles
    const switchMs: number[] = [];
    for (let i = 0; i < SWITCHES; i++) {
      const to = i % 2 === 0 ? 'ETH/BTC' : 'BTC/USDT';
      const ms = await page.evaluate(
        ([sel, target]) =>
          new Promise<number>((resolve, reject) => {
            const el = document.querySelector<HTMLElement>(sel as string)!;
            const shows = () => {
              const close = Number(el.dataset.lastClose ?? 'NaN');
              return Number(el.dataset.candles ?? 0) > 0 && (target === 'ETH/BTC' ? close > 0 && close < 1 : close > 1000);
            };
            const t0 = performance.now();
            document.querySelector<HTMLElement>(`[data-testid="ticker-${target as string}"]`)!.click();
            const timer = setTimeout(() => reject(new Error(`${target as string} not shown within 10 s`)), 10_000);
            const check = () => {
              if (!shows()) return requestAnimationFrame(check);
              // the frame that paints it
              requestAnimationFrame(() => {
                clearTimeout(timer);
                resolve(performance.now() - t0);
              });
            };
            check();
          }),
        [chart, to] as const,
      );
      switchMs.push(ms);
      await page.waitForTimeout(300);
    }
    const s = stats(switchMs);
    emit({ bench: 'ui-symbol-switch', switches: SWITCHES, open_orders: ORDERS, switch_p50_ms: s.p50, switch_p95_ms: s.p95, switch_max_ms: s.max, budget: { switch_ms: 150 } });
  } finally {
    await browser.close();
    await served.stop();
    rmSync(dirname(webRoot), { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  emit({ bench: 'ui-chart', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
