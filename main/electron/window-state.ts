/**
 * The main window's size and position across restarts, clamped to the screens that exist now (a laptop
 * undocked from its second monitor must not open the window off-screen). The clamp is pure; the store is
 * anything with get/set (electron-store in the shell).
 */
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export interface WindowSize {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

/** How much of the window must show on a screen for its position to be kept. */
const MIN_VISIBLE = 100;

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function fit(size: number, min: number, available: number): number {
  return Math.max(Math.min(size, available), Math.min(min, available));
}

/**
 * Where the window opens: the saved bounds on the screen they overlap most, shrunk and moved to fit its
 * work area; centred on the primary screen (`workAreas[0]`) when they are off every screen or absent.
 */
export function clampWindowBounds(
  saved: Rect | undefined,
  workAreas: readonly Rect[],
  size: WindowSize,
): Rect & { centred: boolean } {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: size.width, height: size.height };
  let screen: Rect | undefined;
  if (saved) {
    let best = 0;
    for (const area of workAreas) {
      const o = overlap(saved, area);
      if (o > best) [best, screen] = [o, area];
    }
    const visible = Math.min(MIN_VISIBLE, saved.width, saved.height);
    if (best < visible * visible) screen = undefined;
  }
  const area = screen ?? primary;
  const width = fit(saved?.width ?? size.width, size.minWidth, area.width);
  const height = fit(saved?.height ?? size.height, size.minHeight, area.height);
  if (!saved || !screen) {
    return {
      x: Math.round(area.x + (area.width - width) / 2),
      y: Math.round(area.y + (area.height - height) / 2),
      width,
      height,
      centred: true,
    };
  }
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - height);
  return { x, y, width, height, centred: false };
}

export interface StateStore {
  get(key: 'window'): unknown;
  set(key: 'window', value: WindowState): void;
}

/** The saved state, or undefined when absent or damaged (the window then opens centred). */
export function readWindowState(store: StateStore): WindowState | undefined {
  const parsed = WindowState.safeParse(store.get('window'));
  return parsed.success ? parsed.data : undefined;
}

/** The part of a BrowserWindow that saving its state needs. */
export interface MeasurableWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
}

export function saveWindowState(store: StateStore, win: MeasurableWindow): void {
  const b = win.getNormalBounds();
  store.set('window', {
    x: Math.round(b.x),
    y: Math.round(b.y),
    width: Math.round(b.width),
    height: Math.round(b.height),
    maximized: win.isMaximized(),
  });
}
