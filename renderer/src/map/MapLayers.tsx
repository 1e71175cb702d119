/**
 * The map's SVG layers. Each is memoized on what changes its content (scale, clusters), so panning only
 * rewrites one transform attribute per layer — that keeps drag frames cheap with a thousand farms.
 */
import { memo } from 'react';
import type { Cluster } from '../lib/cluster.ts';
import { tileUrl } from '../../../protocol/app/map-tiles.ts';
import { MarkerShape } from './MarkerShape.tsx';
import { basemapPaths, WORLD_UNITS } from './basemap-paths.ts';

export const BasemapLayer = memo(function BasemapLayer(props: {
  level: 'coarse' | 'detailed';
  land: string;
  border: string;
}) {
  return (
    <g fill={props.land} stroke={props.border} strokeWidth={0.7} strokeLinejoin="round">
      {basemapPaths(props.level).map((d, i) => (
        <path key={i} d={d} vectorEffect="non-scaling-stroke" />
      ))}
    </g>
  );
});

/** Online tiles, only when configured in Settings; the basemap underneath shows through any that fail. */
export function TileLayer(props: { template: string; tiles: { z: number; x: number; y: number }[] }) {
  return (
    <>
      {props.tiles.map(({ z, x, y }) => {
        const size = WORLD_UNITS / 2 ** z;
        return (
          <image
            key={`${z}/${x}/${y}`}
            href={tileUrl(props.template, z, x, y)}
            x={x * size}
            y={y * size}
            width={size}
            height={size}
            preserveAspectRatio="none"
          />
        );
      })}
    </>
  );
}

export interface MarkerHandlers {
  label: (c: Cluster) => string;
  onActivate: (c: Cluster) => void;
  onHover: (c: Cluster | undefined) => void;
}

export const MarkerLayer = memo(function MarkerLayer(props: {
  clusters: Cluster[];
  k: number;
  handlers: MarkerHandlers;
  countColor: string;
}) {
  const { clusters, k, handlers } = props;
  return (
    <>
      {clusters.map((c) => {
        const group = c.ids.length > 1;
        const r = group ? Math.min(20, 10 + Math.log2(c.ids.length) * 2) : 7;
        return (
          <g
            key={c.key}
            data-marker={group ? 'cluster' : 'farm'}
            data-alert={c.alert}
            transform={`translate(${(c.p.x * k).toFixed(1)},${(c.p.y * k).toFixed(1)})`}
            role="button"
            tabIndex={0}
            aria-label={handlers.label(c)}
            style={{ cursor: 'pointer', outline: 'none' }}
            className="map-marker"
            onClick={() => handlers.onActivate(c)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                e.stopPropagation();
                handlers.onActivate(c);
              }
            }}
            onPointerEnter={() => handlers.onHover(c)}
            onPointerLeave={() => handlers.onHover(undefined)}
            onFocus={() => handlers.onHover(c)}
            onBlur={() => handlers.onHover(undefined)}
          >
            <circle className="map-focus-ring" r={r + 4} fill="none" strokeWidth={2} />
            <MarkerShape health={c.worst} r={r} {...(c.alert ? { alert: c.alert } : {})} />
            {group && (
              <text
                textAnchor="middle"
                dominantBaseline="central"
                fontSize={11}
                fontWeight={700}
                fill={c.worst === 'stale' ? props.countColor : '#fff'}
                aria-hidden
              >
                {c.ids.length}
              </text>
            )}
          </g>
        );
      })}
    </>
  );
});
