import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASEMAP_COARSE, BASEMAP_DETAILED } from '../../renderer/src/map/basemap-data.ts';
import { decodeBasemap, ringsToPath, splitAntimeridian } from '../../renderer/src/lib/basemap.ts';
import { clusterPoints, type ClusterInput } from '../../renderer/src/lib/cluster.ts';
import { worstHealth } from '../../renderer/src/lib/health.ts';
import {
  clampView,
  fitPoints,
  minScale,
  panBy,
  project,
  toScreen,
  toWorld,
  unproject,
  visibleTiles,
  zoomAt,
} from '../../renderer/src/lib/projection.ts';
import { isValidTileTemplate, tileUrl } from '../../protocol/app/map-tiles.ts';

const size = { width: 800, height: 600 };

describe('Web Mercator projection', () => {
  it('maps the corners and the equator', () => {
    expect(project(-180, 0)).toEqual({ x: 0, y: 0.5 });
    expect(project(180, 0).x).toBe(1);
    expect(project(0, 85.06).y).toBeCloseTo(0, 4);
    expect(project(0, -89).y).toBeCloseTo(1, 4);
  });

  it('round-trips lon/lat', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -85, max: 85, noNaN: true }),
        (lon, lat) => {
          const back = unproject(project(lon, lat));
          expect(back.lon).toBeCloseTo(lon, 6);
          expect(back.lat).toBeCloseTo(lat, 6);
        },
      ),
    );
  });

  it('zooms about the anchor: the point under the cursor stays put', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 800, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        (x, y) => {
          const view = { x: 0.55, y: 0.33, k: 20_000 };
          const anchor = { x, y };
          const before = toWorld(view, size, anchor);
          const after = zoomAt(view, size, 1.7, anchor);
          const screen = toScreen(after, size, before);
          expect(screen.x).toBeCloseTo(x, 6);
          expect(screen.y).toBeCloseTo(y, 6);
        },
      ),
    );
  });

  it('pans with the drag and clamps scale and edges', () => {
    const view = { x: 0.5, y: 0.5, k: 10_000 };
    const moved = panBy(view, size, 100, 0);
    expect(moved.x).toBeCloseTo(0.5 - 100 / 10_000);
    expect(clampView({ x: 5, y: -3, k: 1 }, size)).toEqual({ x: 0.5, y: 0.5, k: minScale(size) });
    const edge = clampView({ x: 0, y: 0.5, k: 10_000 }, size);
    expect(edge.x).toBeCloseTo(400 / 10_000);
  });

  it('fits points with a margin, and the whole world when there are none', () => {
    const pts = [project(30, 50), project(40, 45)];
    const v = fitPoints(pts, size);
    for (const p of pts) {
      const s = toScreen(v, size, p);
      expect(s.x).toBeGreaterThanOrEqual(47);
      expect(s.x).toBeLessThanOrEqual(753);
      expect(s.y).toBeGreaterThanOrEqual(47);
      expect(s.y).toBeLessThanOrEqual(553);
    }
    expect(fitPoints([], size)).toEqual({ x: 0.5, y: 0.5, k: minScale(size) });
    expect(fitPoints([project(30, 50)], size).k).toBe(minScale(size) * 256);
  });

  it('lists only the tiles in view, at the nearest zoom', () => {
    expect(visibleTiles({ x: 0.5, y: 0.5, k: 256 }, { width: 256, height: 256 })).toEqual([
      { z: 0, x: 0, y: 0 },
    ]);
    const tiles = visibleTiles({ x: 0.5, y: 0.5, k: 1024 }, { width: 512, height: 512 });
    expect(tiles.every((t) => t.z === 2)).toBe(true);
    expect(tiles.map((t) => `${t.x}/${t.y}`).sort()).toEqual(['1/1', '1/2', '2/1', '2/2']);
  });

  it('accepts only https tile templates with {z}/{x}/{y}', () => {
    expect(isValidTileTemplate('https://tiles.example.org/{z}/{x}/{y}.png')).toBe(true);
    expect(isValidTileTemplate('http://tiles.example.org/{z}/{x}/{y}.png')).toBe(false);
    expect(isValidTileTemplate('https://tiles.example.org/{z}/{x}.png')).toBe(false);
    expect(tileUrl('https://t.example/{z}/{x}/{y}.png', 3, 4, 5)).toBe('https://t.example/3/4/5.png');
  });
});

