/**
 * The farm map: bundled offline basemap (online tiles only when configured), farms coloured and shaped by
 * health, clustered when dense. Pan with drag or arrow keys, zoom with the wheel, +/- keys or buttons.
 */
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import { useTheme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FarmSummary } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useElementSize } from '../hooks/useElementSize.ts';
import { type Cluster, clusterPoints } from '../lib/cluster.ts';
import { HEALTH_LABEL } from '../lib/health.ts';
import { healthReason } from '../lib/health-text.ts';
import {
  clampView,
  fitPoints,
  panBy,
  project,
  toScreen,
  type Viewport,
  visibleTiles,
  zoomAt,
} from '../lib/projection.ts';
import { isValidTileTemplate } from '../../../protocol/app/map-tiles.ts';
import { BasemapLayer, type MarkerHandlers, MarkerLayer, TileLayer } from '../map/MapLayers.tsx';
import { WORLD_UNITS } from '../map/basemap-paths.ts';
import { FarmAlertChip } from './FarmAlertChip.tsx';
import { HealthChip } from './HealthChip.tsx';
import { LiveKeyFigures } from './KeyFigures.tsx';
import { HomeIcon, MinusIcon, PlusIcon } from './Icons.tsx';
import { useOpenAlertsByFarm } from '../app/firing-alerts.tsx';
import { alertText, severityText } from '../views/alerts/alert-text.ts';

