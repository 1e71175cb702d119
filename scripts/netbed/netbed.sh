#!/usr/bin/env bash
# The Agromesh network testbed by hand: namespaces + veth + userspace WireGuard (see test/netbed/testbed.ts).
#   netbed.sh up [--farms N]        create a persistent testbed (cr, registry, farm-1..N) and print it
#   netbed.sh down [--prefix P]     remove P, or every stale testbed (owner gone); --all removes every one
#   netbed.sh status                list testbeds on this machine
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "netbed: needs root (network namespaces, veth, TUN). Run: sudo $0 $*" >&2
  exit 2
fi
cd "$(dirname "$0")/../.."
if [ "${1:-}" = down ] && [ ! -x node_modules/.bin/node ]; then
  # Last resort without Node 22: remove everything named like a testbed.
  for ns in $(ip netns list | awk '{print $1}' | grep -E '^agm[0-9a-f]{4}-'); do
    for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -f /var/run/wireguard/agm????w*.sock /run/agromesh-netbed/agm????.json
  exit 0
fi
exec node_modules/.bin/node test/netbed/netbed-cli.ts "$@"
