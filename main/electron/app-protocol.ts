/**
 * The renderer is served from app://renderer/ rather than file:// (Electron's security checklist: file://
 * pages may read any local file they can name). A custom protocol also lets the shell send the same
 * Content-Security-Policy header the browser host sends, which names only the configured tile origin.
 */
import { readFile } from 'node:fs/promises';
import { AgromeshError } from '../../protocol/errors.ts';
import { securityHeaders } from '../core/host/csp.ts';
import { locateStatic } from '../core/host/static-files.ts';

export const APP_SCHEME = 'app';
const APP_HOST = 'renderer';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Standard (real origin, relative URLs) and secure (a secure context, like https); nothing else. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true } as const;

/** `protocol.handle` callback: files under root only, with the policy built from the current settings. */
export function createAppProtocolHandler(
  root: string,
  tileTemplate: () => string | undefined,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return new Response(null, { status: 404 });
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    try {
      const found = await locateStatic(root, url.pathname);
      const body = request.method === 'HEAD' ? null : await readFile(found.file);
      return new Response(body, {
        status: 200,
        headers: { ...found.headers, ...securityHeaders(tileTemplate()) },
      });
    } catch (err) {
      if (err instanceof AgromeshError && err.code === 'NOT_FOUND') return new Response(null, { status: 404 });
      throw err;
    }
  };
}
