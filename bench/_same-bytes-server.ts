/**
 * The limit for the registry list benchmark: a bare node:http server in its own process answering with the
 * registry's own bytes, precomputed as Buffers (plain and gzip), with the same status for a matching
 * If-None-Match. Nothing is encoded, looked up or checked per request.
 * Usage: node bench/_same-bytes-server.ts <plain file> <gzip file> <etag>; prints its URL on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [plainFile, gzipFile, etag] = process.argv.slice(2);
if (!plainFile || !gzipFile || !etag) throw new Error('usage: _same-bytes-server.ts <plain> <gzip> <etag>');
const plain = readFileSync(plainFile);
const gzip = readFileSync(gzipFile);
const headers = { etag, vary: 'Accept-Encoding', 'cache-control': 'no-cache' };

const server = createServer((req, res) => {
  if (req.headers['if-none-match']) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gz = (req.headers['accept-encoding'] ?? '').includes('gzip');
  const body = gz ? gzip : plain;
  res.writeHead(200, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...(gz ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
