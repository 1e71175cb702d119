/**
 * The one command a support person hands to a new farm computer: install Tailscale, then run the gateway,
 * which joins the tailnet with the tagged, pre-authorized key (`tailscale up --advertise-tags=tag:farm`).
 */
export function onboardingCommand(input: { key: string; farmName: string; version: string }): string {
  const hostname = input.farmName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return (
    'curl -fsSL https://tailscale.com/install.sh | sh && ' +
    `sudo npx --yes agromesh@${input.version} gateway --auth-key ${input.key} ` +
    `--hostname ${hostname} --farm-name ${hostname} --data-dir /var/lib/agromesh`
  );
}
