// A sparkline on every goal card of the war room: the goal's percent over the last hours, seeded from
// its history (GET /api/v1/goals/{id}/history, per minute) when the credential may read goals, and
// extended by every live push. A wall-screen link reads its board only: its lines start when it opens.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { BoardChange, GoalView } from './live';

/** The most points a line keeps (a few hours of minutes). */
const MAX_POINTS = 240;

interface Line {
  xs: number[];
  ys: Array<number | null>;
  plot: uPlot | null;
  host: HTMLElement | null;
  size: string;
}

export interface HistorySource {
  getHistory(goalId: string): Promise<Array<{ at: string; percent?: number | null; value?: number | null }>>;
}

export class CardSparklines {
  readonly #grid: HTMLElement;
  readonly #lines = new Map<string, Line>();
  readonly #seeded = new Set<string>();
  #source: HistorySource | null = null;

  constructor(grid: HTMLElement) {
    this.#grid = grid;
  }

  /** Where to read history from, or null (a board link): lines then start with the page. */
  setSource(source: HistorySource | null): void {
    this.#source = source;
  }

  clear(): void {
    for (const line of this.#lines.values()) line.plot?.destroy();
    this.#lines.clear();
    this.#seeded.clear();
  }

  render(change: BoardChange): void {
    const now = Date.now() / 1000;
    for (const id of change.changedIds) {
      const goal = change.board.goals.get(id);
      if (!goal) continue;
      this.#add(id, now, valueOf(goal));
      if (!this.#seeded.has(id)) {
        this.#seeded.add(id);
        void this.#seed(id);
      }
    }
    for (const id of [...this.#lines.keys()]) {
      if (!change.board.goals.has(id)) {
        this.#lines.get(id)?.plot?.destroy();
        this.#lines.delete(id);
      }
    }
    this.draw();
  }

  /** Draws every line into its card (cards are created by BoardView; the line's host is added here). */
  draw(): void {
    for (const card of this.#grid.querySelectorAll<HTMLElement>('.goal[data-goal-id]')) {
      const id = card.dataset['goalId'];
      const line = id ? this.#lines.get(id) : undefined;
      if (!line) continue;
      let host = card.querySelector<HTMLElement>(':scope > .goal-spark');
      if (!host) {
        host = document.createElement('div');
        host.className = 'goal-spark';
        host.setAttribute('role', 'img');
        card.append(host);
      }
      const title = card.querySelector('.goal-title')?.textContent ?? 'goal';
      host.setAttribute('aria-label', `Trend of ${title}: ${line.xs.length} points`);
      host.dataset['points'] = String(line.xs.length);
      const width = Math.max(60, Math.floor(host.clientWidth || card.clientWidth - 24));
      const height = Math.max(18, Math.floor(host.clientHeight || 32));
      const size = `${width}x${height}`;
      if (line.plot && line.host === host && line.size === size) {
        line.plot.setData([line.xs, line.ys] as uPlot.AlignedData);
        continue;
      }
      line.plot?.destroy();
      host.replaceChildren();
      line.host = host;
      line.size = size;
      line.plot = new uPlot(
        {
          width,
          height,
          legend: { show: false },
          cursor: { show: false },
          select: { show: false, left: 0, top: 0, width: 0, height: 0 },
          axes: [{ show: false }, { show: false }],
          scales: { x: { time: true } },
          series: [{}, { stroke: '#4aa3ff', width: 2, points: { show: false }, spanGaps: true }],
          padding: [2, 2, 2, 2],
        },
        [line.xs, line.ys] as uPlot.AlignedData,
        host,
      );
    }
  }

  async #seed(goalId: string): Promise<void> {
    const source = this.#source;
    if (!source) return;
    let points: Awaited<ReturnType<HistorySource['getHistory']>>;
    try {
      points = await source.getHistory(goalId);
    } catch {
      return; // the live points still draw a line
    }
    const line = this.#lines.get(goalId);
    if (!line) return;
    const firstLive = line.xs[0] ?? Infinity;
    const older = points
      .map((p) => [Date.parse(p.at) / 1000, p.percent ?? p.value ?? null] as const)
      .filter(([x]) => Number.isFinite(x) && x < firstLive)
      .slice(-MAX_POINTS);
    line.xs.unshift(...older.map(([x]) => x));
    line.ys.unshift(...older.map(([, y]) => y));
    trim(line);
    line.size = ''; // redraw with the new scale
    this.draw();
  }

  #add(id: string, x: number, y: number | null): void {
    let line = this.#lines.get(id);
    if (!line) {
      line = { xs: [], ys: [], plot: null, host: null, size: '' };
      this.#lines.set(id, line);
    }
    const last = line.xs.length - 1;
    // Pushes within the same second replace each other: the line shows the board, not the pushes.
    if (last >= 0 && Math.floor(line.xs[last]!) === Math.floor(x)) line.ys[last] = y;
    else {
      line.xs.push(x);
      line.ys.push(y);
    }
    trim(line);
  }
}

function valueOf(goal: GoalView): number | null {
  return goal.percent ?? goal.progress ?? null;
}

function trim(line: Line): void {
  const extra = line.xs.length - MAX_POINTS;
  if (extra > 0) {
    line.xs.splice(0, extra);
    line.ys.splice(0, extra);
  }
}
