/** Window state across restarts, clamped to the screens that exist now. */
import { describe, expect, it } from 'vitest';
import { clampWindowBounds, readWindowState, saveWindowState } from '../../main/electron/window-state.ts';

const size = { width: 1400, height: 900, minWidth: 960, minHeight: 600 };
const laptop = { x: 0, y: 0, width: 1440, height: 860 };
const monitor = { x: 1440, y: 0, width: 2560, height: 1400 };

describe('window bounds', () => {
  it('opens centred at the default size the first time', () => {
    expect(clampWindowBounds(undefined, [laptop], size)).toEqual({
      x: 20,
      y: 0,
      width: 1400,
      height: 860,
      centred: true,
    });
  });

  it('keeps a saved position on a screen that still exists', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1000 };
    expect(clampWindowBounds(saved, [laptop, monitor], size)).toEqual({ ...saved, centred: false });
  });

  it('moves the window back to the primary screen when its monitor is gone', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1000 };
    const b = clampWindowBounds(saved, [laptop], size);
    expect(b.centred).toBe(true);
    expect(b.width).toBe(1440);
    expect(b.height).toBe(860);
    expect(b.x).toBe(0);
  });

  it('pulls a window hanging off the edge back inside its screen, and shrinks one too big for it', () => {
    const b = clampWindowBounds({ x: 1200, y: -50, width: 1000, height: 700 }, [laptop], size);
    expect(b).toEqual({ x: 440, y: 0, width: 1000, height: 700, centred: false });
    const big = clampWindowBounds({ x: 1500, y: 10, width: 4000, height: 3000 }, [laptop, monitor], size);
    expect(big).toEqual({ x: 1440, y: 0, width: 2560, height: 1400, centred: false });
  });

  it('never goes below the minimum size unless the screen is smaller', () => {
    const b = clampWindowBounds({ x: 0, y: 0, width: 200, height: 100 }, [laptop], size);
    expect([b.width, b.height]).toEqual([960, 600]);
    const tiny = clampWindowBounds(
      { x: 0, y: 0, width: 1400, height: 900 },
      [{ x: 0, y: 0, width: 800, height: 500 }],
      size,
    );
    expect([tiny.width, tiny.height]).toEqual([800, 500]);
  });

  it('reads back what it saved, and ignores a damaged entry', () => {
    const data = new Map<string, unknown>();
    const store = {
      get: (k: 'window') => data.get(k),
      set: (k: 'window', v: unknown) => void data.set(k, v),
    };
    expect(readWindowState(store)).toBeUndefined();
    saveWindowState(store, {
      getNormalBounds: () => ({ x: 1.4, y: 2, width: 1000.6, height: 700 }),
      isMaximized: () => true,
    });
    expect(readWindowState(store)).toEqual({ x: 1, y: 2, width: 1001, height: 700, maximized: true });
    data.set('window', { x: 'left' });
    expect(readWindowState(store)).toBeUndefined();
  });
});
