/**
 * A farm computer for the onboarding tests, without touching this machine: a throw-away dpkg root, and
 * stand-ins on PATH for what only a real farm computer has — `sudo` (runs the command), `apt-get install`
 * (dpkg into that root), `agromesh-gateway` (the installed binary, its conffile inside the root) and
 * `systemctl enable --now` (starts the installed gateway in the background with the conffile's options,
 * as the unit would). `tailscale` is the caller's: the simulated CLI or the real one on a real daemon.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FarmComputer {
  root: string;
  /** Environment for running the onboarding command there. */
  env(authKey: string): NodeJS.ProcessEnv;
  installedStatus(): string;
  conffile(): string;
  gatewayLog(): string;
  /** Stop the gateway the `systemctl` stand-in started. */
  stop(): void;
}

export function prepareFarmComputer(o: {
  dir: string;
  /** Body of the `tailscale` stand-in (e.g. `exec /path/tailscale --socket=… "$@"`). */
  tailscale: string;
  localApiSocket: string;
  /** Extra gateway options the unit would not have (`--simulate` instead of real sensors). */
  gatewayExtra?: string;
}): FarmComputer {
  const root = join(o.dir, 'farm-root');
  for (const d of ['var/lib/dpkg/updates', 'var/lib/dpkg/info', 'etc', 'usr/bin'])
    mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), '');
  writeFileSync(join(root, 'var/lib/dpkg/available'), '');
  const bin = join(o.dir, 'farm-bin');
  mkdirSync(bin, { recursive: true });
  const stub = (name: string, body: string) =>
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  stub('sudo', 'while [ "${1#-}" != "$1" ]; do shift; done; exec "$@"');
  stub('tailscale', o.tailscale);
  stub(
    'apt-get',
    `[ "$1 $2" = "install -y" ] || exit 100
exec dpkg --root=${root} --force-script-chrootless --force-depends -i "$3"`,
  );
  stub(
    'agromesh-gateway',
    `[ "$1" = join ] && exec "${root}/usr/bin/agromesh-gateway" "$@" --config "${root}/etc/agromesh/gateway.conf"
exec "${root}/usr/bin/agromesh-gateway" "$@"`,
  );
  stub(
    'systemctl',
    `[ "$1 $2 $3" = "enable --now agromesh-gateway.service" ] || exit 1
. "${root}/etc/agromesh/gateway.conf"
setsid "${root}/usr/bin/agromesh-gateway" $AGROMESH_GATEWAY_OPTS ${o.gatewayExtra ?? ''} \\
  --local-api-socket ${o.localApiSocket} --data-dir "${root}/var/lib/agromesh-gateway" >"${root}/gateway.log" 2>&1 &
echo $! >"${root}/gateway.pid"`,
  );
  const read = (p: string) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : '');
  return {
    root,
    env: (authKey) => ({ PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, TS_AUTHKEY: authKey, HOME: o.dir }),
    installedStatus: () => read('var/lib/dpkg/status'),
    conffile: () => read('etc/agromesh/gateway.conf'),
    gatewayLog: () => read('gateway.log'),
    stop: () => {
      const pid = Number(read('gateway.pid'));
      if (!pid) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
