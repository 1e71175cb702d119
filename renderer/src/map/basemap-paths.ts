/** The basemap's path strings, built once on first use (parsing ~40k points takes a few ms). */
import { decodeBasemap, ringsToPath } from '../lib/basemap.ts';
import { BASEMAP_COARSE, BASEMAP_DETAILED } from './basemap-data.ts';

export const WORLD_UNITS = 4096;

let coarse: string | undefined;
let detailed: string | undefined;

export function basemapPath(level: 'coarse' | 'detailed'): string {
  if (level === 'coarse') return (coarse ??= ringsToPath(decodeBasemap(BASEMAP_COARSE), WORLD_UNITS));
  return (detailed ??= ringsToPath(decodeBasemap(BASEMAP_DETAILED), WORLD_UNITS));
}
