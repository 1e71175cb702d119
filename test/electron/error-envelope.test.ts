/** The same error reaches the page identically through the Electron preload and the browser-host bridge. */
import { describe, expect, it, vi } from 'vitest';
import { AgromeshError } from '../../protocol/errors.ts';
import { operationNames, type ElectronBridge, type ResultEnvelope } from '../../protocol/app/index.ts';
import { settle, wrapElectronApi } from '../../renderer/src/api/envelope.ts';

const envelope: ResultEnvelope = {
  ok: false,
  error: {
    code: 'FARM_BAD_RESPONSE',
    message: 'The farm answered 422.',
    details: { field: 'params.minutes', upstreamStatus: 422 },
  },
};

function fakeBridge(answer: ResultEnvelope): ElectronBridge {
  const raw: Record<string, unknown> = { on: vi.fn(() => () => {}) };
  for (const name of operationNames) raw[name] = () => Promise.resolve(answer);
  return raw as ElectronBridge;
}

describe('error envelope over IPC and the bridge', () => {
  it('keeps code, message and details under Electron, equal to the bridge', async () => {
    const api = wrapElectronApi(fakeBridge(envelope));
    const viaIpc = await api.sendCommand({ farmId: 'f', action: 'open', target: 'v', params: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    let viaBridge: unknown;
    try {
      settle(JSON.parse(JSON.stringify({ id: 1, ...envelope })) as ResultEnvelope);
    } catch (e) {
      viaBridge = e;
    }
    expect(viaIpc).toBeInstanceOf(AgromeshError);
    const shape = (e: unknown) => {
      const a = e as AgromeshError;
      return { code: a.code, message: a.message, details: a.details };
    };
    expect(shape(viaIpc)).toEqual({
      code: 'FARM_BAD_RESPONSE',
      message: 'The farm answered 422.',
      details: { field: 'params.minutes', upstreamStatus: 422 },
    });
    expect(shape(viaIpc)).toEqual(shape(viaBridge));
  });

  it('resolves values unchanged', async () => {
    const api = wrapElectronApi(fakeBridge({ ok: true, value: { theme: 'dark' } }));
    await expect(api.getSettings()).resolves.toEqual({ theme: 'dark' });
  });
});
