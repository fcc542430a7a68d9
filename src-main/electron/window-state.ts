/**
 * The main window's layout across restarts: its normal bounds, whether it was
 * maximized, and on which display. Pure (no 'electron'): main passes in what
 * `screen` reports, so the rules that keep a window on screen are testable.
 */
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A display as main's `screen.getAllDisplays()` describes it (only what we use). */
export interface DisplayInfo {
  id: number;
  /** the display minus taskbars, docks and menu bars */
  workArea: Rect;
}

export interface WindowSize {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

export const WINDOW_STATE_FILE = 'window-state.json';

const Int = z.number().int().min(-1_000_000).max(1_000_000);
const Size = z.number().int().min(1).max(100_000);

export const SavedWindowState = z.object({
  version: z.literal(1),
  /** the window's normal (not maximized) bounds */
  bounds: z.object({ x: Int, y: Int, width: Size, height: Size }),
  maximized: z.boolean(),
  /** the display the window was on; null when unknown */
  displayId: z.number().int().nullable(),
});
export type SavedWindowState = z.infer<typeof SavedWindowState>;

/** The saved layout, or null when the file held nothing valid (a hand edit, another version). */
export function parseWindowState(json: unknown): SavedWindowState | null {
  const parsed = SavedWindowState.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** What to save when the window moves, resizes or closes. */
export function captureWindowState(normalBounds: Rect, maximized: boolean, display: DisplayInfo | null): SavedWindowState {
  return {
    version: 1,
    bounds: {
      x: Math.round(normalBounds.x),
      y: Math.round(normalBounds.y),
      width: Math.max(1, Math.round(normalBounds.width)),
      height: Math.max(1, Math.round(normalBounds.height)),
    },
    maximized,
    displayId: display?.id ?? null,
  };
}

/** Where to open the window: bounds that lie wholly inside `displayId`'s work area. */
export interface WindowPlacement {
  bounds: Rect;
  maximized: boolean;
  displayId: number;
}

export function intersectionArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/**
 * Where the window opens, given the saved layout and the displays there are now:
 * - nothing saved: the default size, centred on the primary display;
 * - its display is still there and the window overlaps it: the saved bounds,
 *   moved and shrunk as little as needed to fit that display's work area;
 * - its display is gone (unplugged monitor) or the window is not on it: the
 *   display the saved bounds overlap most, or else the primary, centred there
 *   at the saved size.
 * The result always lies wholly inside one display's work area, so the window
 * never opens off screen; its size never drops below the minimum unless the
 * work area itself is smaller.
 */
export function placeWindow(saved: SavedWindowState | null, displays: readonly DisplayInfo[], primaryId: number, size: WindowSize): WindowPlacement {
  const primary = displays.find((d) => d.id === primaryId) ?? displays[0];
  if (!primary) {
    // no display reported (headless start): let the OS place a default window
    return { bounds: { x: 0, y: 0, width: size.width, height: size.height }, maximized: saved?.maximized ?? false, displayId: primaryId };
  }
  if (!saved) return { bounds: centred(primary.workArea, size.width, size.height, size), maximized: false, displayId: primary.id };

  const own = saved.displayId === null ? undefined : displays.find((d) => d.id === saved.displayId);
  if (own && intersectionArea(own.workArea, saved.bounds) > 0) {
    return { bounds: fitInside(own.workArea, saved.bounds, size), maximized: saved.maximized, displayId: own.id };
  }
  let best: DisplayInfo | undefined;
  let bestArea = 0;
  for (const d of displays) {
    const area = intersectionArea(d.workArea, saved.bounds);
    if (area > bestArea) {
      best = d;
      bestArea = area;
    }
  }
  if (best) return { bounds: fitInside(best.workArea, saved.bounds, size), maximized: saved.maximized, displayId: best.id };
  return { bounds: centred(primary.workArea, saved.bounds.width, saved.bounds.height, size), maximized: saved.maximized, displayId: primary.id };
}

function clampSize(area: Rect, width: number, height: number, size: WindowSize): { width: number; height: number } {
  return {
    width: Math.min(area.width, Math.max(size.minWidth, Math.round(width))),
    height: Math.min(area.height, Math.max(size.minHeight, Math.round(height))),
  };
}

function centred(area: Rect, width: number, height: number, size: WindowSize): Rect {
  const s = clampSize(area, width, height, size);
  return {
    x: area.x + Math.floor((area.width - s.width) / 2),
    y: area.y + Math.floor((area.height - s.height) / 2),
    ...s,
  };
}

function fitInside(area: Rect, bounds: Rect, size: WindowSize): Rect {
  const s = clampSize(area, bounds.width, bounds.height, size);
  const x = Math.min(Math.max(Math.round(bounds.x), area.x), area.x + area.width - s.width);
  const y = Math.min(Math.max(Math.round(bounds.y), area.y), area.y + area.height - s.height);
  return { x, y, ...s };
}
