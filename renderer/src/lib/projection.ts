/**
 * Web Mercator in "world units" (the whole world is the unit square, x east, y south) and a pan/zoom
 * viewport over it. Web Mercator so optional online tiles ({z}/{x}/{y}) line up with the bundled basemap.
 */
export const MAX_LAT = 85.05112878;

export interface Point {
  x: number;
  y: number;
}

/** Center (world units) and scale k = how many pixels the whole world is wide. */
export interface Viewport {
  x: number;
  y: number;
  k: number;
}

export interface Size {
  width: number;
  height: number;
}

export function project(lon: number, lat: number): Point {
  const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  const phi = (clamped * Math.PI) / 180;
  return {
    x: (lon + 180) / 360,
    y: (1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2,
  };
}

export function unproject(p: Point): { lon: number; lat: number } {
  const lon = p.x * 360 - 180;
  const n = Math.PI - 2 * Math.PI * p.y;
  const lat = (180 / Math.PI) * Math.atan(Math.sinh(n));
  return { lon, lat };
}

export const MAX_ZOOM_FACTOR = 2 ** 14;

/** The smallest scale shows the whole world inside the viewport. */
export function minScale(size: Size): number {
  return Math.max(64, Math.min(size.width, size.height));
}

export function maxScale(size: Size): number {
  return minScale(size) * MAX_ZOOM_FACTOR;
}

/** Keep the scale in range and the world's edge from leaving more than half the viewport empty. */
export function clampView(view: Viewport, size: Size): Viewport {
  const k = Math.max(minScale(size), Math.min(maxScale(size), view.k));
  const clampAxis = (c: number, extentPx: number) => {
    const half = extentPx / 2 / k;
    if (half >= 0.5) return 0.5;
    return Math.max(half, Math.min(1 - half, c));
  };
  return { x: clampAxis(view.x, size.width), y: clampAxis(view.y, size.height), k };
}

export function toScreen(view: Viewport, size: Size, p: Point): Point {
  return { x: size.width / 2 + (p.x - view.x) * view.k, y: size.height / 2 + (p.y - view.y) * view.k };
}

export function toWorld(view: Viewport, size: Size, s: Point): Point {
  return { x: view.x + (s.x - size.width / 2) / view.k, y: view.y + (s.y - size.height / 2) / view.k };
}

/** Pan by a screen-pixel delta (drag right moves the map right). */
export function panBy(view: Viewport, size: Size, dxPx: number, dyPx: number): Viewport {
  return clampView({ x: view.x - dxPx / view.k, y: view.y - dyPx / view.k, k: view.k }, size);
}

/** Zoom by `factor` keeping the world point under `anchor` (screen px) fixed. */
export function zoomAt(view: Viewport, size: Size, factor: number, anchor?: Point): Viewport {
  const a = anchor ?? { x: size.width / 2, y: size.height / 2 };
  const before = toWorld(view, size, a);
  const k = Math.max(minScale(size), Math.min(maxScale(size), view.k * factor));
  const next = { x: before.x - (a.x - size.width / 2) / k, y: before.y - (a.y - size.height / 2) / k, k };
  return clampView(next, size);
}

/** The view that shows all points with a margin; the whole world when there are none. */
export function fitPoints(points: readonly Point[], size: Size, paddingPx = 48, maxK?: number): Viewport {
  if (points.length === 0) return clampView({ x: 0.5, y: 0.5, k: minScale(size) }, size);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  const w = Math.max(1, size.width - 2 * paddingPx);
  const h = Math.max(1, size.height - 2 * paddingPx);
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  const fitK = Math.min(spanX > 0 ? w / spanX : Infinity, spanY > 0 ? h / spanY : Infinity);
  // A single point (or a tight group) should not zoom in to street level.
  const k = Math.min(Number.isFinite(fitK) ? fitK : minScale(size) * 256, maxK ?? minScale(size) * 256);
  return clampView({ x: (minX + maxX) / 2, y: (minY + maxY) / 2, k }, size);
}

/** Web Mercator tiles covering the viewport at the zoom level closest to the current scale. */
export function visibleTiles(
  view: Viewport,
  size: Size,
  tileSize = 256,
): { z: number; x: number; y: number }[] {
  const z = Math.max(0, Math.min(19, Math.round(Math.log2(view.k / tileSize))));
  const n = 2 ** z;
  const topLeft = toWorld(view, size, { x: 0, y: 0 });
  const bottomRight = toWorld(view, size, { x: size.width, y: size.height });
  const x0 = Math.max(0, Math.floor(topLeft.x * n));
  const y0 = Math.max(0, Math.floor(topLeft.y * n));
  const x1 = Math.min(n - 1, Math.ceil(bottomRight.x * n) - 1);
  const y1 = Math.min(n - 1, Math.ceil(bottomRight.y * n) - 1);
  const tiles: { z: number; x: number; y: number }[] = [];
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) tiles.push({ z, x, y });
  return tiles.slice(0, 400);
}
