/** Health is shape AND colour: circle ok, hollow circle stale, diamond degraded, square offline. */
import type { OverallHealth } from '../../../protocol/app/index.ts';
import { HEALTH_COLOR } from '../lib/health.ts';

export function MarkerShape({ health, r = 7 }: { health: OverallHealth; r?: number }) {
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
