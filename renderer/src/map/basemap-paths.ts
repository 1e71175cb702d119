/** The basemap's path strings, built once on first use (parsing ~40k points takes a few ms). */
import { decodeBasemap, ringsToPaths } from '../lib/basemap.ts';
import { BASEMAP_COARSE, BASEMAP_DETAILED } from './basemap-data.ts';

export const WORLD_UNITS = 4096;

let coarse: string[] | undefined;
let detailed: string[] | undefined;

export function basemapPaths(level: 'coarse' | 'detailed'): string[] {
  if (level === 'coarse') return (coarse ??= ringsToPaths(decodeBasemap(BASEMAP_COARSE), WORLD_UNITS));
  return (detailed ??= ringsToPaths(decodeBasemap(BASEMAP_DETAILED), WORLD_UNITS));
}
