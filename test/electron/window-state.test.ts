import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  captureWindowState,
  contains,
  type DisplayInfo,
  parseWindowState,
  placeWindow,
  type SavedWindowState,
} from '../../src-main/electron/window-state.js';

const SIZE = { width: 1440, height: 900, minWidth: 960, minHeight: 600 };
const laptop: DisplayInfo = { id: 1, workArea: { x: 0, y: 25, width: 1920, height: 1055 } };
const right: DisplayInfo = { id: 2, workArea: { x: 1920, y: 0, width: 2560, height: 1400 } };

function saved(bounds: SavedWindowState['bounds'], displayId: number | null, maximized = false): SavedWindowState {
  return { version: 1, bounds, maximized, displayId };
}

describe('window layout: reading the saved file', () => {
  it('accepts what captureWindowState writes, rounding fractional bounds', () => {
    const state = captureWindowState({ x: 10.4, y: 20.6, width: 1200.2, height: 800 }, true, right);
    expect(state).toEqual({ version: 1, bounds: { x: 10, y: 21, width: 1200, height: 800 }, maximized: true, displayId: 2 });
    expect(parseWindowState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it.each([
    ['nothing', null],
    ['another version', { version: 2, bounds: { x: 0, y: 0, width: 10, height: 10 }, maximized: false, displayId: 1 }],
    ['a zero width', { version: 1, bounds: { x: 0, y: 0, width: 0, height: 10 }, maximized: false, displayId: 1 }],
    ['a string number', { version: 1, bounds: { x: '0', y: 0, width: 10, height: 10 }, maximized: false, displayId: 1 }],
    ['no maximized flag', { version: 1, bounds: { x: 0, y: 0, width: 10, height: 10 }, displayId: 1 }],
  ])('ignores a file holding %s', (_name, json) => {
    expect(parseWindowState(json)).toBeNull();
  });
});

describe('window layout: where the window opens', () => {
  it('opens at the default size, centred on the primary display, when nothing was saved', () => {
    expect(placeWindow(null, [laptop, right], 1, SIZE)).toEqual({
      bounds: { x: 240, y: 25 + 77, width: 1440, height: 900 },
      maximized: false,
      displayId: 1,
    });
  });

  it('restores the saved bounds, maximized flag and display when that display is still there', () => {
    const p = placeWindow(saved({ x: 2100, y: 100, width: 1600, height: 1000 }, 2, true), [laptop, right], 1, SIZE);
    expect(p).toEqual({ bounds: { x: 2100, y: 100, width: 1600, height: 1000 }, maximized: true, displayId: 2 });
  });

  it('moves a window that hangs off its display back inside the work area', () => {
    const p = placeWindow(saved({ x: 1500, y: -40, width: 1200, height: 800 }, 1), [laptop], 1, SIZE);
    expect(p.bounds).toEqual({ x: 720, y: 25, width: 1200, height: 800 });
  });

  it('falls back to the primary display, centred at the saved size, when the saved display was unplugged', () => {
    const p = placeWindow(saved({ x: 2100, y: 100, width: 1600, height: 1000 }, 2, true), [laptop], 1, SIZE);
    expect(p).toEqual({ bounds: { x: 160, y: 25 + 27, width: 1600, height: 1000 }, maximized: true, displayId: 1 });
  });

  it('uses the display the window overlaps most when its display id changed (re-plugged monitor)', () => {
    const renumbered: DisplayInfo = { ...right, id: 7 };
    const p = placeWindow(saved({ x: 2000, y: 50, width: 1200, height: 800 }, 2), [laptop, renumbered], 1, SIZE);
    expect(p.displayId).toBe(7);
    expect(p.bounds).toEqual({ x: 2000, y: 50, width: 1200, height: 800 });
  });

  it('shrinks a window larger than the work area, and never below the minimum size when it fits', () => {
    const small: DisplayInfo = { id: 3, workArea: { x: 0, y: 0, width: 1280, height: 720 } };
    expect(placeWindow(saved({ x: 0, y: 0, width: 3000, height: 2000 }, 3), [small], 3, SIZE).bounds).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    expect(placeWindow(saved({ x: 10, y: 10, width: 200, height: 100 }, 3), [small], 3, SIZE).bounds).toEqual({ x: 10, y: 10, width: 960, height: 600 });
  });

  it('opens a default window when no display is reported', () => {
    expect(placeWindow(null, [], 1, SIZE).bounds).toEqual({ x: 0, y: 0, width: 1440, height: 900 });
  });

  const rect = (maxSize: number) =>
    fc.record({
      x: fc.integer({ min: -20_000, max: 20_000 }),
      y: fc.integer({ min: -20_000, max: 20_000 }),
      width: fc.integer({ min: 1, max: maxSize }),
      height: fc.integer({ min: 1, max: maxSize }),
    });

  it('always puts the whole window inside one current display, whatever was saved and whatever displays there are', () => {
    fc.assert(
      fc.property(
        fc.array(rect(8000), { minLength: 1, maxLength: 4 }),
        fc.option(fc.record({ bounds: rect(10_000), maximized: fc.boolean(), displayId: fc.option(fc.integer({ min: 0, max: 5 })) }), { nil: null }),
        fc.integer({ min: 0, max: 5 }),
        (areas, s, primaryId) => {
          const displays = areas.map((workArea, id) => ({ id, workArea }));
          const p = placeWindow(s ? { version: 1, ...s } : null, displays, primaryId, SIZE);
          const display = displays.find((d) => d.id === p.displayId);
          expect(display).toBeDefined();
          expect(contains(display!.workArea, p.bounds)).toBe(true);
          const fitsMin = display!.workArea.width >= SIZE.minWidth && display!.workArea.height >= SIZE.minHeight;
          if (fitsMin) {
            expect(p.bounds.width).toBeGreaterThanOrEqual(SIZE.minWidth);
            expect(p.bounds.height).toBeGreaterThanOrEqual(SIZE.minHeight);
          }
        },
      ),
    );
  });
});
