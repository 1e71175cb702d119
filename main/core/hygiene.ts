/**
 * The fleet-hygiene radar as one pure function: from the tailnet's devices, its auth keys (when the backend
 * lists them), the gateways discovery has heard from and this control room's version, at `now`, what support
 * should fix and what the backend lets the app do about it. No I/O: the clock and every list come in.
 */
import { FARM_TAG, type TailnetBackendKind, type TailnetDevice } from '../../protocol/device.ts';
import {
  AUTH_KEY_WARN_DAYS,
  type FleetHygiene,
  type HygieneAction,
  type HygieneCheck,
  type HygieneFinding,
  NODE_KEY_WARN_DAYS,
  UNSEEN_DAYS,
} from '../../protocol/app/hygiene.ts';
import type { AuthKeyInfo } from './tailnet/manager.ts';

const DAY_MS = 86_400_000;

/** A gateway that answered /api/info or heartbeated to the registry, by the tailnet address it runs on. */
export interface GatewaySeen {
  address: string;
  farmId: string;
  version: string;
}

export interface HygieneInput {
  now: number;
  /** This control room's Agromesh version. */
  appVersion: string;
  backend: TailnetBackendKind;
  devices: readonly TailnetDevice[];
  /** null: this backend cannot list auth keys (the reason goes in `authKeysUnavailable`). */
  authKeys: readonly AuthKeyInfo[] | null;
  authKeysUnavailable?: string;
  gateways: readonly GatewaySeen[];
  /** What the backend (and the caller's role) allows: setTags, revokeAuthKey, setKeyExpiryDisabled. */
  can: { retag: boolean; revokeKey: boolean; disableKeyExpiry: boolean };
}

/** -1, 0 or 1; a pre-release sorts before its release; unparseable versions compare equal (no finding). */
export function compareSemver(a: string, b: string): number {
  const parse = (v: string) => /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/.exec(v.trim());
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return 0;
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return Math.sign(d);
  }
  if (x[4] === y[4]) return 0;
  if (x[4] === undefined) return 1;
  if (y[4] === undefined) return -1;
  return x[4] < y[4] ? -1 : 1;
}

const NONE: HygieneAction = { kind: 'none' };
const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;
const day = (iso: string) => iso.slice(0, 10);

