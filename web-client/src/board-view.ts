// Rendering of the board: header facts and the goal card grid. Cards are kept
// and updated in place rather than rebuilt, so the bar transition and the
// change flash have something to animate and the wall screen never flickers.
// Server text only ever goes through textContent.

import type { BoardChange, ConnectionState, GoalView } from './live';
import {
  NO_PERCENT,
  departmentLabel,
  formatPercent,
  formatTarget,
  formatValue,
  organizationTimeZone,
  statusLabel,
} from './format';

// Dates in the organization's time zone (format.ts), made again when it changes.
const dayFormats = new Map<string, { day: Intl.DateTimeFormat; dayYear: Intl.DateTimeFormat }>();
function dateFormats(): { day: Intl.DateTimeFormat; dayYear: Intl.DateTimeFormat } {
  const timeZone = organizationTimeZone();
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = {
      day: new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone }),
      dayYear: new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone }),
    };
    dayFormats.set(timeZone, f);
  }
  return f;
}
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const titleCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const STATE_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

export function renderStatus(el: HTMLElement, state: ConnectionState): void {
  el.dataset['state'] = state;
  el.textContent = STATE_LABELS[state];
}

interface CardParts {
  root: HTMLElement;
  parent: HTMLElement;
  title: HTMLElement;
  status: HTMLElement;
  owners: HTMLElement;
  metric: HTMLElement;
  rollup: HTMLElement;
  period: HTMLElement;
  percent: HTMLElement;
  bar: HTMLElement;
  fill: HTMLElement;
  pace: HTMLElement;
  value: HTMLElement;
  of: HTMLElement;
  target: HTMLElement;
  confidence: HTMLElement;
  confidenceScore: HTMLElement;
  confidenceNote: HTMLElement;
  mismatch: HTMLElement;
  contributions: HTMLElement;
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
  /** Per-department contributions are only shown on campaign boards. */
  #campaignBoard = false;

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

