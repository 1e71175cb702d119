/**
 * The farm map: bundled offline basemap (online tiles only when configured), farms coloured and shaped by
 * health, clustered when dense. Pan with drag or arrow keys, zoom with the wheel, +/- keys or buttons
 * (map/useMapViewport.ts).
 */
import Box from '@mui/material/Box';
import { useTheme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';
import { useMemo, useRef, useState } from 'react';
import type { FarmSummary } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { type Cluster, clusterPoints } from '../lib/cluster.ts';
import { HEALTH_LABEL } from '../lib/health.ts';
import { healthReason } from '../lib/health-text.ts';
import { project, toScreen, visibleTiles } from '../lib/projection.ts';
import { isValidTileTemplate } from '../../../protocol/app/map-tiles.ts';
import { BasemapLayer, type MarkerHandlers, MarkerLayer, TileLayer } from '../map/MapLayers.tsx';
import { WORLD_UNITS } from '../map/basemap-paths.ts';
import { useMapViewport } from '../map/useMapViewport.ts';
import { MapControls } from './MapControls.tsx';
import { MapHoverCard } from './MapHoverCard.tsx';
import { useOpenAlertsByFarm } from '../app/firing-alerts.tsx';
import { alertText, severityText } from '../views/alerts/alert-text.ts';

const DETAIL_FROM_K = 3000;

export function WorldMap({
  farms,
  onOpenFarm,
}: {
  farms: FarmSummary[];
  onOpenFarm: (farmId: string) => void;
}) {
  const { settings, t, lang } = useApp();
  const alertsByFarm = useOpenAlertsByFarm();
  const theme = useTheme();
  const dark = theme.palette.mode === 'dark';
  const [hover, setHover] = useState<Cluster | undefined>(undefined);

  const located = useMemo(
    () =>
      farms.flatMap((f) =>
        f.location
          ? [
              {
                id: f.farmId,
                p: project(f.location.lon, f.location.lat),
                health: f.health.overall,
                ...(alertsByFarm.get(f.farmId) ? { alert: alertsByFarm.get(f.farmId)!.worst } : {}),
              },
            ]
          : [],
      ),
    [farms, alertsByFarm],
  );
  const byId = useMemo(() => new Map(farms.map((f) => [f.farmId, f])), [farms]);
  const points = useMemo(() => located.map((l) => l.p), [located]);
  const {
    box,
    layer,
    size,
    view,
    margin,
    fit,
    zoomBy,
    zoomToCluster,
    wasDragged,
    onKeyDown,
    pointerHandlers,
  } = useMapViewport(points, () => setHover(undefined));

  const clusters = useMemo(() => clusterPoints(located, view.k), [located, view.k]);
  // Only markers on the painted area (view plus margin) are in the DOM: style and layout cost scales with
  // them, and a thousand off-screen markers made every zoom step slow. The hovered/focused one stays.
  const shownClusters = useMemo(() => {
    const pad = margin + 40;
    return clusters.filter((c) => {
      if (c.key === hover?.key) return true;
      const p = toScreen(view, size, c.p);
      return p.x >= -pad && p.y >= -pad && p.x <= size.width + pad && p.y <= size.height + pad;
    });
  }, [clusters, view, size, margin, hover?.key]);
  const handlers = useMemo<MarkerHandlers>(
    () => ({
      label: (c) => {
        const alerts = c.alert
          ? ` ${t('mapFarmAlert', { n: c.alerting, severity: severityText(lang, c.alert) })}.`
          : '';
        if (c.ids.length > 1) {
          return t('mapCluster', { n: c.ids.length, health: t(HEALTH_LABEL[c.worst]) }) + alerts;
        }
        const f = byId.get(c.ids[0] ?? '');
        const own = f && alertsByFarm.get(f.farmId);
        // A single farm's name says what is wrong, not only that something is.
        const why = own
          ? ` ${t('mapFarmAlertTop', {
              n: own.count,
              severity: severityText(lang, own.worst),
              what: alertText(lang, own.top, Date.now()),
            })}`
          : alerts;
        return f
          ? t('mapFarmMarker', {
              name: f.displayName,
              health: t(HEALTH_LABEL[f.health.overall]),
              reason: healthReason(t, lang, f.health),
            }) + why
          : '';
      },
      onActivate: (c) => {
        if (wasDragged()) return;
        if (c.ids.length === 1 && c.ids[0]) return onOpenFarmRef.current(c.ids[0]);
        zoomToCluster(c);
      },
      onHover: setHover,
    }),
    // Labels depend on language, on the farms' health/reasons and on their open alerts.
    [t, lang, byId, alertsByFarm, wasDragged, zoomToCluster],
  );
  const onOpenFarmRef = useRef(onOpenFarm);
  onOpenFarmRef.current = onOpenFarm;

  const template =
    settings.map.tileUrl && isValidTileTemplate(settings.map.tileUrl) ? settings.map.tileUrl : '';
  const scale = view.k / WORLD_UNITS;
  const tx = size.width / 2 - view.x * view.k;
  const ty = size.height / 2 - view.y * view.k;
  const colors = dark
    ? { sea: '#0e1a22', land: '#1f2b25', border: '#4a5a50' }
    : { sea: '#dbe7f0', land: '#f3f0e8', border: '#b3ab9c' };
  const hoverAt = hover ? toScreen(view, size, hover.p) : undefined;

  return (
    <Box sx={{ position: 'relative', flex: 1, minHeight: 320, display: 'flex' }}>
      <Box
        ref={box}
        role="region"
        aria-roledescription="map"
        aria-label={t('mapRegion')}
        tabIndex={0}
        onKeyDown={onKeyDown}
        {...pointerHandlers}
        sx={{
          flex: 1,
          overflow: 'hidden',
          bgcolor: colors.sea,
          borderRadius: 1,
          position: 'relative',
          cursor: 'grab',
          '&:active': { cursor: 'grabbing' },
          touchAction: 'none',
          userSelect: 'none',
          '&:focus-visible': { outline: `3px solid ${theme.palette.primary.main}`, outlineOffset: 2 },
          '& .map-marker:focus-visible .map-focus-ring, & .map-marker:hover .map-focus-ring': {
            stroke: theme.palette.text.primary,
          },
        }}
      >
        {size.width > 0 && (
          <Box
            ref={layer}
            sx={{ position: 'absolute', left: -margin, top: -margin, willChange: 'transform' }}
          >
            <svg
              width={size.width + 2 * margin}
              height={size.height + 2 * margin}
              style={{ display: 'block' }}
              data-testid="farm-map"
            >
              <g
                transform={`translate(${(tx + margin).toFixed(2)},${(ty + margin).toFixed(2)}) scale(${scale})`}
              >
                <BasemapLayer
                  level={view.k >= DETAIL_FROM_K ? 'detailed' : 'coarse'}
                  land={colors.land}
                  border={colors.border}
                />
                {template && (
                  <TileLayer
                    template={template}
                    tiles={visibleTiles(view, {
                      width: size.width + 2 * margin,
                      height: size.height + 2 * margin,
                    })}
                  />
                )}
              </g>
              <g transform={`translate(${(tx + margin).toFixed(2)},${(ty + margin).toFixed(2)})`}>
                <MarkerLayer clusters={shownClusters} k={view.k} handlers={handlers} countColor="#333" />
              </g>
            </svg>
          </Box>
        )}
      </Box>
      <MapControls onZoomIn={() => zoomBy(1.6)} onZoomOut={() => zoomBy(1 / 1.6)} onReset={fit} />
      <Typography
        variant="caption"
        sx={{ position: 'absolute', left: 8, bottom: 6, px: 0.5, bgcolor: 'background.paper', opacity: 0.85 }}
      >
        {template ? t('mapTilesOnline') : t('mapBasemapOffline')} · Natural Earth
      </Typography>
      {hover && hoverAt && (
        <MapHoverCard hover={hover} hoverAt={hoverAt} size={size} byId={byId} alertsByFarm={alertsByFarm} />
      )}
    </Box>
  );
}
