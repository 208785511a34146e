// Rendering of the board: header facts and the goal card grid. Cards are kept
// and updated in place rather than rebuilt, so the bar transition and the
// change flash have something to animate and the wall screen never flickers.
// Server text only ever goes through textContent.

import type { BoardChange, ConnectionState, GoalView } from './live';

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const dayFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayYearFormat = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const titleCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const STATE_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

export function formatNumber(value: number): string {
  return Number.isFinite(value) ? numberFormat.format(value) : '–';
}

/** Percent rounded to one decimal, as shown on the card and in data-percent. */
export function formatPercent(percent: number): string {
  return (Number.isFinite(percent) ? percent : 0).toFixed(1);
}

export function renderStatus(el: HTMLElement, state: ConnectionState): void {
  el.dataset['state'] = state;
  el.textContent = STATE_LABELS[state];
}

interface CardParts {
  root: HTMLElement;
  title: HTMLElement;
  owners: HTMLElement;
  metric: HTMLElement;
  period: HTMLElement;
  percent: HTMLElement;
  bar: HTMLElement;
  fill: HTMLElement;
  value: HTMLElement;
  target: HTMLElement;
  goal: GoalView;
}

export interface BoardViewElements {
  title: HTMLElement;
  version: HTMLElement;
  lastUpdate: HTMLElement;
  grid: HTMLElement;
  empty: HTMLElement;
}

export class BoardView {
  readonly #els: BoardViewElements;
  readonly #cards = new Map<string, CardParts>();
  #departmentNames: ReadonlyMap<string, string> = new Map();

  constructor(elements: BoardViewElements) {
    this.#els = elements;
  }

  /** Between choosing a board and its snapshot arriving: nothing stale should stay on screen. */
  showLoading(label: string): void {
    this.#setTitle(label);
    this.#els.version.textContent = '–';
    this.#els.lastUpdate.replaceChildren();
    this.#removeCards();
    this.#els.empty.hidden = true;
    this.#els.grid.setAttribute('aria-busy', 'true');
  }

  /** Back to the neutral header, e.g. while the page waits for an access key. */
  reset(): void {
    this.showLoading('Orleans.Align');
    document.title = 'Orleans.Align';
  }

  /** Department ids are what goals carry; names arrive separately and may come later. */
  setDepartmentNames(names: ReadonlyMap<string, string>): void {
    this.#departmentNames = names;
    for (const card of this.#cards.values()) this.#renderOwners(card);
  }

  render(change: BoardChange): void {
    const { board } = change;
    this.#setTitle(board.title || board.boardId);
    this.#els.version.textContent = String(board.version);
    this.#els.grid.removeAttribute('aria-busy');
    this.#stampUpdate();

    if (change.kind === 'snapshot') {
      for (const [id, card] of this.#cards) {
        if (!board.goals.has(id)) {
          card.root.remove();
          this.#cards.delete(id);
        }
      }
    }

    let orderMayChange = false;
    for (const id of change.changedIds) {
      const goal = board.goals.get(id);
      if (!goal) continue;
      const existing = this.#cards.get(id);
      if (existing) {
        if (existing.goal.title !== goal.title) orderMayChange = true;
        this.#update(existing, goal, true);
      } else {
        const card = this.#create(goal);
        this.#cards.set(id, card);
        orderMayChange = true;
      }
    }

    if (orderMayChange) this.#reorder();
    this.#els.empty.hidden = this.#cards.size > 0;
  }

  #setTitle(title: string): void {
    this.#els.title.textContent = title;
    document.title = `${title} · Orleans.Align`;
  }

