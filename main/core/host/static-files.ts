/** Serves the built renderer: only files under its root, with the caller's security headers; anything else is 404. */
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

export interface StaticFile {
  file: string;
  size: number;
  headers: Record<string, string>;
}

/**
 * The file a URL path names inside root (client-side routes fall back to the app shell), with its type and
 * caching headers; NOT_FOUND for anything outside the root, symlinks leading out included. Shared by the
 * browser host's HTTP server and the Electron shell's app:// protocol.
 */
export async function locateStatic(root: string, path: string): Promise<StaticFile> {
  let file = resolveInside(root, path === '/' ? '/index.html' : path);
  if (file === undefined) throw new AgromeshError('NOT_FOUND');
  let info = await stat(file).catch(() => undefined);
  if (!info?.isFile() && extname(path) === '') {
    file = join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) throw new AgromeshError('NOT_FOUND');
  const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  if (!real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))
    throw new AgromeshError('NOT_FOUND');
  return {
    file,
    size: info.size,
    headers: {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
  };
}

export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new AgromeshError('METHOD_NOT_ALLOWED');
  const found = await locateStatic(root, requestPath(req));
  res.writeHead(200, { ...found.headers, 'content-length': found.size, ...headers });
  if (req.method === 'HEAD') return void res.end();
  await new Promise<void>((resolve, reject) => {
    createReadStream(found.file).on('error', reject).pipe(res).on('finish', resolve);
  });
}