const DETAIL_FROM_K = 3000;
const KEY_PAN_PX = 80;

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
  const box = useRef<HTMLDivElement>(null);
  const size = useElementSize(box);
  const [view, setView] = useState<Viewport>({ x: 0.5, y: 0.5, k: 256 });
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

  // Keep the farms fitted until the person moves the map: farms arrive a few at a time, and a view fitted
  // to the first ones left later ones off to the side (and clustered unlike the "0" fit).
  const userMoved = useRef(false);
  const fit = useCallback(
    () =>
      setView(
        fitPoints(
          located.map((l) => l.p),
          size,
        ),
      ),
    [located, size],
  );
  useEffect(() => {
    if (size.width === 0) return;
    if (!userMoved.current) fit();
    else setView((v) => clampView(v, size));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [size.width, size.height, located.length]);

  const clusters = useMemo(() => clusterPoints(located, view.k), [located, view.k]);

  // Coalesce pointer moves to one state update per frame.
  const pending = useRef<Viewport | undefined>(undefined);
  const frame = useRef(0);
  const schedule = useCallback((next: (v: Viewport) => Viewport) => {
    pending.current = next(pending.current ?? viewRef.current);
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (pending.current) setView(pending.current);
      pending.current = undefined;
    });
  }, []);
  const viewRef = useRef(view);
  viewRef.current = view;
  const sizeRef = useRef(size);
  sizeRef.current = size;
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const factor = Math.exp(-e.deltaY * 0.0015);
      userMoved.current = true;
      schedule((v) => zoomAt(v, sizeRef.current, factor, { x: e.clientX - r.left, y: e.clientY - r.top }));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [schedule]);

  // Dragging moves the already-painted map layer with a CSS transform (compositor only, no re-render);
  // the view is committed when the drag ends or before it runs past the painted margin.
  const layer = useRef<HTMLDivElement>(null);
  const margin = Math.round(Math.max(size.width, size.height) / 3);
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
  const drag = useRef<
    { x: number; y: number; dx: number; dy: number; moved: boolean; id: number } | undefined
  >(undefined);
  const commitDrag = useCallback(() => {
    const d = drag.current;
    if (!d || (d.dx === 0 && d.dy === 0)) return;
    const { dx, dy } = d;
    userMoved.current = true;
    d.x += dx;
    d.y += dy;
    d.dx = 0;
    d.dy = 0;
    setView((v) => panBy(v, sizeRef.current, dx, dy));
  }, []);
  useLayoutEffect(() => {
    if (layer.current) layer.current.style.transform = '';
  }, [view]);
  const dragged = useRef(false);

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
        if (dragged.current) return;
        if (c.ids.length === 1 && c.ids[0]) return onOpenFarmRef.current(c.ids[0]);
        userMoved.current = true;
        const pts = [
          { x: c.bounds.minX, y: c.bounds.minY },
          { x: c.bounds.maxX, y: c.bounds.maxY },
        ];
        const fittedView = fitPoints(pts, sizeRef.current, 64, viewRef.current.k * 64);
        setView(
          fittedView.k > viewRef.current.k * 1.5
            ? fittedView
            : zoomAt(viewRef.current, sizeRef.current, 4, toScreen(viewRef.current, sizeRef.current, c.p)),
        );
      },
      onHover: setHover,
    }),
    // Labels depend on language, on the farms' health/reasons and on their open alerts.
    [t, lang, byId, alertsByFarm],
  );
  const onOpenFarmRef = useRef(onOpenFarm);
  onOpenFarmRef.current = onOpenFarm;

  const onKeyDown = (e: React.KeyboardEvent) => {
    const s = sizeRef.current;
    const keys: Record<string, () => Viewport> = {
      ArrowLeft: () => panBy(view, s, KEY_PAN_PX, 0),
      ArrowRight: () => panBy(view, s, -KEY_PAN_PX, 0),
      ArrowUp: () => panBy(view, s, 0, KEY_PAN_PX),
      ArrowDown: () => panBy(view, s, 0, -KEY_PAN_PX),
      '+': () => zoomAt(view, s, 1.6),
      '=': () => zoomAt(view, s, 1.6),
      '-': () => zoomAt(view, s, 1 / 1.6),
      '0': () =>
        fitPoints(
          located.map((l) => l.p),
          s,
        ),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    // "0" hands the view back to the automatic fit.
    userMoved.current = e.key !== '0';
    setView(action());
  };

  const template =
    settings.map.tileUrl && isValidTileTemplate(settings.map.tileUrl) ? settings.map.tileUrl : '';
  const scale = view.k / WORLD_UNITS;
  const tx = size.width / 2 - view.x * view.k;
  const ty = size.height / 2 - view.y * view.k;
  const colors = dark
    ? { sea: '#0e1a22', land: '#1f2b25', border: '#4a5a50' }
    : { sea: '#dbe7f0', land: '#f3f0e8', border: '#b3ab9c' };
  const hoverFarm = hover && hover.ids.length === 1 ? byId.get(hover.ids[0] ?? '') : undefined;
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
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          drag.current = { x: e.clientX, y: e.clientY, dx: 0, dy: 0, moved: false, id: e.pointerId };
          dragged.current = false;
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d || d.id !== e.pointerId) return;
          d.dx = e.clientX - d.x;
          d.dy = e.clientY - d.y;
          if (!d.moved && Math.hypot(d.dx, d.dy) < 4) return;
          if (!d.moved) {
            (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
            setHover(undefined);
          }
          d.moved = true;
          dragged.current = true;
          if (Math.abs(d.dx) > margin * 0.8 || Math.abs(d.dy) > margin * 0.8) commitDrag();
          else if (layer.current) layer.current.style.transform = `translate(${d.dx}px, ${d.dy}px)`;
        }}
        onPointerUp={() => {
          commitDrag();
          drag.current = undefined;
        }}
        onPointerCancel={() => {
          commitDrag();
          drag.current = undefined;
        }}
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
      <MapControls
        onZoomIn={() => setView(zoomAt(view, size, 1.6))}
        onZoomOut={() => setView(zoomAt(view, size, 1 / 1.6))}
        onReset={fit}
      />
      <Typography
        variant="caption"
        sx={{ position: 'absolute', left: 8, bottom: 6, px: 0.5, bgcolor: 'background.paper', opacity: 0.85 }}
      >
        {template ? t('mapTilesOnline') : t('mapBasemapOffline')} · Natural Earth
      </Typography>
      {hover && hoverAt && (
        <Paper
          elevation={4}
          role="tooltip"
          sx={{
            position: 'absolute',
            left: Math.min(hoverAt.x + 14, Math.max(0, size.width - 280)),
            top: Math.max(0, hoverAt.y - 10),
            p: 1.25,
            maxWidth: 280,
            pointerEvents: 'none',
          }}
        >
          {hoverFarm ? (
            <>
              <Typography variant="subtitle2">{hoverFarm.displayName}</Typography>
              <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
                <HealthChip health={hoverFarm.health.overall} />
                <FarmAlertChip alerts={alertsByFarm.get(hoverFarm.farmId)} link={false} />
              </Box>
              <Typography variant="body2" sx={{ mt: 0.5 }}>
                {healthReason(t, lang, hoverFarm.health)}
              </Typography>
              {hoverFarm.latest.length > 0 && (
                <Box sx={{ mt: 0.5 }}>
                  <LiveKeyFigures farm={hoverFarm} />
                </Box>
              )}
            </>
          ) : (
            <>
              <Typography variant="subtitle2">
                {t('mapCluster', { n: hover.ids.length, health: t(HEALTH_LABEL[hover.worst]) })}
              </Typography>
              <Typography variant="body2" component="div" sx={{ mt: 0.5 }}>
                {hover.ids
                  .slice(0, 6)
                  .map((id) => byId.get(id)?.displayName ?? id)
                  .join(', ')}
                {hover.ids.length > 6 ? '…' : ''}
              </Typography>
            </>
          )}
        </Paper>
      )}
    </Box>
  );
}

function MapControls(props: { onZoomIn: () => void; onZoomOut: () => void; onReset: () => void }) {
  const { t } = useApp();
  const buttons = [
    { label: t('mapZoomIn'), onClick: props.onZoomIn, Icon: PlusIcon },
    { label: t('mapZoomOut'), onClick: props.onZoomOut, Icon: MinusIcon },
    { label: t('mapReset'), onClick: props.onReset, Icon: HomeIcon },
  ];
  return (
    <Paper
      elevation={2}
      sx={{ position: 'absolute', right: 8, top: 8, display: 'flex', flexDirection: 'column' }}
    >
      {/* A native title, not an MUI Tooltip: a popper open over the map would re-measure on every zoom. */}
      {buttons.map(({ label, onClick, Icon }) => (
        <IconButton key={label} aria-label={label} title={label} onClick={onClick} size="small">
          <Icon fontSize="small" />
        </IconButton>
      ))}
    </Paper>
  );
}