  #stampUpdate(): void {
    const now = new Date();
    const time = document.createElement('time');
    time.dateTime = now.toISOString();
    time.textContent = clockFormat.format(now);
    this.#els.lastUpdate.replaceChildren('Updated ', time);
  }

  #removeCards(): void {
    for (const card of this.#cards.values()) card.root.remove();
    this.#cards.clear();
  }

  /**
   * Moving a node restarts its transitions, so the DOM is only touched when
   * the sorted order actually differs from what is on screen.
   */
  #reorder(): void {
    const sorted = [...this.#cards.values()].sort(
      (a, b) => titleCollator.compare(a.goal.title, b.goal.title) || compareIds(a.goal.id, b.goal.id),
    );
    const grid = this.#els.grid;
    const current = grid.children;
    const inOrder =
      current.length === sorted.length && sorted.every((card, index) => current[index] === card.root);
    if (!inOrder) grid.replaceChildren(...sorted.map((card) => card.root));
  }

  #create(goal: GoalView): CardParts {
    const root = el('article', 'goal');
    root.dataset['goalId'] = goal.id;

    const head = el('header', 'goal-head');
    const title = el('h2', 'goal-title');
    const owners = el('ul', 'owners');
    owners.setAttribute('aria-label', 'Owners');
    head.append(title, owners);

    const figures = el('div', 'goal-figures');
    const percent = el('span', 'goal-percent');
    percent.dataset['role'] = 'percent';
    const amounts = el('span', 'goal-amounts');
    const value = el('span', 'goal-value');
    value.dataset['role'] = 'value';
    const target = el('span', 'goal-target');
    target.dataset['role'] = 'target';
    amounts.append(value, el('span', 'goal-of', ' of '), target);
    figures.append(percent, amounts);

    const bar = el('div', 'bar');
    bar.dataset['role'] = 'bar';
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    const fill = el('div', 'fill');
    fill.dataset['role'] = 'fill';
    bar.append(fill);

    const foot = el('footer', 'goal-foot');
    const metric = el('span', 'goal-metric');
    metric.dataset['role'] = 'metric';
    const period = el('span', 'goal-period');
    period.dataset['role'] = 'period';
    foot.append(metric, period);

    root.append(head, figures, bar, foot);

    const card: CardParts = { root, title, owners, metric, period, percent, bar, fill, value, target, goal };
    this.#update(card, goal, false);
    return card;
  }

  #update(card: CardParts, goal: GoalView, flashOnChange: boolean): void {
    const previous = card.goal;
    card.goal = goal;

    card.title.textContent = goal.title;
    card.metric.textContent = goal.metric;
    card.period.textContent = formatPeriod(goal.start, goal.end);
    this.#renderOwners(card);

    const percent = Number.isFinite(goal.percent) ? goal.percent : 0;
    const rounded = formatPercent(percent);
    card.percent.textContent = `${rounded}%`;
    card.bar.dataset['percent'] = rounded;
    card.bar.setAttribute('aria-valuenow', String(Math.min(Math.max(percent, 0), 100)));
    card.bar.setAttribute('aria-valuetext', `${rounded}%`);
    card.fill.style.width = `${Math.min(Math.max(percent, 0), 100)}%`;
    card.value.textContent = formatNumber(goal.progress);
    card.target.textContent = formatNumber(goal.target);
    card.root.classList.toggle('achieved', percent >= 100);

    if (flashOnChange && (previous.progress !== goal.progress || previous.target !== goal.target)) {
      flash(card.root);
    }
  }

  #renderOwners(card: CardParts): void {
    const chips = (card.goal.owners ?? []).map((id) => {
      const chip = el('li', 'owner', this.#departmentNames.get(id) ?? id);
      chip.dataset['department'] = id;
      return chip;
    });
    card.owners.replaceChildren(...chips);
  }
}

function flash(node: HTMLElement): void {
  // Removing the class and forcing a style flush lets back-to-back updates
  // restart the animation instead of being swallowed by the running one.
  node.classList.remove('flash');
  void node.offsetWidth;
  node.classList.add('flash');
  node.addEventListener('animationend', () => node.classList.remove('flash'), { once: true });
}

function formatPeriod(start: string | null, end: string | null): string {
  const from = parseDate(start);
  const to = parseDate(end);
  if (from && to) {
    const sameYear = from.getUTCFullYear() === to.getUTCFullYear();
    return `${(sameYear ? dayFormat : dayYearFormat).format(from)} – ${dayYearFormat.format(to)}`;
  }
  if (to) return `until ${dayYearFormat.format(to)}`;
  if (from) return `from ${dayYearFormat.format(from)}`;
  return '';
}

function parseDate(value: string | null): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
