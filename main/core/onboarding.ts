/**
 * The one command a support person hands to a new farm computer. It fetches no code by a package name
 * (an unclaimed name on a public registry would give whoever claims it root on every farm): it installs
 * Tailscale from Tailscale's own script, expects the Agromesh gateway already installed from the
 * company's package (docs/gateway.md), and asks for the one-time key at a hidden prompt, so the key is
 * never on a command line (ps) nor in shell history; it reaches the gateway in TS_AUTHKEY.
 */
export function onboardingCommand(input: { farmName: string }): string {
  const hostname = input.farmName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return (
    "command -v agromesh >/dev/null || { echo 'Install the Agromesh gateway package first (docs/gateway.md).'; exit 1; } && " +
    '(command -v tailscale >/dev/null || curl -fsSL https://tailscale.com/install.sh | sh) && ' +
    "read -rsp 'One-time auth key: ' TS_AUTHKEY && echo && export TS_AUTHKEY && " +
    `sudo --preserve-env=TS_AUTHKEY agromesh gateway --hostname ${hostname} --farm-name ${hostname} --data-dir /var/lib/agromesh`
  );
}