export function fleetHygiene(input: HygieneInput): FleetHygiene {
  const { now, devices } = input;
  const findings: HygieneFinding[] = [];
  const skipped: FleetHygiene['skipped'] = [];
  const skip = (check: HygieneCheck, reason: string) => skipped.push({ check, reason });
  const device = (d: TailnetDevice, f: Omit<HygieneFinding, 'subject' | 'id' | 'name'>) =>
    findings.push({ subject: 'device', id: d.id, name: d.name, ...f });

  for (const d of devices) {
    const expiry = d.keyExpiryDisabled || !d.keyExpiry ? NaN : Date.parse(d.keyExpiry);
    if (Number.isFinite(expiry)) {
      const at = new Date(expiry).toISOString();
      const farm = d.tags.includes(FARM_TAG);
      const consequence = farm
        ? 'the node drops off the tailnet; its farm goes offline'
        : 'the node drops off the tailnet';
      const todo = input.can.disableKeyExpiry
        ? 'Disable key expiry for the node (tagged servers need no expiry), or sign it in again (tailscale up --force-reauth on that computer).'
        : 'Sign the node in again (tailscale up --force-reauth on that computer)' +
          (input.backend === 'api-v2'
            ? ', or disable key expiry for it in the Tailscale admin console.'
            : '.');
      // Which fix `todo` names, for the renderer's wording.
      const fix = input.can.disableKeyExpiry
        ? 'disable'
        : input.backend === 'api-v2'
          ? 'reauth-or-admin'
          : 'reauth';
      const action: HygieneAction = input.can.disableKeyExpiry
        ? { kind: 'disable-key-expiry', deviceId: d.id }
        : NONE;
      if (expiry <= now) {
        device(d, {
          kind: 'node-key-expired',
          severity: 'critical',
          at,
          facts: { consequence: farm ? 'farm-offline' : 'node-off-tailnet', fix },
          what: `The node key expired on ${day(at)}: ${consequence}.`,
          todo,
          action,
        });
      } else if (expiry - now <= NODE_KEY_WARN_DAYS * DAY_MS) {
        device(d, {
          kind: 'node-key-expiring',
          severity: farm ? 'warning' : 'info',
          at,
          facts: { consequence: farm ? 'farm-offline' : 'node-off-tailnet', fix },
          what: `The node key expires on ${day(at)}; then ${consequence}.`,
          todo,
          action,
        });
      }
    }

    if (d.updateAvailable) {
      device(d, {
        kind: 'client-update-available',
        severity: 'info',
        at: null,
        facts: { version: d.clientVersion },
        what: `Tailscale ${d.clientVersion || '(version unknown)'} runs here and an update is available.`,
        todo: 'Update Tailscale on that computer (tailscale update, or its package manager).',
        action: NONE,
      });
    }

    const seen = d.lastSeen ? Date.parse(d.lastSeen) : NaN;
    if (d.tags.length > 0 && !d.online && Number.isFinite(seen) && now - seen >= UNSEEN_DAYS * DAY_MS) {
      const at = new Date(seen).toISOString();
      device(d, {
        kind: 'tagged-node-unseen',
        severity: 'warning',
        at,
        facts: { tags: d.tags.join(' ') },
        what: `Not seen on the tailnet since ${day(at)}.`,
        todo: 'Check the computer’s power and network; if it was retired, remove it from the tailnet.',
        action: NONE,
      });
    }
  }

  const byAddress = new Map<string, TailnetDevice>();
  for (const d of devices) for (const a of [...d.ipv4, ...d.ipv6]) byAddress.set(a, d);
  const gatewayDevices = new Set<string>();
  for (const g of input.gateways) {
    const d = byAddress.get(g.address);
    if (!d || gatewayDevices.has(d.id)) continue;
    gatewayDevices.add(d.id);
    if (compareSemver(g.version, input.appVersion) < 0) {
      device(d, {
        kind: 'gateway-outdated',
        severity: 'warning',
        at: null,
        facts: { version: g.version, latest: input.appVersion, farmId: g.farmId },
        what: `The farm gateway runs Agromesh ${g.version}, older than this control room’s ${input.appVersion}.`,
        todo: 'Install the current agromesh-gateway package on the farm computer.',
        action: NONE,
      });
    }
    if (!d.tags.includes(FARM_TAG)) {
      device(d, {
        kind: 'gateway-untagged',
        severity: 'warning',
        at: null,
        facts: { farmId: g.farmId },
        what: `A farm gateway runs here but the node lacks ${FARM_TAG}, so it is not on the map or the farm list.`,
        todo: `Add ${FARM_TAG} to the node.`,
        action: input.can.retag ? { kind: 'retag', deviceId: d.id, tags: [...d.tags, FARM_TAG] } : NONE,
      });
    }
  }

  if (input.authKeys === null) {
    skip('auth-keys', input.authKeysUnavailable ?? 'This backend cannot list auth keys.');
  } else {
    const usage = input.authKeys.some((k) => k.used !== undefined);
    if (!usage && input.backend === 'api-v2')
      skip('auth-key-usage', 'The Tailscale API does not say whether an auth key has been used.');
    for (const k of input.authKeys) {
      if (k.invalid) continue;
      const expiry = k.expires ? Date.parse(k.expires) : NaN;
      const name = k.description ?? k.id;
      const action: HygieneAction = input.can.revokeKey ? { kind: 'revoke-key', keyId: k.id } : NONE;
      if (Number.isFinite(expiry) && expiry > now && expiry - now <= AUTH_KEY_WARN_DAYS * DAY_MS) {
        const at = new Date(expiry).toISOString();
        findings.push({
          kind: 'auth-key-expiring',
          severity: 'warning',
          subject: 'auth-key',
          id: k.id,
          name,
          at,
          facts: { tags: k.tags.join(' ') },
          what: `The onboarding key expires on ${day(at)}; a farm that has not joined with it by then cannot.`,
          todo: 'If the farm has yet to join, create a new key in Onboard a farm; revoke keys no longer needed.',
          action,
        });
      }
      if (k.used === false) {
        findings.push({
          kind: 'auth-key-unused',
          severity: 'info',
          subject: 'auth-key',
          id: k.id,
          name,
          at: Number.isFinite(expiry) ? new Date(expiry).toISOString() : null,
          facts: { tags: k.tags.join(' ') },
          what: 'The onboarding key has never been used: anyone holding it can join a node to the tailnet.',
          todo: 'Revoke it unless a farm is about to join with it.',
          action,
        });
      }
    }
  }

  if (input.backend === 'headscale')
    skip('client-versions', 'Headscale does not report Tailscale client versions or available updates.');
  if (input.backend === 'localapi')
    skip('client-versions', 'The local tailscaled reports available updates for this computer only.');

  findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.at ?? '\uffff').localeCompare(b.at ?? '\uffff') ||
      a.name.localeCompare(b.name),
  );
  return { generatedAt: new Date(now).toISOString(), findings, skipped };
}
