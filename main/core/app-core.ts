/**
 * The composition root of the Node core: builds every service once, wires them into the contract's
 * handlers and owns shutdown. Electron's main process and the browser host both call createAppCore;
 * neither builds services of its own.
 */
import { join } from 'node:path';
import { AgromeshError } from '../../protocol/errors.ts';
import { FARM_TAG } from '../../protocol/device.ts';
import { mayCommand } from '../../protocol/identity.ts';
import {
  type AppInfo,
  type OperationHandlers,
  type Settings,
  settingsProblem,
} from '../../protocol/app/index.ts';
import { ResourceStack } from '../../kit/resources.ts';
import type { Logger } from '../../kit/log.ts';
import { createAlertHandlers } from './alerts/handlers.ts';
import type { Notifier } from './alerts/notifier.ts';
import { createAlertService } from './alerts/service.ts';
import { createProblemLog } from './diagnostics.ts';
import { canDisableKeyExpiry, canListAuthKeys, collectFleetHygiene } from './hygiene-source.ts';
import { CoreEvents } from './events.ts';
import { farmOperationHandlers } from './farms/index.ts';
import type { LinkSamplerTuning } from './link-quality/index.ts';
import { meFromIdentity } from './me.ts';
import { onboardingCommand } from './onboarding.ts';
import { isSafeExternalUrl } from './safe-external.ts';
import type { SecretName, SecretStore } from './settings/secret-store.ts';
import type { SettingsStore } from './settings/settings-store.ts';
import { type SimulatedTailnet, type TailnetSession, startTailnetSession } from './tailnet-session.ts';
import { policyTags, tagRefusal } from './tailnet/policy-tags.ts';

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
  /** Desktop notifications for alerts (Electron); the browser host relies on the alertsChanged event. */
  notifier?: Notifier;
  /** Whether the desktop shows notifications at all (Electron's Notification.isSupported()). */
  desktopNotifications?: boolean;
  /** Runtime versions for diagnostics (the shell adds electron and chrome); default node's. */
  versions?: Record<string, string>;
  /** Demo and tests only: a simulated tailnet instead of this computer's. */
  simulatedTailnet?: SimulatedTailnet;
  /** Environment for tailnet credentials (TS_API_KEY, …); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait before retrying a tailnet that could not be reached (default 15 s). */
  retryMs?: number;
  /** Folder of gateway .deb packages the embedded registry serves to new farms (onboarding). */
  gatewayPackagesDir?: string | undefined;
  /** Link-quality sampling rates (default: a status a minute, a ping per farm every five). */
  linkTuning?: Partial<LinkSamplerTuning> | undefined;
}

export interface AppCore {
  handlers: OperationHandlers;
  events: CoreEvents;
  /** Resolves once the first attempt to reach the tailnet has finished (successfully or not). */
  ready: Promise<void>;
  dispose(): Promise<void>;
}

const SESSION_KEYS = ['tailnet', 'registry', 'staleAfterS', 'offlineAfterS'] as const;

