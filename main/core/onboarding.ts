/**
 * The one command a support person hands to a new farm computer (Debian or Raspberry Pi OS). It never
 * fetches code by a package name (an unclaimed name on a public registry would give whoever claims it
 * root on every farm): Tailscale comes from Tailscale's own repository, and the gateway package from
 * this control room over the tailnet, checked against the SHA-256 written into the command. The
 * one-time key is read at a hidden prompt (or from TS_AUTHKEY when scripted), so it is never on a
 * command line (ps) nor in shell history, and reaches tailscale through a 0600 file.
 */
import type { GatewayPackage } from '../../protocol/discovery-api.ts';
import { FARM_TAG } from '../../protocol/device.ts';

export interface OnboardingInput {
  /** Farm id, tailnet hostname and display name at once (letters, digits, dashes). */
  farmName: string;
  /** Base URL of this control room's registry on the tailnet, e.g. `http://100.64.0.1:8090`. */
  registryUrl?: string | null | undefined;
  /** Packages that registry serves; without them the command expects the gateway already installed. */
  packages?: readonly GatewayPackage[] | undefined;
  /** Headscale URL when the tailnet is not Tailscale's. */
  loginServer?: string | undefined;
}

export interface OnboardingCommand {
  command: string;
  /** `control-room`: the command installs the package this control room serves. */
  packageSource: 'control-room' | 'preinstalled';
}

/** Single-quoted for sh: every value here is validated already; quoting keeps that true if one is not. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Newest package per architecture (numeric-aware order: 0.10.0 after 0.9.0). */
export function newestPackages(packages: readonly GatewayPackage[]): GatewayPackage[] {
  const best = new Map<string, GatewayPackage>();
  for (const p of packages) {
    const cur = best.get(p.arch);
    if (!cur || cur.version.localeCompare(p.version, 'en', { numeric: true }) < 0) best.set(p.arch, p);
  }
  return [...best.values()].sort((a, b) => a.arch.localeCompare(b.arch));
}

export function onboardingCommand(input: OnboardingInput): OnboardingCommand {
  const name = input.farmName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const packages = input.registryUrl ? newestPackages(input.packages ?? []) : [];
  const served = packages.length > 0;
  // No --advertise-tags: the key is pre-tagged tag:farm and gives the node its tags (Headscale refuses
  // a tags-only key that also advertises them; Tailscale needs no more). `join` then checks the tag.
  const up = [
    'tailscale up --auth-key="file:$key"',
    `--hostname=${q(name)}`,
    ...(input.loginServer ? [`--login-server=${q(input.loginServer)}`] : []),
  ].join(' ');
  const join = [
    'agromesh-gateway join',
    `--farm-id ${q(name)} --farm-name ${q(name)}`,
    ...(input.registryUrl ? [`--discovery-url ${q(input.registryUrl)}`] : []),
  ].join(' ');
  const lines = [
    // One `{ … }` group: bash reads all of it before running any of it, so nothing a step reads from
    // stdin can swallow the rest of the script.
    "sudo --preserve-env=TS_AUTHKEY bash -eu <<'AGROMESH'",
    '{',
    'say() { printf \'agromesh: %s\\n\' "$*" >&2; }',
    'if [ -z "${TS_AUTHKEY:-}" ]; then printf \'One-time auth key: \' >/dev/tty; read -rs TS_AUTHKEY </dev/tty; echo >/dev/tty; fi',
  ];
  if (served) {
    lines.push(
      'arch=$(dpkg --print-architecture)',
      'case "$arch" in',
      ...packages.map((p) => `  ${p.arch}) sum=${p.sha256} file=${q(p.file)} ;;`),
      `  *) say "there is no gateway package for $arch (${packages.map((p) => p.arch).join(', ')})"; exit 1 ;;`,
      'esac',
    );
  } else {
    lines.push(
      "command -v agromesh-gateway >/dev/null || { say 'install the agromesh-gateway package first (docs/gateway.md), then paste this again'; exit 1; }",
    );
  }
  lines.push(
    "command -v tailscale >/dev/null || { say 'installing Tailscale from its own repository'; curl -fsSL https://tailscale.com/install.sh | sh; }",
    'key=$(mktemp); deb=$(mktemp --suffix=.deb); trap \'rm -f "$key" "$deb"\' EXIT',
    // From here the key is only in that file: not in the environment of apt, dpkg or the gateway.
    'printf %s "$TS_AUTHKEY" >"$key"; unset TS_AUTHKEY',
    `say 'joining the tailnet as ${FARM_TAG}'`,
    up,
  );
  if (served) {
    lines.push(
      // ~33 MB: an hour allows a farm uplink of about 75 kbit/s.
      "say 'downloading the gateway package from the control room'",
      `curl -fsS --retry 10 --retry-delay 1 --retry-all-errors --max-time 3600 -o "$deb" ${q(`${input.registryUrl}/packages/`)}"$file"`,
      'echo "$sum  $deb" | sha256sum --check --status || { say \'the download does not match its checksum: nothing was installed\'; exit 1; }',
      'apt-get install -y "$deb" </dev/null',
    );
  }
  lines.push(join, '}', 'AGROMESH');
  return { command: lines.join('\n'), packageSource: served ? 'control-room' : 'preinstalled' };
}