  /** Draws every card again (the organization's currency or time zone changed). */
  refresh(): void {
    for (const card of this.#cards.values()) this.#update(card, card.goal, false);
  }

  /** Department ids are what goals carry; names arrive separately and may come later. */
  setDepartmentNames(names: ReadonlyMap<string, string>): void {
    this.#departmentNames = names;
    for (const card of this.#cards.values()) this.#update(card, card.goal, false);
  }

  render(change: BoardChange): void {
    const { board } = change;
    this.#setTitle(board.title || board.boardId);
    this.#els.version.textContent = String(board.version);
    this.#els.grid.removeAttribute('aria-busy');
    this.#stampUpdate();

    const campaignBoard = board.boardId.startsWith('campaign:');
    const boardKindChanged = campaignBoard !== this.#campaignBoard;
    this.#campaignBoard = campaignBoard;

    // A snapshot replaces the board; a delta may say goals left it (removed ids are no longer in goals).
    {
      for (const [id, card] of this.#cards) {
        if (!board.goals.has(id)) {
          card.root.remove();
          this.#cards.delete(id);
        }
      }
    }

    for (const id of change.changedIds) {
      const goal = board.goals.get(id);
      if (!goal) continue;
      const existing = this.#cards.get(id);
      if (existing) this.#update(existing, goal, true);
      else this.#cards.set(id, this.#create(goal));
    }
    if (boardKindChanged) {
      for (const card of this.#cards.values()) this.#renderContributions(card);
    }

    // Parent lines, roll-up counts and the order depend on other goals too.
    this.#arrange();
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
   * Orders cards as a tree (each parent followed by its children, siblings by
   * title) and fills in what depends on other cards: the "↳ parent" line, the
   * depth and the roll-up count. Moving a node restarts its transitions, so the
   * DOM order is only touched when it actually differs from what is on screen.
   */
  #arrange(): void {
    const children = new Map<string | null, CardParts[]>();
    for (const card of this.#cards.values()) {
      const parentId = card.goal.parentId;
      const key = parentId && parentId !== card.goal.id && this.#cards.has(parentId) ? parentId : null;
      const siblings = children.get(key);
      if (siblings) siblings.push(card);
      else children.set(key, [card]);
    }
    const byTitle = (a: CardParts, b: CardParts): number =>
      titleCollator.compare(a.goal.title, b.goal.title) || compareIds(a.goal.id, b.goal.id);
    for (const siblings of children.values()) siblings.sort(byTitle);

    const sorted: CardParts[] = [];
    const placed = new Set<string>();
    const visit = (card: CardParts, depth: number, parent: CardParts | null): void => {
      if (placed.has(card.goal.id)) return;
      placed.add(card.goal.id);
      sorted.push(card);
      this.#renderRelations(card, depth, parent, children.get(card.goal.id)?.length ?? 0);
      for (const child of children.get(card.goal.id) ?? []) visit(child, depth + 1, card);
    };
    for (const root of children.get(null) ?? []) visit(root, 0, null);
    // Goals in a parent cycle have no root to hang from: show them flat rather than not at all.
    for (const card of [...this.#cards.values()].sort(byTitle)) visit(card, 0, null);

    const grid = this.#els.grid;
    const current = grid.children;
    const inOrder =
      current.length === sorted.length && sorted.every((card, index) => current[index] === card.root);
    if (!inOrder) grid.replaceChildren(...sorted.map((card) => card.root));
  }

  #renderRelations(card: CardParts, depth: number, parent: CardParts | null, childCount: number): void {
    setData(card.root, 'depth', depth > 0 ? String(Math.min(depth, 3)) : null);
    setText(card.parent, parent ? `↳ ${parent.goal.title}` : '');
    card.parent.hidden = !parent;

    const rollsUp = card.goal.rollUp === 'children';
    setData(card.root, 'rollup', rollsUp ? String(childCount) : null);
    setText(
      card.rollup,
      !rollsUp ? '' : childCount > 0 ? `Roll-up of ${childCount} goal${childCount === 1 ? '' : 's'}` : 'Roll-up goal',
    );
    card.rollup.hidden = !rollsUp;
  }

  #create(goal: GoalView): CardParts {
    const root = el('article', 'goal');
    root.dataset['goalId'] = goal.id;

    const head = el('header', 'goal-head');
    const parent = role(el('div', 'goal-parent'), 'parent');
    parent.hidden = true;
    const titleRow = el('div', 'goal-title-row');
    const title = el('h2', 'goal-title');
    const status = role(el('span', 'status-chip'), 'status');
    status.hidden = true;
    titleRow.append(title, status);
    head.append(parent, titleRow);
    const owners = el('ul', 'owners');
    owners.setAttribute('aria-label', 'Owners');

    const figures = el('div', 'goal-figures');
    const percent = role(el('span', 'goal-percent'), 'percent');
    const amounts = el('span', 'goal-amounts');
    const value = role(el('span', 'goal-value'), 'value');
    const of = el('span', 'goal-of', ' of ');
    const target = role(el('span', 'goal-target'), 'target');
    amounts.append(value, of, target);
    figures.append(percent, amounts);

    const bar = role(el('div', 'bar'), 'bar');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    const fill = role(el('div', 'fill'), 'fill');
    const pace = role(el('div', 'pace'), 'pace');
    pace.hidden = true;
    bar.append(fill, pace);

    const confidence = role(el('div', 'goal-confidence'), 'confidence');
    confidence.hidden = true;
    const confidenceScore = el('span', 'confidence-score');
    const confidenceNote = el('span', 'confidence-note');
    confidence.append(confidenceScore, confidenceNote);

    const mismatch = role(el('div', 'mismatch', 'Confidence and pace disagree'), 'mismatch');
    mismatch.hidden = true;

    const contributions = role(el('ul', 'contributions'), 'contributions');
    contributions.setAttribute('aria-label', 'Contribution by department');
    contributions.hidden = true;

    const foot = el('footer', 'goal-foot');
    const metric = role(el('span', 'goal-metric'), 'metric');
    const rollup = role(el('span', 'goal-rollup'), 'rollup');
    rollup.hidden = true;
    const period = role(el('span', 'goal-period'), 'period');
    // Owners sit with the metric and period: on a wall screen the vertical space goes to the numbers.
    foot.append(owners, metric, rollup, period);

    root.append(head, figures, bar, mismatch, confidence, contributions, foot);

    const card: CardParts = {
      root,
      parent,
      title,
      status,
      owners,
      metric,
      rollup,
      period,
      percent,
      bar,
      fill,
      pace,
      value,
      of,
      target,
      confidence,
      confidenceScore,
      confidenceNote,
      mismatch,
      contributions,
      goal,
    };
    this.#update(card, goal, false);
    return card;
  }

  #update(card: CardParts, goal: GoalView, flashOnChange: boolean): void {
    const previous = card.goal;
    card.goal = goal;

    setText(card.title, goal.title);
    card.bar.setAttribute('aria-label', `Progress of ${goal.title}`);
    setText(card.metric, goal.metric);
    setText(card.period, formatPeriod(goal.start, goal.end));
    this.#renderOwners(card);

    const label = statusLabel(goal.status);
    setData(card.root, 'status', label ? goal.status ?? null : null);
    setData(card.status, 'status', label ? goal.status ?? null : null);
    setText(card.status, label ?? '');
    card.status.hidden = !label;

    // No percent ("no data") keeps data-percent numeric so [data-percent] selectors still match.
    const hasPercent = typeof goal.percent === 'number' && Number.isFinite(goal.percent);
    const percent = hasPercent ? (goal.percent as number) : 0;
    const clamped = Math.min(Math.max(percent, 0), 100);
    const rounded = formatPercent(percent);
    setText(card.percent, hasPercent ? `${rounded}%` : NO_PERCENT);
    card.percent.classList.toggle('no-data', !hasPercent);
    card.bar.dataset['percent'] = rounded;
    setData(card.bar, 'noData', hasPercent ? null : 'true');
    card.bar.setAttribute('aria-valuenow', String(clamped));
    card.bar.setAttribute('aria-valuetext', hasPercent ? `${rounded}%` : 'No data');
    card.fill.style.width = `${clamped}%`;

    const expected = goal.expectedPercent;
    const hasPace = typeof expected === 'number' && Number.isFinite(expected);
    card.pace.hidden = !hasPace;
    if (hasPace) {
      const at = Math.min(Math.max(expected, 0), 100);
      card.pace.style.left = `${at}%`;
      card.pace.dataset['expected'] = formatPercent(expected);
      card.pace.title = `Expected by now: ${formatPercent(expected)}%`;
    }

    setText(card.value, formatValue(goal.progress, goal.unit));
    card.value.classList.toggle('no-data', goal.progress === null || goal.progress === undefined);
    const bound = goal.kind === 'decreaseTo' || goal.kind === 'stayBelow' || goal.kind === 'stayAbove';
    setText(card.of, bound ? ' · target ' : ' of ');
    setText(card.target, formatTarget(goal.kind, goal.target, goal.unit));
    card.root.classList.toggle('achieved', percent >= 100 || goal.status === 'achieved');

    this.#renderCheckIn(card);
    this.#renderContributions(card);

    if (flashOnChange && (previous.progress !== goal.progress || previous.target !== goal.target)) {
      flash(card.root);
    }
  }

  #renderCheckIn(card: CardParts): void {
    const { latestCheckIn: checkIn, confidenceMismatch } = card.goal;
    card.mismatch.hidden = !confidenceMismatch;
    card.confidence.hidden = !checkIn;
    if (!checkIn) return;

    const who = departmentLabel(checkIn.department, this.#departmentNames);
    const score = Math.round(checkIn.confidence);
    setText(card.confidenceScore, `${who} confidence ${score}/10`);
    card.confidenceScore.dataset['level'] = score >= 7 ? 'high' : score <= 3 ? 'low' : 'mid';
    card.confidence.dataset['confidence'] = String(score);
    const note = (checkIn.note ?? '').trim();
    // The note is cut to one line by CSS; the title keeps the whole of it.
    setText(card.confidenceNote, note);
    card.confidenceNote.hidden = !note;
    card.confidence.title = note ? `${who} confidence ${score}/10: ${note}` : `${who} confidence ${score}/10`;
  }

  #renderContributions(card: CardParts): void {
    const list = card.goal.contributions;
    const show = this.#campaignBoard && Array.isArray(list) && list.length > 0;
    card.contributions.hidden = !show;
    if (!show) {
      if (card.contributions.firstChild) card.contributions.replaceChildren();
      return;
    }

    const max = Math.max(0, ...list.map((c) => (typeof c.value === 'number' ? Math.abs(c.value) : 0)));
    const rows = [...list]
      .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || compareIds(a.department, b.department))
      .map((contribution) => {
        const row = role(el('li', 'contribution'), 'contribution');
        row.dataset['department'] = contribution.department;
        const name = el('span', 'contribution-name', departmentLabel(contribution.department, this.#departmentNames));
        const track = el('span', 'contribution-track');
        const fill = el('span', 'contribution-fill');
        const share = typeof contribution.value === 'number' && max > 0 ? Math.abs(contribution.value) / max : 0;
        fill.style.width = `${(share * 100).toFixed(1)}%`;
        track.append(fill);
        const amount = el('span', 'contribution-value', formatValue(contribution.value, card.goal.unit));
        if (contribution.value === null || contribution.value === undefined) amount.classList.add('no-data');
        row.title = `${contribution.events} event${contribution.events === 1 ? '' : 's'}`;
        row.append(name, track, amount);
        return row;
      });
    card.contributions.replaceChildren(...rows);
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
    const { day, dayYear } = dateFormats();
    const sameYear = dayYear.formatToParts(from).find((p) => p.type === 'year')?.value === dayYear.formatToParts(to).find((p) => p.type === 'year')?.value;
    return `${(sameYear ? day : dayYear).format(from)} – ${dayYear.format(to)}`;
  }
  if (to) return `until ${dateFormats().dayYear.format(to)}`;
  if (from) return `from ${dateFormats().dayYear.format(from)}`;
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

/** Writes text only when it differs, so unchanged cards see no DOM mutation. */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function setData(node: HTMLElement, key: string, value: string | null): void {
  if (value === null) delete node.dataset[key];
  else if (node.dataset[key] !== value) node.dataset[key] = value;
}

function role<T extends HTMLElement>(node: T, name: string): T {
  node.dataset['role'] = name;
  return node;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
