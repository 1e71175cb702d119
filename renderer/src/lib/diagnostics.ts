/** Diagnostics as plain text for support (Settings → About → Copy diagnostics). Pure: tests run it without a DOM. */
import type { Diagnostics } from '../../../protocol/app/index.ts';

export function formatDiagnostics(d: Diagnostics): string {
  const versions = Object.entries(d.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `Agromesh diagnostics (${d.generatedAt})`,
    `Version: ${d.app.version} (${d.app.host}) on ${d.app.platform}, locale ${d.app.locale}`,
    `Runtime: ${versions}`,
    `Tailnet: backend setting ${d.backendSetting}, in use ${d.app.tailnet}, ${d.tailnet.connected ? 'connected' : 'not connected'}`,
    ...(d.tailnet.problem ? [`Tailnet problem: ${d.tailnet.problem}`] : []),
    `Farms: ${d.farms}; firing alerts: ${d.firingAlerts}`,
    ...(d.app.desktopNotifications === false ? ['Desktop notifications: not supported on this system'] : []),
    `Recent problems (${d.recentProblems.length}):`,
    ...d.recentProblems.map((p) => `  ${p.at} ${p.level} [${p.scope}] ${p.message}`),
  ];
  return lines.join('\n');
}
