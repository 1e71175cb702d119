#!/usr/bin/env bash
# Real Tailscale and Headscale for the real-tailnet suite: builds the pinned versions from the Go module
# proxy into a cache folder once, then reuses them. Prints the folder on success.
#   scripts/tailnet/install.sh            build what is missing, print the folder
#   scripts/tailnet/install.sh --check    print the folder if everything is there, else why not (exit 3)
# The folder is $AGROMESH_TAILNET_BIN, or ~/.cache/agromesh/tailnet-<versions>.
set -euo pipefail

TAILSCALE_VERSION=1.102.5
HEADSCALE_VERSION=0.29.2
dir="${AGROMESH_TAILNET_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/agromesh/tailnet-ts${TAILSCALE_VERSION}-hs${HEADSCALE_VERSION}}"
manifest="$dir/versions.json"

have_all() {
  [ -x "$dir/tailscale" ] && [ -x "$dir/tailscaled" ] && [ -x "$dir/headscale" ] && [ -f "$manifest" ] &&
    grep -q "\"tailscale\": \"$TAILSCALE_VERSION\"" "$manifest" &&
    grep -q "\"headscale\": \"$HEADSCALE_VERSION\"" "$manifest"
}

if have_all; then echo "$dir"; exit 0; fi
if [ "${1:-}" = --check ]; then
  echo "real Tailscale/Headscale not built yet: run scripts/tailnet/install.sh (needs Go 1.26 and the Go module proxy)" >&2
  exit 3
fi
if ! command -v go >/dev/null; then
  echo "real tailnet: Go is not installed; install Go 1.26 (https://go.dev/dl) or apt-get install golang, then rerun $0" >&2
  exit 3
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
mkdir -p "$dir"
# `go install module@version` also asks the proxy for the module's version list (deprecation check), which
# the proxy here refuses for headscale; building inside the downloaded module needs only the version itself.
build() { # module version package output [ldflags]
  local src
  src="$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$src" ] || { echo "real tailnet: could not download $1@$2 from the Go module proxy" >&2; exit 3; }
  echo "building $3 $2 (once; cached in $dir)" >&2
  (cd "$src" && go build -trimpath -ldflags "${5:-}" -o "$dir/$4.tmp" "$3") && mv "$dir/$4.tmp" "$dir/$4"
}
stamp="-X tailscale.com/version.longStamp=$TAILSCALE_VERSION -X tailscale.com/version.shortStamp=$TAILSCALE_VERSION"
[ -x "$dir/tailscale" ] || build tailscale.com "v$TAILSCALE_VERSION" ./cmd/tailscale tailscale "$stamp"
[ -x "$dir/tailscaled" ] || build tailscale.com "v$TAILSCALE_VERSION" ./cmd/tailscaled tailscaled "$stamp"
[ -x "$dir/headscale" ] || build github.com/juanfont/headscale "v$HEADSCALE_VERSION" ./cmd/headscale headscale
printf '{\n  "tailscale": "%s",\n  "headscale": "%s",\n  "go": "%s"\n}\n' \
  "$TAILSCALE_VERSION" "$HEADSCALE_VERSION" "$(go env GOVERSION)" > "$manifest"
echo "$dir"
