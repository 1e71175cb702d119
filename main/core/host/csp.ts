/**
 * The renderer's Content-Security-Policy, one rule for both hosts (the browser host's HTTP answers and the
 * Electron shell's app:// protocol). Images come only from the app, data: URLs and the one tile origin the
 * user configured; the bridge socket (same origin) is the only connection allowed. The page's own <meta>
 * policy stays as a floor; browsers enforce both, so this header narrows it.
 */
import { tileOrigin } from '../../../protocol/app/map-tiles.ts';

export function contentSecurityPolicy(tileTemplate?: string): string {
  const tiles = tileOrigin(tileTemplate);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data:${tiles ? ` ${tiles}` : ''}`,
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Headers on every renderer file, whichever host serves it. */
export function securityHeaders(tileTemplate?: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(tileTemplate),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}
