/**
 * History of several sensors over a range, one chart per sensor (units differ), never more points than
 * pixels: maxPoints is the chart's width, and the client guard downsamples again if a source ignores it.
 */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormLabel from '@mui/material/FormLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useRef, useState } from 'react';
import { linkSpans } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import { useElementSize } from '../hooks/useElementSize.ts';
import { useFarmLink } from '../hooks/useFarmLink.ts';
import { CSV_BOM, historyCsv } from '../lib/csv.ts';
import { downloadText } from '../lib/download.ts';
import { maxPointsFor, minMaxDownsample } from '../lib/downsample.ts';
import { dataGaps, gapNote } from '../lib/link-text.ts';
import { presetRange, type TimeRange, zoomRange } from '../lib/ranges.ts';
import { alertBands } from '../views/alerts/alert-bands.ts';
import { useAlertList } from '../views/alerts/useAlerts.ts';
import { DownloadIcon } from './Icons.tsx';
import { type RangeChoice, RangePicker } from './RangePicker.tsx';
import type { SensorView } from './ReadingCards.tsx';
import { SensorChart } from './SensorChart.tsx';
import { EmptyState, ErrorState } from './StateViews.tsx';

const COLORS = ['#2e7d32', '#1565c0', '#ad1457', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#455a64'];
const MAX_SENSORS = 12;
const REFRESH_MS = 60_000;

export function HistoryPanel({
  farmId,
  sensors,
  timeZone,
}: {
  farmId: string;
  sensors: SensorView[];
  /** Zone of the axis and the tooltips (undefined: this computer's). */
  timeZone: string | undefined;
}) {
  const { api, t, lang } = useApp();
  const box = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(box);
  // Request in 50 px steps so resizing does not refetch for every pixel.
  const chartWidth = Math.max(200, Math.floor(width / 50) * 50);
  const [choice, setChoice] = useState<RangeChoice>({ kind: 'preset', preset: '24h' });
  const [zoom, setZoom] = useState<TimeRange | undefined>(undefined);
  // Until the user picks, chart the first three sensors (whatever the gateway has described by then).
  const [picked, setPicked] = useState<string[] | undefined>(undefined);
  const selected = picked ?? sensors.slice(0, 3).map((s) => s.id);
  const [tick, setTick] = useState(0);

  // Presets follow the clock; a custom or zoomed range stays put.
  useEffect(() => {
    if (choice.kind !== 'preset' || zoom) return;
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [choice, zoom]);
  const base = useMemo(
    () => (choice.kind === 'preset' ? presetRange(choice.preset, Date.now()) : choice.range),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [choice, tick],
  );
  const range = zoom ?? base;
  const sensorIds = sensors.filter((s) => selected.includes(s.id)).map((s) => s.id);

  const history = useAsync(
    () =>
      sensorIds.length === 0 || width === 0
        ? Promise.resolve(undefined)
        : api.getHistory({
            farmId,
            sensorIds,
            from: Math.floor(range.from),
            to: Math.ceil(range.to),
            maxPoints: maxPointsFor(chartWidth),
          }),
    [api, farmId, sensorIds.join(','), range.from, range.to, chartWidth, width === 0],
  );

  const series = useMemo(
    () =>
      (history.data?.series ?? []).map((s) => ({
        ...s,
        points: minMaxDownsample(s.points, maxPointsFor(chartWidth)),
      })),
    [history.data, chartWidth],
  );
  // Alert episodes overlapping the range, kept live: drawn as bands behind each sensor's line.
  const from = Math.floor(range.from);
  const to = Math.ceil(range.to);
  const alerts = useAlertList({ farmId, from, to, limit: 500 });
  const sensorKey = sensorIds.join(',');
  const bands = useMemo(
    () =>
      new Map(
        sensorKey
          .split(',')
          .map((id) => [id, alertBands(alerts.alerts, id, from, to, { includeFarmWide: true })] as const),
      ),
    [alerts.alerts, sensorKey, from, to],
  );
  const anyBands = [...bands.values()].some((b) => b.length > 0);
  // The link band under each chart, and words for each stretch without readings.
  const link = useFarmLink(farmId, from, to); // a preset range moves each minute, and refetches
  const spans = useMemo(
    () => (link.data ? linkSpans(link.data.samples, from, to, link.data.intervalMs) : undefined),
    [link.data, from, to],
  );
  const notes = useMemo(() => {
    const data = link.data;
    if (!data) return new Map<string, string[]>();
    const minGap = Math.max(3 * data.intervalMs, 5 * 60_000);
    return new Map(
      series.map((s) => [
        s.sensorId,
        dataGaps(s.points, minGap).map((g) =>
          gapNote(t, lang, g, data.samples, data.intervalMs, to - from, timeZone),
        ),
      ]),
    );
  }, [link.data, series, t, lang, from, to, timeZone]);
  const shownPoints = series.reduce((n, s) => n + s.points.length, 0);
  const sourcePoints = series.reduce((n, s) => n + s.sourcePoints, 0);
  const hasGaps = series.some((s) => s.points.some((p) => p[1] === null));

  const exportCsv = () => {
    const columns = sensors
      .filter((s) => sensorIds.includes(s.id))
      .map((s) => ({ sensorId: s.id, header: s.unit ? `${s.label} (${s.unit})` : s.label }));
    const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[:T]/g, '-');
    downloadText(
      `${farmId}-${stamp(range.from)}-${stamp(range.to)}.csv`,
      CSV_BOM + historyCsv(series, columns),
    );
  };

  if (sensors.length === 0) return <Typography color="text.secondary">{t('noSensors')}</Typography>;

  return (
    <Stack spacing={1.5}>
      <RangePicker
        value={choice}
        onChange={(c) => {
          setZoom(undefined);
          setChoice(c);
        }}
      />
      <FormGroup row aria-labelledby="history-sensors">
        <FormLabel id="history-sensors" sx={{ width: '100%', fontSize: '0.875rem' }}>
          {t('historySensors')}
        </FormLabel>
        {sensors.map((s) => (
          <FormControlLabel
            key={s.id}
            label={s.label}
            control={
              <Checkbox
                size="small"
                checked={selected.includes(s.id)}
                disabled={!selected.includes(s.id) && selected.length >= MAX_SENSORS}
                onChange={(e) =>
                  setPicked(e.target.checked ? [...selected, s.id] : selected.filter((id) => id !== s.id))
                }
              />
            }
          />
        ))}
      </FormGroup>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }}>
          {t('historyZoomHint')}
        </Typography>
        {zoom && (
          <Button size="small" onClick={() => setZoom(undefined)}>
            {t('historyZoomOut')}
          </Button>
        )}
        <Button size="small" startIcon={<DownloadIcon />} disabled={shownPoints === 0} onClick={exportCsv}>
          {t('downloadCsv')}
        </Button>
      </Stack>
      <Box ref={box} sx={{ position: 'relative', minHeight: 40 }} aria-busy={history.loading}>
        {history.loading && (
          <LinearProgress
            aria-label={t('loading')}
            sx={{ position: 'absolute', top: 0, left: 0, right: 0 }}
          />
        )}
        {sensorIds.length === 0 && <EmptyState>{t('historyNoSensorSelected')}</EmptyState>}
        {history.error !== undefined && <ErrorState error={history.error} onRetry={history.reload} />}
        {history.data?.fromCache && <Alert severity="info">{t('historyFromCache')}</Alert>}
        {history.data && shownPoints === 0 && <EmptyState>{t('historyEmpty')}</EmptyState>}
        {width > 0 &&
          shownPoints > 0 &&
          sensors
            .filter((s) => sensorIds.includes(s.id))
            .map((s, i) => (
              <SensorChart
                key={s.id}
                sensor={s}
                points={series.find((x) => x.sensorId === s.id)?.points ?? []}
                range={range}
                width={chartWidth}
                timeZone={timeZone}
                color={COLORS[i % COLORS.length] ?? '#2e7d32'}
                bands={bands.get(s.id)}
                link={spans}
                gapNotes={notes.get(s.id)}
                onZoom={(a, b) => {
                  const z = zoomRange(a, b, range);
                  if (z) setZoom(z);
                }}
              />
            ))}
        {shownPoints > 0 && (
          <Typography variant="caption" color="text.secondary" component="p">
            {t('historyPoints', {
              shown: shownPoints,
              source: sourcePoints,
              method: [...new Set(series.map((s) => s.method))].join(', '),
            })}
            {hasGaps && ` ${t('historyGaps')}`}
            {anyBands && ` ${t('historyAlertBands')}`}
            {sensors.some((s) => s.expectedRange) && ` ${t('chartExpectedBand')}`}
          </Typography>
        )}
      </Box>
    </Stack>
  );
}
