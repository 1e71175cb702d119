/**
 * TailscaleManager over the local tailscaled (zero-config default): devices from /status, who-is, and a
 * live stream from watch-ipn-bus — one InitialStatus snapshot then PeersChanged/PeersRemoved/
 * PeerChangedPatch deltas on daemons ≥ 1.100, or "something changed" notifications + status polling on
 * older ones. Changes to the tailnet (tags, keys, policy) need API access and say so.
 */
import { backoffDelay } from '../../../protocol/backoff.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import type { CallerIdentity } from '../../../protocol/identity.ts';
import { type Logger, silentLogger } from '../../../kit/log.ts';
import { int64String } from '../../../kit/tailscale/lossless-json.ts';
import type { LocalApiClient } from '../../../kit/tailscale/localapi.ts';
import {
  NotifyMask,
  type Notify,
  type Status,
  type UserProfile,
} from '../../../kit/tailscale/localapi-types.ts';
import { DeviceHub, type DeviceSource } from './device-hub.ts';
import type { TailnetCapability, TailscaleManager } from './manager.ts';
import {
  applyPeerChange,
  dedupeById,
  devicesFromStatus,
  filterByTag,
  fromTailcfgNode,
  matchDevice,
} from './normalize.ts';
import { unsupported } from './unsupported.ts';

export interface LocalApiManagerOptions {
  client: LocalApiClient;
  logger?: Logger;
  /** Safety poll on old daemons, and reconnect ceiling. */
  pollIntervalMs?: number;
  /** Debounce between a change notification and the status poll it triggers (old daemons). */
  debounceMs?: number;
  /** Where the client connects, for messages. */
  target?: string;
}

/** InitialStatus (v1.100+) and PeerChanges (v1.98+) are needed for the delta stream. */
export function supportsDeltaStream(version: string): boolean {
  const [maj = 0, min = 0] = (version.split('-')[0] ?? '').split('.').map((n) => Number(n) || 0);
  return maj > 1 || (maj === 1 && min >= 100);
}

export const DELTA_MASK =
  NotifyMask.InitialState | NotifyMask.InitialStatus | NotifyMask.PeerChanges | NotifyMask.PeerPatches;
export const LEGACY_MASK = NotifyMask.EngineUpdates | NotifyMask.RateLimit;

function busSource(
  client: LocalApiClient,
  log: Logger,
  pollIntervalMs: number,
  debounceMs: number,
): DeviceSource {
  return {
    start(hub) {
      let stopped = false;
      let watch: { close(): void } | undefined;
      let pollTimer: NodeJS.Timeout | undefined;
      let debounce: NodeJS.Timeout | undefined;
      let reconnectTimer: NodeJS.Timeout | undefined;
      let failures = 0;
      const users = new Map<string, UserProfile>();
      const stableByNodeId = new Map<string, string>();
      let selfId: string | undefined;

      const learn = (status: Status) => {
        for (const [id, u] of Object.entries(status.User)) users.set(id, u);
        if (status.Self) {
          selfId = status.Self.ID;
          if (status.Self.NodeID !== undefined)
            stableByNodeId.set(int64String(status.Self.NodeID), status.Self.ID);
        }
        for (const p of Object.values(status.Peer))
          if (p.NodeID !== undefined) stableByNodeId.set(int64String(p.NodeID), p.ID);
      };
      const snapshotFrom = (status: Status) => {
        learn(status);
        hub.replaceAll(dedupeById(devicesFromStatus(status)).devices);
      };
      const poll = async () => {
        try {
          const status = await client.status();
          if (!stopped) snapshotFrom(status);
        } catch (err) {
          log.warn('status poll failed', { err });
        }
      };
      const schedulePoll = () => {
        clearTimeout(debounce);
        debounce = setTimeout(() => void poll(), debounceMs);
      };

      const onDelta = (n: Notify) => {
        if (n.UserProfiles) for (const [id, u] of Object.entries(n.UserProfiles)) users.set(id, u);
        if (n.InitialStatus) snapshotFrom(n.InitialStatus);
        if (n.SelfChange) {
          stableByNodeId.set(int64String(n.SelfChange.ID), n.SelfChange.StableID);
          const prev = hub.get(n.SelfChange.StableID);
          hub.upsert({ ...fromTailcfgNode(n.SelfChange, users, prev), connection: { kind: 'unknown' } });
        }
        for (const node of n.PeersChanged ?? []) {
          stableByNodeId.set(int64String(node.ID), node.StableID);
          hub.upsert(fromTailcfgNode(node, users, hub.get(node.StableID)));
        }
        for (const nodeId of n.PeersRemoved ?? []) {
          const id = stableByNodeId.get(int64String(nodeId));
          if (id !== undefined && id !== selfId) hub.remove(id);
        }
        for (const change of n.PeerChangedPatch ?? []) {
          const id = stableByNodeId.get(int64String(change.NodeID));
          const prev = id === undefined ? undefined : hub.get(id);
          if (prev) hub.upsert(applyPeerChange(prev, change));
          else schedulePoll(); // a patch for a node we have not seen: resync
        }
      };

      const connect = async () => {
        if (stopped) return;
        let deltas: boolean;
        try {
          const status = await client.status();
          if (stopped) return;
          deltas = supportsDeltaStream(status.Version);
          if (!deltas) snapshotFrom(status);
        } catch (err) {
          log.warn('cannot read tailscaled status; will retry', { err });
          return reconnect();
        }
        log.debug('watching tailscaled', { mode: deltas ? 'deltas' : 'polling' });
        const w = client.watch(deltas ? DELTA_MASK : LEGACY_MASK, deltas ? onDelta : () => schedulePoll(), {
          onError: () => reconnect(),
          onEnd: () => reconnect(),
        });
        watch = w;
        failures = 0;
        if (!deltas) {
          clearInterval(pollTimer);
          pollTimer = setInterval(() => void poll(), pollIntervalMs);
        }
      };
      const reconnect = () => {
        if (stopped) return;
        failures += 1;
        clearTimeout(reconnectTimer);
        reconnectTimer = setTimeout(
          () => void connect(),
          backoffDelay(
            { baseMs: 250, factor: 2, capMs: Math.min(pollIntervalMs, 32_000), jitter: 'none' },
            failures,
          ),
        );
      };
      void connect();
      return () => {
        stopped = true;
        watch?.close();
        clearInterval(pollTimer);
        clearTimeout(debounce);
        clearTimeout(reconnectTimer);
      };
    },
  };
}

