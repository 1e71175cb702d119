/** Used only until the core's settings arrive (or when they cannot be read): the core owns the real ones. */
import type { Settings } from '../../../preload/contract.ts';

export const FALLBACK_SETTINGS: Settings = {
  theme: 'system',
  language: 'system',
  units: 'metric',
  staleAfterS: 120,
  offlineAfterS: 300,
  tailnet: { backend: 'auto' },
  registry: { embedded: false },
  map: {},
};
