/**
 * A simulated tailscaled LocalAPI on a unix socket, answering as one node (`self`) of a SimTailnet:
 * status, whois (by tailnet IP, loopback alias or node key) and watch-ipn-bus with peer deltas.
 * A daemon may also start logged out (`pending`): it reports NeedsLogin until `POST /localapi/v0/start`
 * brings an auth key (what `tailscale up --auth-key` sends), and from then on answers as the new node.
 * It enforces what the real daemon does: Host must be `local-tailscaled.sock` (or empty) and any
 * Origin/Referer header gets 403 `invalid localapi request`.
 */
import { rmSync } from 'node:fs';
import { type Server, type ServerResponse, createServer } from 'node:http';
import { rawInt64 } from '../../kit/tailscale/lossless-json.ts';
import { NotifyMask } from '../../kit/tailscale/localapi-types.ts';
import { ipVersion } from '../../protocol/tailnet-address.ts';
import { readText, replyFault, reply, splitUrl } from './http-util.ts';
import { simTailnetFor } from './loopback.ts';
import type { SimChange, SimDevice, SimTailnet } from './model.ts';
import { simPing } from './ping.ts';
import { statusJson, tailcfgNodeJson, userProfileJson, whoisJson } from './render.ts';

export interface SimLocalApiOptions {
  /** Which node this daemon runs on (id, name or address); absent while `pending`. */
  self?: string;
  /** A logged-out daemon on a machine that joins with an auth key; the node gets this address. */
  pending?: SimPendingNode;
  socketPath: string;
  /** Daemon version; below 1.98 there are no peer-delta mask bits (clients must poll status). */
  version?: string;
}

/** The machine a logged-out daemon runs on: what the node looks like once it has joined. */
export interface SimPendingNode {
  /** Default hostname (`tailscale up --hostname` overrides it). */
  hostname: string;
  ipv4: string;
  os?: string;
  connection?: SimDevice['connection'];
}

export interface SimLocalApi {
  readonly socketPath: string;
  /** The node this daemon answers as, once logged in. */
  readonly self: SimDevice | undefined;
  dispose(): Promise<void>;
}

/** `1.102.3-t…` → [1, 102, 3]. */
function versionParts(v: string): number[] {
  return (v.split('-')[0] ?? '').split('.').map((n) => Number(n) || 0);
}
export function supportsPeerChanges(version: string): boolean {
  const [maj = 0, min = 0] = versionParts(version);
  return maj > 1 || (maj === 1 && min >= 98);
}

const NOTIFY_BASE = {
  ErrMessage: null,
  LoginFinished: null,
  State: null,
  Prefs: null,
  NetMap: null,
  Engine: null,
  BrowseToURL: null,
  DriveShares: null,
};

/** The IP part of a whois `addr` (`ip`, `ip:port`, `[v6]:port`), or undefined if malformed. */
function addrHost(addr: string): string | undefined {
  const b = /^\[([^\]]+)\]:\d+$/.exec(addr);
  if (b) return b[1];
  if (ipVersion(addr) !== 0) return addr;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(addr);
  return v4 && ipVersion(v4[1]!) === 4 ? v4[1] : undefined;
}

