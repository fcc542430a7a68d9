import { useEffect, useRef, useState } from 'react';
import { type ECharts, echarts } from '../../lib/echarts.js';

/** An ECharts instance bound to a div, resized with it, disposed with the component. */
export function useChart(opts: { dirtyRect?: boolean } = {}): { ref: React.RefObject<HTMLDivElement | null>; chart: ECharts | null } {
  const dirtyRect = opts.dirtyRect ?? false;
  const ref = useRef<HTMLDivElement | null>(null);
  const [chart, setChart] = useState<ECharts | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // dirty rectangles: a moving last candle repaints its corner of the canvas, not all of it
    const c = echarts.init(el, undefined, { renderer: 'canvas', useDirtyRect: dirtyRect });
    setChart(c);
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => c.resize()) : null;
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      c.dispose();
      setChart(null);
    };
  }, [dirtyRect]);
  return { ref, chart };
}
