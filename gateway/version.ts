/** The gateway's version, reported in /api/info, /api/health and heartbeats. */
import pkg from '../package.json' with { type: 'json' };

export const GATEWAY_VERSION: string = pkg.version;