export function createLocalApiManager(options: LocalApiManagerOptions): TailscaleManager {
  const { client } = options;
  const log = options.logger ?? silentLogger;
  const hub = new DeviceHub(
    busSource(client, log, options.pollIntervalMs ?? 10_000, options.debounceMs ?? 100),
    log,
  );
  const capabilities: ReadonlySet<TailnetCapability> = new Set<TailnetCapability>([
    'listDevices',
    'whois',
    'watch',
  ]);
  const list = async (): Promise<TailnetDevice[]> => {
    const { devices, duplicates } = dedupeById(devicesFromStatus(await client.status()));
    if (duplicates.length > 0) log.warn('tailscaled listed devices twice', { duplicates });
    // With Headscale, a peer that went offline has no LastSeen in /status (the patch carried none);
    // the watch saw when it happened.
    return devices.map((d) =>
      d.online || d.lastSeen !== null ? d : { ...d, lastSeen: hub.get(d.id)?.lastSeen ?? null },
    );
  };

  return {
    kind: 'localapi',
    capabilities,
    target: options.target,
    listDevices: async (filter) => filterByTag(await list(), filter?.tag),
    findDevice: async (name) => matchDevice(await list(), name),
    whois: (address) => client.whois(address),
    self: async (): Promise<CallerIdentity | null> => {
      const status = await client.status({ peers: false });
      const ip = status.Self?.TailscaleIPs[0] ?? status.TailscaleIPs[0];
      if (!status.Self || ip === undefined) return null;
      const who = await client.whois(ip);
      if (who) return who;
      const user = status.User[int64String(status.Self.UserID)];
      return {
        address: ip,
        nodeId: status.Self.ID,
        nodeName: status.Self.DNSName.split('.')[0] || status.Self.HostName,
        user: status.Self.Tags.length > 0 ? 'tagged-devices' : (user?.LoginName ?? ''),
        userDisplayName: user?.DisplayName ?? '',
        tags: [...status.Self.Tags],
        capabilities: {},
      };
    },
    setTags: () => Promise.reject(unsupported('localapi', 'setTags')),
    createAuthKey: () => Promise.reject(unsupported('localapi', 'createAuthKey')),
    getPolicy: () => Promise.reject(unsupported('localapi', 'policy')),
    validatePolicy: () => Promise.reject(unsupported('localapi', 'policy')),
    setPolicy: () => Promise.reject(unsupported('localapi', 'policy')),
    getPosture: () => Promise.reject(unsupported('localapi', 'posture')),
    setPosture: () => Promise.reject(unsupported('localapi', 'posture')),
    deletePosture: () => Promise.reject(unsupported('localapi', 'posture')),
    watch: (listener) => hub.subscribe(listener),
    dispose: async () => {
      hub.close();
      await client.dispose();
    },
  };
}
