'use client';

import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  /** A CSS colour or `var(--name)`. */
  color: string;
  /** Dashed: a reference (request, limit, allocatable), not a measurement. */
  reference?: boolean;
}

/** Colours for measured series, readable on both themes. */
/** 1, 2, 4 … 512 of each binary unit from bytes to PiB. */
export const BINARY_STEPS = Array.from({ length: 6 }, (_, unit) => Array.from({ length: 10 }, (_, i) => 2 ** i * 1024 ** unit)).flat();

export const SERIES_COLORS = ['#4c6ef5', '#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#d6336c', '#f59f00', '#74b816', '#7048e8', '#0ca678'];

function cssColor(color: string, el: Element): string {
  const m = /^var\((--[\w-]+)\)$/.exec(color);
  return m ? getComputedStyle(el).getPropertyValue(m[1]).trim() || '#888' : color;
}

/**
 * A time series chart drawn by uPlot on a canvas: cheap to update every sample,
 * with a legend that shows each line's value under the cursor. Redrawn when the
 * theme changes (its colours are read from the CSS variables).
 */
export function UsageChart({
  title,
  times,
  lines,
  format,
  incrs,
  height = 180,
}: {
  title: string;
  times: number[];
  lines: ChartLine[];
  format: (value: number) => string;
  /** Steps the value axis may use between ticks (for memory: binary ones, so ticks read 128 MiB, not 95.4 MiB). */
  incrs?: number[];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = useRef('');
  const formatRef = useRef(format);
  // A theme change repaints the chart in the new colours.
  const [theme, setTheme] = useState(0);
  useEffect(() => {
    formatRef.current = format;
  });
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme((n) => n + 1));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);

  const data = [times, ...lines.map((l) => l.values)] as uPlot.AlignedData;
  const key = `${theme}#${lines.map((l) => `${l.label}|${l.color}|${l.reference ? 1 : 0}`).join(',')}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const build = () => {
      plot.current?.destroy();
      const text = cssColor('var(--muted)', el);
      const grid = cssColor('var(--border)', el);
      const fmt = (v: number | null) => (v === null || v === undefined ? '—' : formatRef.current(v));
      // Away from the cursor, the legend shows the newest values rather than dashes.
      const showNewest = (u: uPlot) => {
        const last = u.data[0].length - 1;
        if (last >= 0 && (u.cursor.left ?? -1) < 0 && u.legend.idx !== last) u.setLegend({ idx: last });
      };
      const opts: uPlot.Options = {
        width: Math.max(200, el.clientWidth),
        hooks: { ready: [showNewest], setData: [showNewest], setCursor: [showNewest] },
        height,
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: 72, incrs, values: (_u, splits) => splits.map((v) => fmt(v)) },
        ],
        series: [
          { value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
          ...lines.map((l) => ({ label: l.label, stroke: cssColor(l.color, el), width: l.reference ? 1.25 : 1.75, dash: l.reference ? [6, 4] : undefined, spanGaps: false, points: { show: false }, value: (_u: uPlot, v: number | null) => fmt(v) })),
        ],
      };
      plot.current = new uPlot(opts, data, el);
      shape.current = key;
    };
    if (!plot.current || shape.current !== key) build();
    else plot.current.setData(data);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- data is new each render; the chart is rebuilt only when its lines change
  }, [key, times, lines, height]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [height]);

  return (
    <figure className="usage-chart" data-testid="usage-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="usage-plot" role="img" aria-label={`${title}: ${lines.filter((l) => !l.reference).map((l) => l.label).join(', ')}`} />
    </figure>
  );
}
