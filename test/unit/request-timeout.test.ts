/** A request that does not arrive in time is answered 408 Request Timeout, not 400. */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonServer } from '../../kit/http/json.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('slow requests', () => {
  it('answers 408 with the REQUEST_TIMEOUT code when the headers never finish', async () => {
    const server = createJsonServer({ maxHeaderSize: 8192, requestTimeoutMs: 100, timeoutCheckMs: 25 }, () =>
      Promise.resolve(),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => new Promise((r) => server.close(() => r()));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.write('GET /api/info HTTP/1.1\r\nHost: x\r\n'); // the blank line never comes
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect(reply).toContain('"code":"REQUEST_TIMEOUT"');
  });
});
