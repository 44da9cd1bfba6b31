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
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          values: (_u, splits) =>
            splits.map((v) => {
              const d = new Date(v * 1000).toISOString();
              return hourly ? `${d.slice(5, 10)} ${d.slice(11, 13)}h` : d.slice(5, 10);
            }),
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
        <div
          ref={host}
          className="audit-chart-plot"
          role="img"
          aria-label={`${title}: chart; the table below lists the same numbers`}
        />
      )}
    </figure>
  );
}
