#!/usr/bin/env bash
# What `npm test` needs from the machine beyond npm: Debian's Chromium for the end-to-end tests, and, as
# root, the network-testbed tools (ip, wg, wireguard-go, ping) and Prometheus (prometheus, promtool). As
# root on Debian the missing ones are installed; otherwise one line says what to install and nothing runs.
# The real-tailnet binaries are built separately (scripts/tailnet/install.sh) and that suite skips with its
# reason when Go is missing.
# With --bench it checks what `npm run bench` needs instead: Chromium and wrk (the independent load generator).
# Overrides for tests: AGROMESH_CHROMIUM (browser path), AGROMESH_PREREQS_ROOT=0|1, AGROMESH_PREREQS_APT=0.
set -euo pipefail
what="npm test"
[ "${1:-}" = --bench ] && what="npm run bench"

chromium="${AGROMESH_CHROMIUM:-/usr/bin/chromium}"
root="${AGROMESH_PREREQS_ROOT:-$([ "$(id -u)" = 0 ] && echo 1 || echo 0)}"
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }

need=()
[ -x "$chromium" ] || need+=(chromium)
if [ "$what" = "npm run bench" ]; then
  has wrk || need+=(wrk)
elif [ "$root" = 1 ]; then
  has wireguard-go || need+=(wireguard-go)
  has wg || need+=(wireguard-tools)
  has ip || need+=(iproute2)
  has ping || need+=(iputils-ping)
  # The gateway packages (test/packaging): arm64 binary under qemu, the .deb checked by lintian.
  has qemu-aarch64-static || need+=(qemu-user-static)
  [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
  [ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ] || need+=(libstdc++6-arm64-cross libgcc-s1-arm64-cross)
  has lintian || need+=(lintian)
  has systemd-analyze || need+=(systemd)
  # The monitoring suites (test/monitoring, test/e2e/prometheus): promtool and a real Prometheus.
  has promtool || need+=(prometheus)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$root" = 1 ] && [ "${AGROMESH_PREREQS_APT:-1}" = 1 ] && has apt-get; then
  echo "$what: installing from Debian: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "$what needs ${need[*]}: run \`sudo apt-get install -y ${need[*]}\` (Debian), then $what again." >&2
exit 1
