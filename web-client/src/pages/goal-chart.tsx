// A goal's history as a uPlot chart: its value, the target line, the expected-pace line (from the
// baseline at the start to the target at the end) and a dashed mark where the definition changed.
// The chart is an image to assistive technology; its legend and the changes are text beside it.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { GoalView, HistoryPoint } from '../api/types';
import type { OrgFormat } from '../app/format';

const COLORS = { value: '#79c0ff', target: '#3fb950', pace: '#e3b341', change: '#ff7b72', axis: '#c9d1d9', grid: '#2a3340' };

export function GoalChart(props: { goal: GoalView; points: HistoryPoint[]; format: OrgFormat; unit: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const { goal, points, format, unit } = props;
  useEffect(() => {
    const el = host.current;
    if (!el || points.length === 0) return;
    const xs = points.map((p) => Date.parse(p.at) / 1000);
    const ys = points.map((p) => (p.value === null || p.value === undefined ? null : p.value));
    const start = Date.parse(goal.start) / 1000;
    const end = Date.parse(goal.end) / 1000;
    const baseline = goal.baseline ?? 0;
    const paced = goal.kind === 'increaseTo' || goal.kind === 'decreaseTo' || goal.kind === undefined;
    const pace = xs.map((x) => {
      if (!paced || end <= start) return null;
      const f = Math.min(1, Math.max(0, (x - start) / (end - start)));
      return baseline + (goal.target - baseline) * f;
    });
    const target = xs.map(() => goal.target);
    const changes = points.filter((p) => p.definitionChanged !== null && p.definitionChanged !== undefined).map((p) => Date.parse(p.at) / 1000);
    const marks: uPlot.Plugin = {
      hooks: {
        draw: (u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = COLORS.change;
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          for (const x of changes) {
            const px = u.valToPos(x, 'x', true);
            ctx.beginPath();
            ctx.moveTo(px, u.bbox.top);
            ctx.lineTo(px, u.bbox.top + u.bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        },
      },
    };
    const axis = { stroke: COLORS.axis, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid } };
    const width = Math.max(320, el.clientWidth || 800);
    const plot = new uPlot(
      {
        width,
        height: 280,
        legend: { show: false },
        scales: { x: { time: true } },
        axes: [
          { ...axis, values: (_u, splits) => splits.map((s) => (xs.length && xs[xs.length - 1]! - xs[0]! > 2 * 86400 ? format.date(new Date(s * 1000).toISOString()) : format.time(new Date(s * 1000).toISOString()))) },
          { ...axis, size: 80, values: (_u, splits) => splits.map((s) => format.value(s, unit)) },
        ],
        series: [
          {},
          { label: 'Value', stroke: COLORS.value, width: 2, spanGaps: true, points: { show: points.length < 3 } },
          { label: 'Target', stroke: COLORS.target, width: 1.5, dash: [8, 4], points: { show: false } },
          { label: 'Expected pace', stroke: COLORS.pace, width: 1.5, dash: [2, 4], points: { show: false } },
        ],
        plugins: [marks],
      },
      [xs, ys, target, pace] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => {
      const w = Math.max(320, el.clientWidth);
      if (Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: 280 });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [goal, points, format, unit]);
  return (
    <figure class="goal-chart">
      <div ref={host} class="goal-chart-plot" role="img" aria-label={props.label} />
      <figcaption>
        <ul class="chart-legend">
          <li>
            <span class="swatch" style={{ background: COLORS.value }} /> Value
          </li>
          <li>
            <span class="swatch dashed" style={{ borderColor: COLORS.target }} /> Target ({format.value(goal.target, unit)})
          </li>
          <li>
            <span class="swatch dotted" style={{ borderColor: COLORS.pace }} /> Expected pace
          </li>
          <li>
            <span class="swatch dashed vertical" style={{ borderColor: COLORS.change }} /> Definition changed
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}
