/** What the app says about itself and the person using it, and the settings and secrets they keep. */
import { z } from 'zod';
import { Role } from '../identity.ts';
import { controlPlaneUrlProblem } from '../tailnet-address.ts';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'browser']),
  /** Which tailnet the core talks to; `simulated` only in the demo and tests. */
  tailnet: z.enum(['simulated', 'localapi', 'api-v2', 'headscale', 'none']),
  platform: z.string(),
  locale: z.string(),
  /** Desktop app only: whether this system shows desktop notifications (Settings says so when not). */
  desktopNotifications: z.boolean().optional(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Me = z.object({
  user: z.string(),
  displayName: z.string(),
  nodeName: z.string(),
  roles: z.array(Role),
  /** True when at least one farm may be commanded; per farm, ask `mayCommand(commandFarms, farmId)`. */
  canCommand: z.boolean(),
  /** Farms this person may command: `'*'` for all, else farm ids or hostnames (protocol/identity.ts). */
  commandFarms: z.union([z.literal('*'), z.array(z.string())]),
  canEditTags: z.boolean(),
  canOnboard: z.boolean(),
  canEditFarmMetadata: z.boolean(),
  /** Why the tailnet gave these rights, in words, for the UI to explain hidden controls. */
  explanation: z.string(),
});
export type Me = z.infer<typeof Me>;

/** A control-plane URL an API key may be sent to (https, or http on loopback only). */
const ControlPlaneUrl = z
  .url()
  .max(500)
  .superRefine((v, ctx) => {
    const problem = controlPlaneUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  language: z.enum(['system', 'en', 'ru']),
  units: z.enum(['metric', 'imperial']),
  /**
   * Times of farm events (readings, charts, commands, alerts) in each farm's own zone, labelled where it
   * is not this computer's, or all in this computer's zone.
   */
  times: z.enum(['farm', 'computer']),
  /** A reading older than this is shown as stale (greyed, with its age). */
  staleAfterS: z.number().int().min(10).max(86_400),
  /** A farm unreachable for longer than this is shown as offline. */
  offlineAfterS: z.number().int().min(10).max(86_400),
  tailnet: z.object({
    backend: z.enum(['auto', 'localapi', 'api-v2', 'headscale']),
    localApiSocket: z.string().max(500).optional(),
    apiUrl: ControlPlaneUrl.optional(),
    tailnetName: z.string().max(200).optional(),
    headscaleUrl: ControlPlaneUrl.optional(),
  }),
  registry: z.object({
    /** Serve the discovery registry from this desktop (on its tailnet address). */
    embedded: z.boolean(),
    /** A registry to use instead of finding one tagged `tag:registry`. */
    url: z
      .url({
        protocol: /^https?$/,
        error: 'use the registry’s http:// or https:// address, e.g. http://registry:8090',
      })
      .max(500)
      .optional(),
  }),
  /** Desktop app: keep monitoring in the tray (Windows, Linux) when the window is closed. */
  keepRunningInTray: z.boolean(),
  /** Desktop app: start at login (Windows, macOS). */
  openAtLogin: z.boolean(),
  map: z.object({
    /** Online tile source (`{z}/{x}/{y}`); the bundled basemap is used when absent or unreachable. */
    tileUrl: z.string().max(500).optional(),
  }),
});
export type Settings = z.infer<typeof Settings>;

/**
 * A rule across fields: a reading turns stale before its farm is called offline (the other order would call
 * a farm offline while its last readings still look fresh). Checked by the core on save and by the form.
 */
export function settingsProblem(
  s: Pick<Settings, 'staleAfterS' | 'offlineAfterS'>,
): { field: 'staleAfterS'; message: string } | undefined {
  if (s.staleAfterS <= s.offlineAfterS) return undefined;
  return {
    field: 'staleAfterS',
    message: `Stale after (${s.staleAfterS} s) must not be longer than offline after (${s.offlineAfterS} s).`,
  };
}

/** What a new installation starts with; the renderer also shows these until the core's arrive. */
export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  language: 'system',
  units: 'metric',
  times: 'farm',
  staleAfterS: 120,
  offlineAfterS: 300,
  tailnet: { backend: 'auto' },
  registry: { embedded: false },
  keepRunningInTray: true,
  openAtLogin: false,
  map: {},
};

export const SecretsStatus = z.object({
  keychainAvailable: z.boolean(),
  stored: z.array(z.enum(['tailscale-api-key', 'tailscale-oauth-secret', 'headscale-api-key'])),
});
export type SecretsStatus = z.infer<typeof SecretsStatus>;

/** What support asks for, copied from Settings → About: versions, backend, tailnet state, recent problems — never secrets. */
export const Diagnostics = z.object({
  generatedAt: z.string(),
  app: AppInfo,
  /** Runtime versions (node; electron and chrome in the desktop app). */
  versions: z.record(z.string(), z.string()),
  backendSetting: Settings.shape.tailnet.shape.backend,
  /** `connected`: a tailnet session is up; otherwise `problem` says why not (as the UI does). */
  tailnet: z.object({ connected: z.boolean(), problem: z.string().nullable() }),
  farms: z.number().int(),
  firingAlerts: z.number().int(),
  /** The last warnings and errors the core logged (redacted), newest last. */
  recentProblems: z.array(
    z.object({ at: z.string(), level: z.enum(['warn', 'error']), scope: z.string(), message: z.string() }),
  ),
});
export type Diagnostics = z.infer<typeof Diagnostics>;