export async function createAppCore(options: AppCoreOptions): Promise<AppCore> {
  const stack = new ResourceStack();
  const events = new CoreEvents();
  const { settings, secrets } = options;
  const problems = createProblemLog(options.log);
  const log = problems.log;

  const alerts = stack.add(
    createAlertService({
      dataDir: options.dataDir,
      log: log.child('alerts'),
      ...(options.notifier ? { notifier: options.notifier } : {}),
    }),
  );
  stack.defer(alerts.onChanged((payload) => events.emit('alertsChanged', payload)));

  // The tailnet session is rebuilt when its settings change; until it is up, handlers say why not.
  let session: TailnetSession | null = null;
  let sessionError = 'Agromesh is still connecting to the tailnet.';
  let retryTimer: NodeJS.Timeout | undefined;
  let generation = 0;
  let disposed = false;

  const startSession = async (): Promise<void> => {
    const mine = ++generation;
    clearTimeout(retryTimer);
    const previous = session;
    session = null;
    await previous?.dispose();
    try {
      const next = await startTailnetSession({
        settings: settings.read(),
        secrets,
        dataDir: options.dataDir,
        env: options.env ?? process.env,
        simulated: options.simulatedTailnet,
        events,
        alerts,
        log,
        gatewayPackagesDir: options.gatewayPackagesDir,
        linkTuning: options.linkTuning,
      });
      if (mine !== generation || disposed) return void (await next.dispose());
      session = next;
      events.emit('devicesChanged', { at: new Date().toISOString() });
    } catch (err) {
      if (mine !== generation || disposed) return;
      sessionError = err instanceof AgromeshError ? err.message : 'The tailnet could not be reached.';
      log.warn('tailnet session failed; retrying', { err });
      retryTimer = setTimeout(() => void startSession(), options.retryMs ?? 15_000);
    }
  };
  stack.defer(async () => {
    disposed = true;
    clearTimeout(retryTimer);
    await session?.dispose();
  });

  const live = (): TailnetSession => {
    if (!session) throw new AgromeshError('UNAVAILABLE', `${sessionError} Check Settings → Tailnet.`);
    return session;
  };
  const me = () => meFromIdentity(session?.self ?? null, session?.manager.kind ?? 'localapi');
  const caller = () => {
    const m = me();
    return m.user === 'unknown' ? 'unknown' : `${m.user} (${m.nodeName})`;
  };
  const require = (allowed: boolean, what: string) => {
    if (!allowed)
      throw new AgromeshError('FORBIDDEN', `Your tailnet role does not allow ${what}. ${me().explanation}`);
  };
  const secretsStatus = async () => ({ keychainAvailable: secrets.available, stored: await secrets.list() });

  const farmHandlers = farmOperationHandlers(() => live().farms, {
    whoAmI: caller,
    canCommand: (farmId) => mayCommand(me().commandFarms, farmId),
  });

  const appInfo = (): AppInfo => ({
    name: 'Agromesh',
    version: options.version,
    host: options.host,
    tailnet: options.simulatedTailnet ? 'simulated' : (session?.manager.kind ?? 'none'),
    platform: options.platform,
    locale: options.locale,
    ...(options.desktopNotifications === undefined
      ? {}
      : { desktopNotifications: options.desktopNotifications }),
  });

  const handlers: OperationHandlers = {
    getAppInfo: () => Promise.resolve(appInfo()),
    getDiagnostics: () =>
      Promise.resolve({
        generatedAt: new Date().toISOString(),
        app: appInfo(),
        versions: options.versions ?? { node: process.versions.node },
        backendSetting: settings.read().tailnet.backend,
        tailnet: { connected: session !== null, problem: session ? null : sessionError },
        farms: session?.discovery.listFarms().length ?? 0,
        firingAlerts: alerts.counts().firing,
        recentProblems: problems.recent(),
      }),
    getMe: () => Promise.resolve(me()),
    getSettings: () => Promise.resolve(settings.read()),
    updateSettings: async (patch) => {
      const before = settings.read();
      const next: Settings = { ...before, ...patch };
      // Checked only when this save touches the two thresholds: a stored pair from before the rule must not
      // block changing the theme.
      const touchesThresholds = patch.staleAfterS !== undefined || patch.offlineAfterS !== undefined;
      const problem = touchesThresholds ? settingsProblem(next) : undefined;
      if (problem)
        throw new AgromeshError('VALIDATION', problem.message, { details: { field: problem.field } });
      // A stored key belongs to the control plane it was entered for: pointing the URL elsewhere
      // discards it (re-enter it to use it there), so no caller can send an existing key to a new origin.
      const discard: SecretName[] = [];
      if (before.tailnet.apiUrl !== next.tailnet.apiUrl)
        discard.push('tailscale-api-key', 'tailscale-oauth-secret');
      if (before.tailnet.headscaleUrl !== next.tailnet.headscaleUrl) discard.push('headscale-api-key');
      if (secrets.available) for (const name of discard) await secrets.delete(name);
      settings.write(next);
      events.emit('settingsChanged', next);
      if (SESSION_KEYS.some((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k])))
        void startSession();
      return next;
    },
    getSecretsStatus: secretsStatus,
    storeSecret: async ({ name, value }) => {
      await secrets.set(name, value);
      void startSession();
      return secretsStatus();
    },
    deleteSecret: async ({ name }) => {
      await secrets.delete(name);
      void startSession();
      return secretsStatus();
    },
    listFarms: () => Promise.resolve(session?.discovery.listFarms() ?? []),
    getFarm: ({ farmId }) => {
      const detail = live().discovery.getFarmDetail(farmId);
      if (!detail) throw new AgromeshError('NOT_FOUND', `No farm "${farmId}" on this tailnet.`);
      return Promise.resolve({ summary: detail.summary, info: detail.info, device: detail.device });
    },
    updateFarmMetadata: async ({ farmId, ...patch }) => {
      require(me().canEditFarmMetadata, 'editing farm details');
      const { discovery, posture } = live();
      const summary = await discovery.updateFarmMetadata(farmId, patch);
      // The registry holds the text; the device's attributes follow before the answer, so the page that
      // asked shows them in step. A slow API does not hold the save: after 10 s the write goes on in the
      // background (a failure is retried there and shown on the page).
      if (patch.region !== undefined || patch.crop !== undefined || patch.owner !== undefined) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          posture.syncFarm(summary.farmId),
          new Promise((resolve) => (timer = setTimeout(resolve, 10_000))),
        ]).finally(() => clearTimeout(timer));
      }
      return summary;
    },
    getFarmPolicyAttributes: ({ farmId }) => live().posture.status(farmId),
    ...farmHandlers,
    getFarmLink: (input) => Promise.resolve(live().linkQuality.farmLink(input)),
    listDevices: async ({ tag, untagged }) => {
      const devices = await live().manager.listDevices(tag ? { tag } : undefined);
      return untagged ? devices.filter((d) => d.tags.length === 0) : devices;
    },
    listPolicyTags: async () => {
      const { manager } = live();
      if (!manager.capabilities.has('policy')) return { tags: [], known: false };
      try {
        return { tags: policyTags((await manager.getPolicy()).text), known: true };
      } catch {
        return { tags: [], known: false }; // e.g. an API key without the policy scope: free text still works
      }
    },
    setDeviceTags: async ({ deviceId, tags }) => {
      require(me().canEditTags, 'editing device tags');
      const { manager } = live();
      try {
        await manager.setTags(deviceId, tags);
      } catch (err) {
        const devices = await manager.listDevices().catch(() => []);
        throw tagRefusal(err, devices.find((d) => d.id === deviceId)?.name ?? deviceId, tags);
      }
      const device = (await manager.listDevices()).find((d) => d.id === deviceId);
      if (!device) throw new AgromeshError('NOT_FOUND', `Device ${deviceId} is no longer on the tailnet.`);
      events.emit('devicesChanged', { at: new Date().toISOString() });
      return device;
    },
    createFarmAuthKey: async ({ farmName, expiryHours }) => {
      require(me().canOnboard, 'onboarding farms');
      const key = await live().manager.createAuthKey({
        tags: [FARM_TAG],
        preauthorized: true,
        reusable: false,
        ephemeral: false,
        expirySeconds: expiryHours * 3600,
        description: `Agromesh farm ${farmName}`,
      });
      const session = live();
      const onboarding = onboardingCommand({
        farmName,
        registryUrl: session.registryUrl,
        packages: await session.gatewayPackages(),
        // Farms of a Headscale tailnet log in there; Tailscale's own is the CLI's default.
        loginServer: session.manager.kind === 'headscale' ? settings.read().tailnet.headscaleUrl : undefined,
      });
      return {
        key: key.key,
        expiresAt: key.expires ?? new Date(Date.now() + expiryHours * 3600_000).toISOString(),
        installCommand: onboarding.command,
        packageSource: onboarding.packageSource,
      };
    },
    getFleetHygiene: async () => {
      require(me().roles.includes('support'), 'viewing fleet hygiene');
      return collectFleetHygiene(live(), options.version, Date.now());
    },
    revokeAuthKey: async ({ keyId }) => {
      require(me().roles.includes('support'), 'revoking auth keys');
      const { manager } = live();
      if (!canListAuthKeys(manager))
        throw new AgromeshError('TAILNET_UNSUPPORTED', 'This tailnet backend cannot revoke auth keys.');
      await manager.revokeAuthKey(keyId);
      log.info('auth key revoked', { keyId, by: caller() });
    },
    disableKeyExpiry: async ({ deviceId }) => {
      require(me().roles.includes('support'), 'changing key expiry');
      const { manager } = live();
      if (!canDisableKeyExpiry(manager))
        throw new AgromeshError(
          'TAILNET_UNSUPPORTED',
          'Only the Tailscale API can disable key expiry; sign the node in again instead.',
        );
      await manager.setKeyExpiryDisabled(deviceId, true);
      log.info('node key expiry disabled', { deviceId, by: caller() });
      const device = (await manager.listDevices()).find((d) => d.id === deviceId);
      if (!device) throw new AgromeshError('NOT_FOUND', `Device ${deviceId} is no longer on the tailnet.`);
      events.emit('devicesChanged', { at: new Date().toISOString() });
      return device;
    },
    ...createAlertHandlers(alerts, caller),
    openExternal: async ({ url }) => {
      if (!isSafeExternalUrl(url))
        throw new AgromeshError('VALIDATION', 'Only http and https links can be opened.');
      if (!options.openExternal) throw new AgromeshError('UNAVAILABLE', 'Open the link from your browser.');
      await options.openExternal(url);
    },
  };

  const ready = startSession();
  log.info('core started', { host: options.host, dataDir: join(options.dataDir) });
  return {
    handlers,
    events,
    ready,
    dispose: async () => {
      await stack.dispose();
      log.info('core stopped');
    },
  };
}
