// A uPlot chart of quantity over time, one series per dimension (lines, or bars for a single
// series). uPlot positions through the CSSOM (the CSP allows it); its legend shows the exact
// numbers under the cursor, so they are one hover away.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../../components/DataTable';
import { formatUtc } from './format';

// Distinguishable in light and dark, and for the common colour-vision deficiencies (Okabe-Ito).
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#8C8C00',
  '#999999',
];

export type ChartSeries = { label: string; values: (number | null)[] };

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
const HOUR_INCRS = [1, 2, 3, 6, 12]
  .map((h) => h * HOUR_S)
  .concat([1, 2, 7, 14, 28].map((d) => d * DAY_S));
const DAY_INCRS = [1, 2, 7, 14, 28, 56, 91, 182, 364].map((d) => d * DAY_S);

/** "07-14" for a day, "07-14 13:00" for an hour; with the year once ticks are months apart. */
export function tickLabel(seconds: number, step: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  if (step < DAY_S) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return step >= 28 * DAY_S ? iso.slice(0, 10) : iso.slice(5, 10);
}

type Props = {
  title: string;
  /** Bucket starts, epoch ms. */
  x: readonly number[];
  series: readonly ChartSeries[];
  hourly: boolean;
  height?: number;
};

/** A theme colour as the canvas needs it: the variables hold light-dark(), so let CSS resolve it. */
function themeColor(variable: string, host: HTMLElement): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${variable})`;
  host.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

export function UsageChart({ title, x, series, hourly, height = 220 }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const axisText = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    const el = host.current;
    if (!el || x.length === 0) return;
    const axisColor = themeColor('--text-muted', el);
    const gridColor = themeColor('--border', el);
    const bars = series.length === 1;
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height,
      cursor: { points: { size: 6 } },
      legend: { live: true },
      scales: { x: { time: true } },
      series: [
        {
          label: hourly ? 'Hour (UTC)' : 'Day (UTC)',
          value: (_u, v) =>
            Number.isFinite(v) ? formatUtc(v * 1000, hourly).slice(0, hourly ? 17 : 10) : '—',
        },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length] ?? '#0072B2',
          fill: bars ? `${PALETTE[i % PALETTE.length] ?? '#0072B2'}55` : undefined,
          width: 1.5,
          points: { show: x.length < 60 },
          ...(bars ? { paths: uPlot.paths.bars?.({ size: [0.8, 40] }) } : {}),
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatNumber(v)),
        })),
      ],
      // Usage hours and days are UTC: ticks fall on UTC boundaries.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          // Whole buckets only, so no two ticks fall in the same bucket (and so share a label).
          incrs: hourly ? HOUR_INCRS : DAY_INCRS,
          values: (_u, splits, _axis, _space, step) => {
            const labels = splits.map((v) => tickLabel(v, step));
            // The canvas cannot be read: the ticks drawn are also told in text.
            if (axisText.current) {
              axisText.current.textContent = `Time axis (UTC): ${labels.join(', ')}`;
            }
            return labels;
          },
        },
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          size: 70,
          values: (_u, splits) => splits.map((v) => formatNumber(v)),
        },
      ],
    };
    const data: uPlot.AlignedData = [x.map((v) => v / 1000), ...series.map((s) => s.values)];
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(300, el.clientWidth), height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, hourly, height]);

  return (
    <figure className="audit-chart">
      <figcaption>{title}</figcaption>
      {x.length === 0 ? (
        <p className="audit-note">Nothing to chart for these filters.</p>
      ) : (
        <>
          <div
            ref={host}
            className="audit-chart-plot"
            role="img"
            aria-label={`${title}: chart; the table below lists the same numbers`}
          />
          <p ref={axisText} className="visually-hidden" />
        </>
      )}
    </figure>
  );
}
