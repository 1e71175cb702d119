/**
 * The composition root of the Node core: builds every service once, wires them into the contract's
 * handlers and owns shutdown. Electron's main process and the browser host both call createAppCore;
 * neither builds services of its own.
 */
import { AgromeshError } from '../../protocol/errors.ts';
import type { OperationHandlers, Settings } from '../../preload/contract.ts';
import { DisposableStack } from '../../kit/disposable.ts';
import type { Logger } from '../../kit/log.ts';
import { CoreEvents } from './events.ts';
import type { SecretStore } from './settings/secret-store.ts';
import type { SettingsStore } from './settings/settings-store.ts';
import { isSafeExternalUrl } from './safe-external.ts';

export interface AppCoreOptions {
  host: 'electron' | 'browser';
  version: string;
  locale: string;
  platform: string;
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  log: Logger;
  /** Opens a vetted http(s) URL in the user's browser (Electron shell); absent in the browser host. */
  openExternal?: (url: string) => Promise<void>;
}

export interface AppCore {
  handlers: OperationHandlers;
  events: CoreEvents;
  dispose(): Promise<void>;
}

function notConnected(what: string): () => Promise<never> {
  return () =>
    Promise.reject(
      new AgromeshError('UNAVAILABLE', `${what} needs a tailnet connection; set one up in Settings.`),
    );
}

export async function createAppCore(options: AppCoreOptions): Promise<AppCore> {
  const stack = new DisposableStack();
  const events = new CoreEvents();
  const { settings, secrets, log } = options;

  const secretsStatus = async () => ({ keychainAvailable: secrets.available, stored: await secrets.list() });

  const handlers: OperationHandlers = {
    getAppInfo: () =>
      Promise.resolve({
        name: 'Agromesh',
        version: options.version,
        host: options.host,
        tailnet: 'none',
        platform: options.platform,
        locale: options.locale,
      }),
    getMe: () =>
      Promise.resolve({
        user: 'unknown',
        displayName: 'Not on a tailnet',
        nodeName: '',
        roles: [],
        canCommand: false,
        canEditTags: false,
        canOnboard: false,
        canEditFarmMetadata: false,
        explanation: 'This computer is not connected to a tailnet, so it has no role yet.',
      }),
    getSettings: () => Promise.resolve(settings.read()),
    updateSettings: (patch) => {
      const next: Settings = { ...settings.read(), ...patch };
      settings.write(next);
      events.emit('settingsChanged', next);
      return Promise.resolve(next);
    },
    getSecretsStatus: secretsStatus,
    storeSecret: async ({ name, value }) => {
      await secrets.set(name, value);
      return secretsStatus();
    },
    deleteSecret: async ({ name }) => {
      await secrets.delete(name);
      return secretsStatus();
    },
    listFarms: () => Promise.resolve([]),
    getFarm: notConnected('Farm details'),
    updateFarmMetadata: notConnected('Editing a farm'),
    getHistory: notConnected('History'),
    sendCommand: notConnected('Sending a command'),
    getCommand: notConnected('Command status'),
    listCommands: () => Promise.resolve([]),
    exportCommandsCsv: () => Promise.resolve({ filename: 'agromesh-commands.csv', csv: '' }),
    listDevices: () => Promise.resolve([]),
    setDeviceTags: notConnected('Editing tags'),
    createFarmAuthKey: notConnected('Onboarding a farm'),
    // Alerts: stubs until the lead wires createAlertService (main/core/alerts/service.ts).
    listAlertRules: () => Promise.resolve([]),
    saveAlertRule: notConnected('Alert rules'),
    deleteAlertRule: notConnected('Alert rules'),
    listAlerts: () => Promise.resolve({ alerts: [], counts: { firing: 0, acknowledged: 0 } }),
    acknowledgeAlert: notConnected('Acknowledging an alert'),
    testWebhook: notConnected('Testing a webhook'),
    openExternal: async ({ url }) => {
      if (!isSafeExternalUrl(url)) throw new AgromeshError('VALIDATION', 'Only http and https links can be opened.');
      if (!options.openExternal) throw new AgromeshError('UNAVAILABLE', 'Open the link from your browser.');
      await options.openExternal(url);
    },
  };

  log.info('core started', { host: options.host, dataDir: options.dataDir });
  return {
    handlers,
    events,
    dispose: async () => {
      await stack.dispose();
      log.info('core stopped');
    },
  };
}
