/** Serves the built renderer: only files under its root, with a strict CSP; anything else is 404. */
import { createReadStream } from 'node:fs';
import { stat, realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { AgromeshError } from '../../../protocol/errors.ts';
import { requestPath } from '../../../kit/http/json.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** The same policy the Electron window sets; the bridge socket is the only connection allowed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Resolve a URL path inside root, or undefined when it tries to leave it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const candidate = normalize(join(root, decoded));
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  return candidate.startsWith(base) || candidate === normalize(root) ? candidate : undefined;
}

export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new AgromeshError('METHOD_NOT_ALLOWED');
  const path = requestPath(req);
  let file = resolveInside(root, path === '/' ? '/index.html' : path);
  if (file === undefined) throw new AgromeshError('NOT_FOUND');
  let info = await stat(file).catch(() => undefined);
  if (!info?.isFile() && extname(path) === '') {
    // Client-side routes fall back to the app shell.
    file = join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) throw new AgromeshError('NOT_FOUND');
  // A symlink inside the root must not serve a file outside it.
  const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  if (!real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))
    throw new AgromeshError('NOT_FOUND');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (req.method === 'HEAD') return void res.end();
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).pipe(res).on('finish', resolve);
  });
}