describe('clustering', () => {
  const farms = Array.from({ length: 1000 }, (_, i): ClusterInput => ({
    id: `f${i}`,
    p: project(30 + (i % 40) * 0.5, 45 + Math.floor(i / 40) * 0.4),
    health: i === 517 ? 'offline' : i % 7 === 0 ? 'degraded' : 'ok',
  }));

  it('keeps every farm exactly once and shows the worst health', () => {
    for (const k of [256, 4096, 65_536, 1_000_000]) {
      const clusters = clusterPoints(farms, k);
      const ids = clusters.flatMap((c) => c.ids).sort();
      expect(ids).toEqual(farms.map((f) => f.id).sort());
      const holder = clusters.find((c) => c.ids.includes('f517'))!;
      expect(holder.worst).toBe('offline');
    }
  });

  it('merges dense farms when zoomed out and separates them when zoomed in', () => {
    expect(clusterPoints(farms, 256).length).toBeLessThan(10);
    expect(clusterPoints(farms, 1_000_000).length).toBe(1000);
    const singles = clusterPoints(farms, 1_000_000);
    expect(singles.every((c) => c.key.startsWith('farm:'))).toBe(true);
  });

  it('draws worse health on top', () => {
    const order = clusterPoints(farms, 1_000_000).map((c) => c.worst);
    expect(order[order.length - 1]).toBe('offline');
    expect(worstHealth(['ok', 'stale', 'degraded'])).toBe('degraded');
    expect(worstHealth([])).toBe('ok');
  });
});

describe('bundled basemap', () => {
  it('is small and decodes to plausible rings', () => {
    expect(BASEMAP_DETAILED.length + BASEMAP_COARSE.length).toBeLessThan(300_000);
    const rings = decodeBasemap(BASEMAP_COARSE);
    expect(rings.length).toBeGreaterThan(100);
    for (const ring of rings) {
      for (const [lon, lat] of ring) {
        expect(Math.abs(lon)).toBeLessThanOrEqual(180.001);
        expect(Math.abs(lat)).toBeLessThanOrEqual(90.001);
      }
    }
  });

  it('never draws a line across the world for rings crossing the antimeridian', () => {
    const fiji: [number, number][] = [
      [179, -16],
      [180, -16.5],
      [-179.5, -17],
      [179, -17],
      [179, -16],
    ];
    const parts = splitAntimeridian(fiji);
    expect(parts).toHaveLength(2);
    for (const ring of parts) {
      for (let i = 1; i < ring.length; i++) expect(Math.abs(ring[i]![0] - ring[i - 1]![0])).toBeLessThan(180);
    }
    const antarctica: [number, number][] = [
      [-180, -90],
      [-180, -80],
      [0, -70],
      [180, -80],
      [180, -90],
    ];
    expect(splitAntimeridian(antarctica)).toEqual([antarctica]);
    for (const rings of [decodeBasemap(BASEMAP_COARSE), decodeBasemap(BASEMAP_DETAILED)]) {
      for (const ring of rings.flatMap(splitAntimeridian)) {
        for (let i = 1; i < ring.length; i++) {
          const jump = Math.abs(ring[i]![0] - ring[i - 1]![0]);
          // Only polar rings (Antarctica's edge along the pole) may jump, and they sit off-screen.
          if (jump >= 180) expect(Math.abs(ring[i]![1])).toBeGreaterThan(84);
        }
      }
    }
    expect(ringsToPath([fiji], 100)).toMatch(/^M[\d.]+ [\d.]+L/);
  });
});
