import { afterEach, expect, it } from 'vitest';
import { call, expiresIn, OPERATOR, startTestGateway, type TestGateway } from './helpers.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

it('refuses text with NUL in a body (it would be stored whole and read back cut short), naming the field', async () => {
  gw = await startTestGateway();
  const res = await call(gw.url, 'POST', '/api/commands', {
    from: OPERATOR,
    body: {
      id: 'nul-1',
      action: 'open',
      target: 'valve-1',
      params: { durationMin: 5, note: 'A\u0000B' },
      expiresAt: expiresIn(gw.clock, 60_000),
    },
  });
  expect(res.status).toBe(422);
  expect(res.body).toMatchObject({
    error: { code: 'VALIDATION', message: 'params.note contains a NUL character, which cannot be stored.' },
  });
  expect((await call(gw.url, 'GET', '/api/commands/nul-1', { from: OPERATOR })).status).toBe(404);
});
