import { beforeEach, describe, expect, it, vi } from 'vitest';

// The preload runs against a stand-in for Electron's modules: what it exposes is pinned here, so any
// widening of the renderer's reach shows up as a failing test.
const exposed = new Map<string, unknown>();
const invoke = vi.fn();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: { invoke, on: vi.fn(), removeListener: vi.fn() },
}));

const PINNED_SURFACE = [
  'acknowledgeAlert',
  'deleteAlertRule',
  'listAlertRules',
  'listAlerts',
  'saveAlertRule',
  'testWebhook',
  'createFarmAuthKey',
  'disableKeyExpiry',
  'getFleetHygiene',
  'revokeAuthKey',
  'deleteSecret',
  'exportCommandsCsv',
  'getAppInfo',
  'getDiagnostics',
  'getCommand',
  'getFarm',
  'getFarmLink',
  'getHistory',
  'getMe',
  'getSecretsStatus',
  'getSettings',
  'listCommands',
  'listDevices',
  'listFarms',
  'on',
  'openExternal',
  'sendCommand',
  'listPolicyTags',
  'setDeviceTags',
  'storeSecret',
  'updateFarmMetadata',
  'getFarmPolicyAttributes',
  'updateSettings',
];

describe('preload surface', () => {
  beforeEach(async () => {
    exposed.clear();
    vi.resetModules();
    await import('../../preload/preload.ts');
  });

  it('exposes exactly one global with one function per contract operation and nothing else', () => {
    expect([...exposed.keys()]).toEqual(['agromesh']);
    const api = exposed.get('agromesh') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...PINNED_SURFACE].sort());
    for (const key of PINNED_SURFACE) expect(typeof api[key]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('sends each operation on its own prefixed channel and passes error envelopes through whole', async () => {
    const api = exposed.get('agromesh') as Record<string, (i?: unknown) => Promise<unknown>>;
    invoke.mockResolvedValueOnce({ ok: true, value: { theme: 'dark' } });
    await expect(api.getSettings!()).resolves.toEqual({ ok: true, value: { theme: 'dark' } });
    expect(invoke).toHaveBeenLastCalledWith('agromesh:getSettings', undefined);
    const error = { code: 'INVALID_INPUT', message: 'No.', details: { field: 'params.minutes' } };
    invoke.mockResolvedValueOnce({ ok: false, error });
    await expect(api.sendCommand!({})).resolves.toEqual({ ok: false, error });
  });

  it('refuses subscriptions to events outside the contract', () => {
    const api = exposed.get('agromesh') as { on: (e: string, l: () => void) => unknown };
    expect(() => api.on('ipc-anything', () => {})).toThrow(TypeError);
    expect(typeof api.on('farmsChanged', () => {})).toBe('function');
  });
});
