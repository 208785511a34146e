// The check-ins panel of a department board: how often the department checks in
// on the goals it owns, and for each goal its status, the last check-in and when
// the next one is due (overdue ones first). The scorecard is pushed whole with
// every change, and the department grain re-judges "overdue" on its reminder, so
// this view only renders what it is given. Server text only ever goes through
// textContent.

import type { BoardState, GoalCard } from './live';
import { formatPercent, formatValue, statusLabel } from './format';

export interface CheckInsViewElements {
  panel: HTMLElement;
  cadence: HTMLElement;
  list: HTMLElement;
  /** The department's live totals across its campaigns (and outside any). */
  totals: HTMLElement;
}

export class CheckInsView {
  readonly #els: CheckInsViewElements;

  constructor(els: CheckInsViewElements) {
    this.#els = els;
  }

  clear(): void {
    this.#els.panel.hidden = true;
    this.#els.list.replaceChildren();
    this.#els.totals.hidden = true;
    this.#els.totals.replaceChildren();
  }

  render(board: BoardState, now: Date = new Date()): void {
    const scorecard = board.department;
    this.#els.panel.hidden = !scorecard;
    this.#els.totals.hidden = !scorecard;
    if (!scorecard) return;
    // Every metric with a value: base metrics summed, ratios computed from the sums.
    const metrics = (scorecard.totals?.metrics ?? []).filter((m) => m.value != null);
    this.#els.totals.replaceChildren(
      ...metrics.map((m) => {
        const chip = text('li', 'scorecard-total');
        chip.dataset['metric'] = m.metric;
        chip.append(text('span', 'scorecard-metric', m.metric.replaceAll('_', ' ')), text('span', 'scorecard-value', formatValue(m.value, m.unit)));
        return chip;
      }),
    );
    const cadence = scorecard.checkInCadence;
    this.#els.cadence.textContent = cadence
      ? `Checks in every ${days(cadence.everyDays)}`
      : 'No check-in cadence set';
    const goals = [...(scorecard.goals ?? [])].sort(
      (a, b) => Number(b.checkInOverdue) - Number(a.checkInOverdue) || due(a) - due(b) || a.title.localeCompare(b.title, 'en'),
    );
    if (goals.length === 0) {
      this.#els.list.replaceChildren(text('li', 'checkins-empty', 'This department owns no goals yet'));
      return;
    }
    this.#els.list.replaceChildren(...goals.map((g) => this.#goal(g, now)));
  }

  #goal(goal: GoalCard, now: Date): HTMLElement {
    const item = document.createElement('li');
    item.className = 'checkin';
    item.dataset['goalId'] = goal.goalId;
    item.dataset['overdue'] = String(goal.checkInOverdue);

    const status = text('span', 'status-chip', statusLabel(goal.status) ?? goal.status);
    status.dataset['status'] = goal.status;
    const head = text('div', 'checkin-head');
    head.append(text('span', 'checkin-title', goal.title), status);

    const last = goal.lastCheckIn
      ? `Last check-in ${ago(new Date(goal.lastCheckIn), now)}${goal.confidence != null ? ` · confidence ${goal.confidence}/10` : ''}`
      : 'Never checked in';
    const when = text('div', 'checkin-when', last);
    item.append(head, when);
    if (goal.checkInDue) {
      const dueAt = new Date(goal.checkInDue);
      const chip = text(
        'div',
        'checkin-due',
        goal.checkInOverdue ? `Check-in overdue since ${ago(dueAt, now)}` : `Next check-in due ${until(dueAt, now)}`,
      );
      chip.dataset['role'] = 'due';
      chip.dataset['overdue'] = String(goal.checkInOverdue);
      item.append(chip);
    }
    if (goal.percent != null) item.append(text('div', 'checkin-progress', `${formatPercent(goal.percent)}% of target`));
    return item;
  }
}

function due(goal: GoalCard): number {
  return goal.checkInDue ? Date.parse(goal.checkInDue) : Number.MAX_SAFE_INTEGER;
}

function days(value: number): string {
  if (value === 1) return 'day';
  if (value === 7) return 'week';
  if (value === 14) return 'two weeks';
  return value >= 1 ? `${+value.toFixed(1)} days` : `${+(value * 24).toFixed(1)} hours`;
}

function span(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

function ago(at: Date, now: Date): string {
  return `${span(now.getTime() - at.getTime())} ago`;
}

function until(at: Date, now: Date): string {
  return at.getTime() <= now.getTime() ? 'now' : `in ${span(at.getTime() - now.getTime())}`;
}

function text(tag: string, className: string, content?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}
