import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { operationNames } from '../../protocol/app/index.ts';
import { createAppCore } from '../../main/core/app-core.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';

type Handler = (
  event: unknown,
  input: unknown,
) => Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
const handlers = new Map<string, Handler>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const APP_URL = 'file:///opt/agromesh/dist/renderer/index.html';
const mainFrame = (url = APP_URL) => ({ url, parent: null });
const event = (senderId: number, frame: { url: string; parent: unknown } | null) => ({
  sender: { id: senderId },
  senderFrame: frame,
});

describe('IPC bridge', () => {
  let trust: (wc: unknown) => void;
  // Its own folder and its own simulated tailnet: the test never writes outside a temporary folder nor
  // asks this machine's tailscaled anything.
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-ipc-'));
  let sim: SimTailnetHandle;
  let dispose = async () => {};
  beforeAll(async () => {
    const { registerIpc } = await import('../../main/electron/ipc.ts');
    sim = await startSimTailnet({ dir });
    const device = sim.tailnet.addDevice({ name: 'office-pc', user: 'ops@example.com' });
    const socket = join(dir, 'office-pc.sock');
    await sim.serveLocalApi('office-pc', socket);
    const core = await createAppCore({
      host: 'electron',
      version: '1.0.0',
      locale: 'en',
      platform: 'linux',
      dataDir: join(dir, 'app'),
      settings: createMemorySettingsStore(),
      secrets: createUnavailableSecretStore('none'),
      log: silentLogger,
      simulatedTailnet: {
        localApiSocket: socket,
        selfAddress: device.ipv4!,
        api: { url: sim.apiUrl, apiKey: sim.apiKey },
      },
    });
    const bridge = registerIpc(core, APP_URL, silentLogger);
    trust = (wc) => bridge.trust(wc as never);
    trust({ id: 7, once: () => {}, isDestroyed: () => false, send: () => {} });
    dispose = async () => {
      bridge.dispose();
      await core.dispose();
      await sim.dispose();
    };
  });
  afterAll(async () => {
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers exactly one channel per contract operation', () => {
    expect([...handlers.keys()].sort()).toEqual(operationNames.map((n) => `agromesh:${n}`).sort());
  });

  it('answers the app window and refuses other senders, subframes and foreign pages', async () => {
    const call = handlers.get('agromesh:getSettings')!;
    expect((await call(event(7, mainFrame()), undefined)).ok).toBe(true);
    expect((await call(event(8, mainFrame()), undefined)).error?.code).toBe('FORBIDDEN');
    expect((await call(event(7, { url: APP_URL, parent: {} }), undefined)).error?.code).toBe('FORBIDDEN');
    expect((await call(event(7, mainFrame('https://evil.example/')), undefined)).error?.code).toBe(
      'FORBIDDEN',
    );
    expect((await call(event(7, null), undefined)).error?.code).toBe('FORBIDDEN');
  });

  it('validates every input against the contract', async () => {
    const update = handlers.get('agromesh:updateSettings')!;
    const bad = await update(event(7, mainFrame()), { theme: 'purple' });
    expect(bad.ok).toBe(false);
    expect(bad.error?.code).toBe('VALIDATION');
    const good = await update(event(7, mainFrame()), { theme: 'dark' });
    expect(good).toMatchObject({ ok: true, value: { theme: 'dark' } });
  });
});
