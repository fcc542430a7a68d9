/**
 * What a page's main thread does, from a Chromium trace (CDP Tracing): the
 * work in each frame interval of a window marked in the page with
 * performance.mark(`${name}-start`) / (`${name}-end`). rAF intervals cannot
 * show work: at 60 Hz they are 16.7 ms however little the page does, so the
 * budget "one frame" is read here as main-thread busy time per 16.7 ms.
 */
import type { CDPSession } from 'playwright-core';

export const FRAME_MS = 1000 / 60;

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { type?: string } };
}

export interface Trace {
  events: TraceEvent[];
}

/** Runs `body` with the page traced; returns the trace's events. */
export async function traced(cdp: CDPSession, body: () => Promise<void>): Promise<Trace> {
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    // RunTask (the main thread's tasks), EventDispatch and the page's marks; no paint or layer detail
    traceConfig: { includedCategories: ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'blink.user_timing'], excludedCategories: ['*'] },
  });
  const complete = new Promise<{ stream?: string }>((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  try {
    await body();
  } finally {
    await cdp.send('Tracing.end');
  }
  const { stream } = await complete;
  if (!stream) throw new Error('the trace came back without a stream');
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return { events: Array.isArray(parsed) ? parsed : parsed.traceEvents };
}

export interface WindowWork {
  frames: number;
  /** main-thread busy ms in each 16.7 ms interval of the window */
  busy_p50_ms: number;
  busy_p95_ms: number;
  busy_max_ms: number;
  busy_mean_ms: number;
  /** intervals busy from end to end (≥ 99 %): the work did not fit, a frame was late or dropped */
  saturated_frames: number;
  /** each mousemove's handlers (pointer event → the new line position set), ms */
  mousemove_p95_ms: number | null;
  mousemoves: number;
}

/** The page's main thread: the renderer thread with the most task time. */
function mainThread(events: TraceEvent[]): { pid: number; tid: number } {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const busy = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask') continue;
    const k = `${e.pid}:${e.tid}`;
    if (names.get(k) === 'CrRendererMain') busy.set(k, (busy.get(k) ?? 0) + (e.dur ?? 0));
  }
  const [best] = [...busy].sort((a, b) => b[1] - a[1]);
  if (!best) throw new Error('the trace has no renderer main thread tasks');
  const [pid, tid] = best[0].split(':').map(Number) as [number, number];
  return { pid, tid };
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** Main-thread work per frame interval between the page's marks `${name}-start` and `${name}-end`. */
export function windowWork(trace: Trace, name: string): WindowWork {
  const { pid, tid } = mainThread(trace.events);
  const mark = (m: string) => {
    const e = trace.events.find((x) => x.name === m && x.pid === pid);
    if (!e) throw new Error(`no mark ${m} in the trace`);
    return e.ts;
  };
  const from = mark(`${name}-start`);
  const to = mark(`${name}-end`);
  const frameUs = FRAME_MS * 1000;
  const n = Math.max(1, Math.floor((to - from) / frameUs));
  const busy = new Array<number>(n).fill(0);
  const moves: number[] = [];
  for (const e of trace.events) {
    if (e.pid !== pid || e.tid !== tid || e.ph !== 'X' || e.dur === undefined) continue;
    if (e.name === 'EventDispatch' && e.args?.data?.type === 'mousemove' && e.ts >= from && e.ts < to) moves.push(e.dur / 1000);
    if (e.name !== 'RunTask') continue;
    // a task's time, split over the intervals it overlaps
    const start = Math.max(e.ts, from);
    const end = Math.min(e.ts + e.dur, from + n * frameUs);
    if (end <= start) continue;
    // by interval index (a time on an interval's edge would round back into the interval before it)
    const last = Math.min(n - 1, Math.floor((end - from) / frameUs));
    for (let i = Math.max(0, Math.floor((start - from) / frameUs)); i <= last; i++) {
      const overlap = Math.min(end, from + (i + 1) * frameUs) - Math.max(start, from + i * frameUs);
      if (overlap > 0) busy[i]! += overlap / 1000;
    }
  }
  const sorted = [...busy].sort((a, b) => a - b);
  const sortedMoves = [...moves].sort((a, b) => a - b);
  return {
    frames: n,
    busy_p50_ms: r2(percentile(sorted, 0.5)),
    busy_p95_ms: r2(percentile(sorted, 0.95)),
    busy_max_ms: r2(sorted.at(-1) ?? 0),
    busy_mean_ms: r2(busy.reduce((a, b) => a + b, 0) / n),
    saturated_frames: busy.filter((b) => b >= 0.99 * FRAME_MS).length,
    mousemove_p95_ms: moves.length > 0 ? r2(percentile(sortedMoves, 0.95)) : null,
    mousemoves: moves.length,
  };
}