export async function startSimLocalApi(
  tailnet: SimTailnet,
  options: SimLocalApiOptions,
): Promise<SimLocalApi> {
  const version = options.version ?? '1.102.3-sim';
  const deltas = supportsPeerChanges(version);
  if (options.self === undefined && !options.pending)
    throw new Error('a simulated LocalAPI needs self or pending');
  let selfId = options.self === undefined ? undefined : tailnet.device(options.self)?.stableId;
  if (options.self !== undefined && selfId === undefined)
    throw new Error(`simulated LocalAPI self node "${options.self}" is gone`);
  const selfDevice = (): SimDevice => {
    const d = selfId === undefined ? undefined : tailnet.device(selfId);
    if (!d) throw new Error(`simulated LocalAPI self node "${options.self ?? 'pending'}" is gone`);
    return d;
  };
  const loggedOutStatus = () => ({
    Version: version,
    TUN: true,
    BackendState: 'NeedsLogin',
    HaveNodeKey: false,
    AuthURL: '',
    TailscaleIPs: null,
    Self: {
      ID: '',
      PublicKey: 'nodekey:0000000000000000000000000000000000000000000000000000000000000000',
      HostName: options.pending?.hostname ?? '',
      DNSName: '',
      OS: options.pending?.os ?? 'linux',
      UserID: 0,
      TailscaleIPs: null,
      Online: false,
    },
    Health: ['You are logged out.'],
    MagicDNSSuffix: '',
    CurrentTailnet: null,
    CertDomains: null,
    Peer: null,
    User: null,
    ClientVersion: null,
  });

  /** `POST /localapi/v0/start` with ipn.Options: log in with the auth key, then run as the new node. */
  const start = (body: string): { status: number; text: string } => {
    let opts: { AuthKey?: unknown; UpdatePrefs?: { Hostname?: unknown; AdvertiseTags?: unknown } };
    try {
      opts = JSON.parse(body) as typeof opts;
    } catch {
      return { status: 400, text: 'invalid JSON body\n' };
    }
    if (selfId !== undefined) return { status: 200, text: '' };
    const pending = options.pending!;
    if (typeof opts.AuthKey !== 'string' || opts.AuthKey === '') {
      return { status: 500, text: 'interactive login is not simulated; pass an auth key\n' };
    }
    const prefs = opts.UpdatePrefs ?? {};
    const hostname =
      typeof prefs.Hostname === 'string' && prefs.Hostname !== '' ? prefs.Hostname : pending.hostname;
    const tags = Array.isArray(prefs.AdvertiseTags)
      ? prefs.AdvertiseTags.filter((t) => typeof t === 'string')
      : [];
    try {
      const device = tailnet.joinWithAuthKey(opts.AuthKey, {
        name: hostname,
        advertiseTags: tags,
        ipv4: pending.ipv4,
        os: pending.os ?? 'linux',
        ...(pending.connection ? { connection: pending.connection } : {}),
      });
      selfId = device.stableId;
      return { status: 200, text: '' };
    } catch (err) {
      return { status: 500, text: `${(err as Error).message}\n` };
    }
  };
  const streams = new Set<ServerResponse>();
  const headers = { 'tailscale-version': version, 'tailscale-cap': '145' };

  const server: Server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    const { path, query } = splitUrl(req);
    const fault = tailnet.intercept({
      server: 'localapi',
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
    });
    const host = req.headers.host ?? '';
    if (
      req.headers.origin !== undefined ||
      req.headers.referer !== undefined ||
      (host !== '' && host !== 'local-tailscaled.sock')
    ) {
      return reply(res, 403, 'invalid localapi request\n', headers);
    }
    if (fault) return replyFault(res, fault);
    try {
      if (path === '/localapi/v0/start' && req.method === 'POST') {
        void readText(req).then(
          (body) => {
            const r = start(body);
            reply(res, r.status, r.text, headers);
          },
          (err: unknown) => reply(res, 413, `${(err as Error).message}\n`, headers),
        );
        return;
      }
      if (path === '/localapi/v0/status' && req.method === 'GET' && selfId === undefined) {
        return reply(res, 200, loggedOutStatus(), headers, '\t');
      }
      if (path === '/localapi/v0/status' && req.method === 'GET') {
        const body = statusJson(tailnet, selfDevice(), { peers: query.get('peers') !== 'false', version });
        return reply(res, 200, body, headers, '\t');
      }
      if (path === '/localapi/v0/whois' && req.method === 'GET') {
        const addr = query.get('addr');
        if (!addr) return reply(res, 400, "missing 'addr' parameter\n", headers);
        let device: SimDevice | undefined;
        if (addr.startsWith('nodekey:')) device = tailnet.devices().find((d) => d.nodeKey === addr);
        else {
          const ip = addrHost(addr);
          if (ip === undefined) return reply(res, 400, "invalid 'addr' parameter\n", headers);
          const tailnetIp = simTailnetFor(ip) ?? ip;
          device = tailnet.devices().find((d) => d.ipv4 === tailnetIp || d.ipv6 === tailnetIp);
        }
        if (!device) return reply(res, 404, 'no match for IP:port\n', headers);
        return reply(res, 200, whoisJson(tailnet, device), headers, '\t');
      }
      if (path === '/localapi/v0/ping') {
        if (req.method !== 'POST') return reply(res, 400, 'want POST\n', headers);
        if (selfId === undefined) return reply(res, 500, { error: 'not running' }, headers);
        const answer = simPing(tailnet, selfDevice(), query.get('ip'), query.get('type'));
        if (answer.kind === 'error') return reply(res, answer.status, answer.text, headers);
        if (answer.kind === 'hang') return; // the caller's timeout (or dispose) closes it
        const timer = setTimeout(() => reply(res, 200, answer.body, headers), answer.afterMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      if (path === '/localapi/v0/watch-ipn-bus' && req.method === 'GET') {
        const maskText = query.get('mask') ?? '0';
        if (!/^\d+$/.test(maskText)) return reply(res, 400, 'bad mask\n', headers);
        const mask = Number(maskText);
        if (mask & NotifyMask.InProcessNoDisconnect) {
          return reply(res, 400, 'NotifyInProcessNoDisconnect is not allowed over the LocalAPI\n', headers);
        }
        const rateLimitConflicts =
          NotifyMask.PeerChanges | NotifyMask.NoNetMap | NotifyMask.InitialStatus | NotifyMask.PeerPatches;
        if (deltas && mask & NotifyMask.RateLimit && mask & rateLimitConflicts) {
          return reply(
            res,
            400,
            'NotifyRateLimit cannot be combined with NotifyPeerChanges, NotifyNoNetMap, NotifyInitialStatus or NotifyPeerPatches\n',
            headers,
          );
        }
        return watch(res, mask);
      }
      return reply(res, 404, 'not found\n', headers);
    } catch (err) {
      return reply(res, 500, `${(err as Error).message}\n`, headers);
    }
  });

  function watch(res: ServerResponse, mask: number): void {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    streams.add(res);
    const send = (n: Record<string, unknown>) =>
      res.write(JSON.stringify({ Version: version, ...NOTIFY_BASE, ...n }) + '\n');
    const first: Record<string, unknown> = { SessionID: Math.random().toString(16).slice(2, 18) };
    if (selfId === undefined) {
      // Logged out: the state, then nothing until the stream is closed (no netmap without a node).
      if (mask & NotifyMask.InitialState) first.State = 2;
      send(first);
      return;
    }
    if (mask & NotifyMask.InitialState) first.State = 6;
    if (deltas && mask & NotifyMask.InitialStatus)
      first.InitialStatus = statusJson(tailnet, selfDevice(), { peers: true, version });
    send(first);
    const peerChanges = deltas && (mask & NotifyMask.PeerChanges) !== 0;
    const patches = deltas && (mask & NotifyMask.PeerPatches) !== 0;
    const onChange = (change: SimChange) => {
      const d = change.device;
      if (d.stableId === selfId) {
        if (change.type === 'upsert') send({ SelfChange: tailcfgNodeJson(tailnet, d) });
        return;
      }
      if (!peerChanges) {
        // Older daemons: only "something changed" (engine stats, or the netmap unless suppressed).
        if (mask & NotifyMask.EngineUpdates)
          send({ Engine: { RBytes: 0, WBytes: 0, NumLive: 0, LiveDERPs: 1, LivePeers: {} } });
        else if (!(mask & NotifyMask.NoNetMap))
          send({ NetMap: { Peers: tailnet.devices().map((p) => tailcfgNodeJson(tailnet, p)) } });
        return;
      }
      if (change.type === 'remove') return send({ PeersRemoved: [rawInt64(d.nodeId)] });
      if (change.patch && patches) {
        const patch: Record<string, unknown> = { NodeID: tailcfgNodeJson(tailnet, d).ID, Online: d.online };
        if (!d.online && d.lastSeen) patch.LastSeen = d.lastSeen;
        return send({ PeerChangedPatch: [patch] });
      }
      const owner = tailnet.ownerOf(d);
      send({
        PeersChanged: [tailcfgNodeJson(tailnet, d)],
        UserProfiles: { [owner.id]: userProfileJson(owner) },
      });
    };
    const unsubscribe = tailnet.subscribe(onChange);
    res.on('close', () => {
      unsubscribe();
      streams.delete(res);
    });
  }

  rmSync(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });

  return {
    socketPath: options.socketPath,
    get self() {
      return selfId === undefined ? undefined : tailnet.device(selfId);
    },
    dispose: async () => {
      for (const s of streams) s.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(options.socketPath, { force: true });
    },
  };
}
