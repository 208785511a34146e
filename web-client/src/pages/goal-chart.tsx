// A goal's history as a uPlot chart: its value, the target line, the expected-pace line (from the
// baseline at the start to the target at the end) and a dashed mark where the definition changed.
// The chart is an image to assistive technology; its legend and the changes are text beside it.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { GoalView, HistoryPoint } from '../api/types';
import type { OrgFormat } from '../app/format';

/** Short axis labels in the organization's zone: "Dec 7" per day, "14:05" per minute. */
function axisLabel(format: OrgFormat, seconds: number, byDay: boolean): string {
  const d = new Date(seconds * 1000);
  return byDay ? new Intl.DateTimeFormat(undefined, { timeZone: format.timeZone, month: 'short', day: 'numeric' }).format(d) : format.time(d.toISOString());
}

const COLORS = { value: '#79c0ff', target: '#3fb950', pace: '#e3b341', change: '#ff7b72', axis: '#c9d1d9', grid: '#2a3340' };

export function GoalChart(props: { goal: GoalView; points: HistoryPoint[]; resolution: 'minute' | 'day'; format: OrgFormat; unit: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const { goal, points, format, unit, resolution } = props;
  useEffect(() => {
    const el = host.current;
    if (!el || points.length === 0) return;
    const start = Date.parse(goal.start) / 1000;
    const end = Date.parse(goal.end) / 1000;
    const values = new Map<number, number | null>();
    for (const p of points) values.set(Date.parse(p.at) / 1000, p.value ?? null);
    const first = Math.min(...values.keys());
    const last = Math.max(...values.keys());
    // The target and pace lines span the period shown: the goal's whole period per day, the points'
    // range (up to now) per minute, so a young goal's few points sit on the lines they are judged by.
    const from = resolution === 'day' ? Math.min(start, first) : Math.max(Math.min(start, first), first);
    const to = resolution === 'day' ? Math.max(end, last) : Math.min(Math.max(last, Date.now() / 1000), Math.max(end, last));
    for (const x of [from, to]) if (!values.has(x)) values.set(x, null);
    const xs = [...values.keys()].sort((a, b) => a - b);
    const ys = xs.map((x) => values.get(x) ?? null);
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
          { ...axis, space: 70, values: (_u, splits) => splits.map((s) => axisLabel(format, s, resolution === 'day')) },
          { ...axis, size: 80, values: (_u, splits) => splits.map((s) => format.value(s, unit)) },
        ],
        series: [
          {},
          { label: 'Value', stroke: COLORS.value, width: 2, spanGaps: true, points: { show: points.length < 3, size: 8 } },
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
  }, [goal, points, format, unit, resolution]);
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

/** Confidence (0–10) over time, one point per check-in; the list beside it holds the same in words. */
export function ConfidenceChart(props: { points: ReadonlyArray<readonly [number, number]>; format: OrgFormat }) {
  const host = useRef<HTMLDivElement>(null);
  const { points, format } = props;
  useEffect(() => {
    const el = host.current;
    if (!el || points.length === 0) return;
    const axis = { stroke: COLORS.axis, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid } };
    const plot = new uPlot(
      {
        width: Math.max(240, el.clientWidth || 320),
        height: 120,
        legend: { show: false },
        scales: { x: { time: true }, y: { range: [0, 10] } },
        axes: [
          { ...axis, space: 70, values: (_u, splits) => splits.map((s) => axisLabel(format, s, points[points.length - 1]![0] - points[0]![0] > 2 * 86400)) },
          { ...axis, size: 36, splits: () => [0, 5, 10] },
        ],
        series: [{}, { label: 'Confidence', stroke: COLORS.pace, width: 2, points: { show: true, size: 7, fill: COLORS.pace } }],
      },
      [points.map((p) => p[0]), points.map((p) => p[1])] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [points, format]);
  const label = `Confidence over time, oldest first: ${points.map((p) => `${p[1]} on ${format.dateTime(new Date(p[0] * 1000).toISOString())}`).join('; ')}`;
  return <div ref={host} class="confidence-chart" role="img" aria-label={label} />;
}
