/**
 * One sensor's history: a line with gaps drawn as gaps (nulls, connectNulls=false), time axis in the
 * farm's time zone, drag across to zoom. Charts share a syncId so the tooltip follows across sensors.
 */
import Box from '@mui/material/Box';
import { useTheme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';
import { memo, useMemo, useState } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { LinkSpan } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import type { Point } from '../lib/downsample.ts';
import { formatDateTime, formatNumber, formatTick, timeTicks } from '../lib/format.ts';
import type { TimeRange } from '../lib/ranges.ts';
import { convertMaybe, convertValue, displayUnit } from '../lib/units.ts';
import { type AlertBand, BAND_FILL } from '../views/alerts/alert-bands.ts';
import { LinkBand } from './LinkBand.tsx';
import type { SensorView } from './ReadingCards.tsx';

export const CHART_HEIGHT = 170;
const Y_AXIS_WIDTH = 64;
const RIGHT_MARGIN = 16;

export const SensorChart = memo(function SensorChart(props: {
  sensor: SensorView;
  points: readonly Point[];
  range: TimeRange;
  width: number;
  timeZone: string | undefined;
  color: string;
  /** Alert episodes to shade behind the line. */
  bands?: readonly AlertBand[];
  /** How the farm was reached over the range: the band under the chart. */
  link?: readonly LinkSpan[] | undefined;
  /** Stretches without readings, explained by the link ("No data 03:10–03:40 — link relayed then down."). */
  gapNotes?: readonly string[] | undefined;
  onZoom: (a: number, b: number) => void;
}) {
  const { lang, settings, t } = useApp();
  const theme = useTheme();
  const { sensor, range, width, timeZone } = props;
  const unit = displayUnit(sensor.unit, settings.units);
  const data = useMemo(
    () => props.points.map(([ts, v]) => ({ ts, v: convertMaybe(v, sensor.unit, settings.units) })),
    [props.points, sensor.unit, settings.units],
  );
  const expected = useMemo(() => {
    const r = sensor.expectedRange;
    if (!r) return undefined;
    const min = convertValue(r.min, sensor.unit, settings.units);
    const max = convertValue(r.max, sensor.unit, settings.units);
    const label = t('chartExpectedBandLabel', {
      min: formatNumber(lang, min, 2),
      max: formatNumber(lang, max, 2),
      unit,
    });
    return { min, max, label };
  }, [sensor.expectedRange, sensor.unit, settings.units, t, lang, unit]);
  const [sel, setSel] = useState<{ a: number; b: number } | undefined>(undefined);
  const span = range.to - range.from;
  const ticks = useMemo(
    () => timeTicks(range.from, range.to, width - Y_AXIS_WIDTH, 110, timeZone),
    [range.from, range.to, width, timeZone],
  );
  return (
    <Box
      role="figure"
      aria-label={
        t('chartLabel', { sensor: sensor.label, unit: unit || '—' }) +
        (props.bands?.length ? `. ${t('chartAlertBands', { n: props.bands.length })}` : '') +
        (expected ? `. ${expected.label}` : '')
      }
      sx={{ mb: 1 }}
    >
      <Typography variant="subtitle2" component="h3">
        {sensor.label}
        {unit && ` (${unit})`}
      </Typography>
      <LineChart
        width={width}
        height={CHART_HEIGHT}
        data={data}
        syncId="farm-history"
        syncMethod="value"
        margin={{ top: 8, right: RIGHT_MARGIN, bottom: 0, left: 0 }}
        onMouseDown={(s) =>
          typeof s.activeLabel === 'number' && setSel({ a: s.activeLabel, b: s.activeLabel })
        }
        onMouseMove={(s) =>
          sel && typeof s.activeLabel === 'number' && setSel({ a: sel.a, b: s.activeLabel })
        }
        onMouseUp={() => {
          if (sel && sel.a !== sel.b) props.onZoom(sel.a, sel.b);
          setSel(undefined);
        }}
        style={{ userSelect: 'none' }}
      >
        <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
        <XAxis
          dataKey="ts"
          type="number"
          scale="time"
          domain={[range.from, range.to]}
          allowDataOverflow
          ticks={ticks}
          interval={0}
          tickFormatter={(ts: number) => formatTick(lang, ts, span, timeZone)}
          stroke={theme.palette.text.secondary}
          fontSize={11}
        />
        <YAxis
          width={Y_AXIS_WIDTH}
          domain={['auto', 'auto']}
          tickFormatter={(v: number) => formatNumber(lang, v, 2)}
          stroke={theme.palette.text.secondary}
          fontSize={11}
        />
        <Tooltip
          isAnimationActive={false}
          labelFormatter={(ts) => (typeof ts === 'number' ? formatDateTime(lang, ts, timeZone) : '')}
          formatter={(v) => [
            typeof v === 'number' ? `${formatNumber(lang, v, 2)} ${unit}` : '—',
            sensor.label,
          ]}
          contentStyle={{ background: theme.palette.background.paper, borderColor: theme.palette.divider }}
        />
        {props.bands?.map((b) => (
          <ReferenceArea
            key={`${b.severity}-${b.from}`}
            className={`alert-band alert-band-${b.severity}`}
            x1={b.from}
            x2={b.to}
            fill={BAND_FILL[b.severity]}
            fillOpacity={1}
            stroke="none"
            ifOverflow="hidden"
          />
        ))}
        {/* The expected range as a band with dashed edges, drawn even when every value is outside it
            (the axis extends to show it), labelled in words inside the band. */}
        {expected && (
          <ReferenceArea
            className="expected-range-band"
            y1={expected.min}
            y2={expected.max}
            fill={theme.palette.success.main}
            fillOpacity={theme.palette.mode === 'dark' ? 0.2 : 0.12}
            stroke="none"
            ifOverflow="extendDomain"
            label={{
              value: expected.label,
              position: 'insideTopLeft',
              fill: theme.palette.text.secondary,
              fontSize: 11,
            }}
          />
        )}
        {expected &&
          [expected.min, expected.max].map((y) => (
            <ReferenceLine
              key={y}
              className="expected-range"
              y={y}
              stroke={theme.palette.success.main}
              strokeDasharray="5 4"
              ifOverflow="extendDomain"
            />
          ))}
        <Line
          type="linear"
          dataKey="v"
          stroke={props.color}
          strokeWidth={1.5}
          dot={false}
          connectNulls={false}
          isAnimationActive={false}
        />
        {sel && sel.a !== sel.b && (
          <ReferenceArea
            className="zoom-selection"
            x1={Math.min(sel.a, sel.b)}
            x2={Math.max(sel.a, sel.b)}
            fill={theme.palette.primary.main}
            fillOpacity={0.15}
          />
        )}
      </LineChart>
      {props.link && (
        <LinkBand
          spans={props.link}
          range={range}
          timeZone={timeZone}
          width={width}
          left={Y_AXIS_WIDTH}
          right={RIGHT_MARGIN}
        />
      )}
      {props.gapNotes?.map((note) => (
        <Typography key={note} className="gap-note" variant="caption" color="text.secondary" component="p">
          {note}
        </Typography>
      ))}
    </Box>
  );
});
