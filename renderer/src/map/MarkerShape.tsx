/** Health is shape AND colour: circle ok, hollow circle stale, diamond degraded, square offline. */
import type { AlertSeverity, OverallHealth } from '../../../protocol/app/index.ts';
import { HEALTH_COLOR } from '../lib/health.ts';

/** An open alert adds a thick ring in its colour around the health shape. */
export const ALERT_RING_COLOR: Record<AlertSeverity, string> = {
  critical: '#c62828',
  warning: '#e65100',
  info: '#0277bd',
};

export function MarkerShape({
  health,
  alert,
  r = 7,
}: {
  health: OverallHealth;
  alert?: AlertSeverity;
  r?: number;
}) {
  return (
    <>
      {alert && (
        <circle
          className={`alert-ring alert-ring-${alert}`}
          r={r + 4}
          fill="none"
          stroke={ALERT_RING_COLOR[alert]}
          strokeWidth={3}
        />
      )}
      <HealthShape health={health} r={r} />
    </>
  );
}

function HealthShape({ health, r }: { health: OverallHealth; r: number }) {
  const color = HEALTH_COLOR[health];
  const stroke = { stroke: '#fff', strokeWidth: 1.5 };
  switch (health) {
    case 'ok':
      return <circle r={r} fill={color} {...stroke} />;
    case 'stale':
      return <circle r={r} fill="#fff" stroke={color} strokeWidth={3} />;
    case 'degraded':
      return (
        <rect x={-r} y={-r} width={2 * r} height={2 * r} transform="rotate(45)" fill={color} {...stroke} />
      );
    case 'offline':
      return <rect x={-r} y={-r} width={2 * r} height={2 * r} fill={color} {...stroke} />;
  }
}
