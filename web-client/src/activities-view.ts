// The activities panel: a war room's campaign activities (or, on a department
// board, the activities the department is in charge of) with the department in
// charge and each target's result against its target and pace. Rebuilt whole
// on every change: a campaign has dozens of activities, not thousands, and the
// grain pushes it whole. Server text only ever goes through textContent.

import type { ActivityView, BoardState, MetricValue, TargetView } from './live';
import { departmentLabel, formatPercent, formatTarget, formatValue, statusLabel } from './format';

export interface ActivitiesViewElements {
  panel: HTMLElement;
  list: HTMLElement;
  title: HTMLElement;
}

export class ActivitiesView {
  readonly #els: ActivitiesViewElements;
  #departments: ReadonlyMap<string, string> = new Map();
  #last: BoardState | null = null;

  constructor(els: ActivitiesViewElements) {
    this.#els = els;
  }

  setDepartmentNames(names: ReadonlyMap<string, string>): void {
    this.#departments = names;
    if (this.#last) this.render(this.#last);
  }

  clear(): void {
    this.#last = null;
    this.#els.panel.hidden = true;
    this.#els.list.replaceChildren();
  }

  render(board: BoardState): void {
    this.#last = board;
    const activities = board.campaign?.activities ?? board.department?.activities ?? null;
    this.#els.panel.hidden = activities === null;
    if (activities === null) return;
    this.#els.title.textContent = board.department ? 'Activities in charge' : 'Activities';
    if (activities.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'activities-empty';
      empty.textContent = 'No activities yet';
      this.#els.list.replaceChildren(empty);
      return;
    }
    this.#els.list.replaceChildren(...activities.map((a) => this.#activity(a, board.department !== null)));
  }

  #activity(activity: ActivityView, showCampaign: boolean): HTMLElement {
    const item = document.createElement('li');
    item.className = 'activity';
    item.dataset['activityId'] = activity.id;

    const head = element('div', 'activity-head');
    const inCharge = departmentLabel(activity.department, this.#departments);
    const owner = element('span', 'activity-owner', showCampaign ? `${activity.campaign} · ${inCharge}` : inCharge);
    owner.dataset['role'] = 'department';
    head.append(element('span', 'activity-name', activity.name), owner);
    item.append(head);

    const results = document.createElement('ul');
    results.className = 'activity-results';
    const targeted = new Set(activity.targets.map((t) => t.metric));
    for (const target of activity.targets) results.append(this.#target(target, unitOf(activity.totals.metrics, target.metric)));
    // The metrics it moves without a target: their totals.
    for (const metric of activity.metrics) {
      if (targeted.has(metric)) continue;
      const value = activity.totals.metrics.find((m) => m.metric === metric);
      const row = document.createElement('li');
      row.className = 'activity-total';
      row.dataset['role'] = 'total';
      row.dataset['metric'] = metric;
      row.textContent = `${metric}: ${formatValue(value?.value ?? null, value?.unit)}`;
      results.append(row);
    }
    item.append(results);
    return item;
  }

  #target(target: TargetView, unit: string | undefined): HTMLElement {
    const row = document.createElement('li');
    row.className = 'activity-target';
    row.dataset['role'] = 'target';
    row.dataset['metric'] = target.metric;
    row.dataset['status'] = target.status;
    row.dataset['percent'] = formatPercent(target.percent ?? 0);

    const value = element('span', 'activity-value', `${formatValue(target.value, unit)} of ${formatTarget(target.kind, target.target, unit)}`);
    value.dataset['role'] = 'value';
    const status = element('span', 'status-chip', statusLabel(target.status) ?? target.status);
    status.dataset['status'] = target.status;
    const bar = element('span', 'activity-bar');
    const fill = element('span', 'activity-fill');
    fill.style.width = `${Math.max(0, Math.min(100, target.percent ?? 0))}%`;
    bar.append(fill);
    row.append(element('span', 'activity-metric', target.metric), value, status, bar);
    return row;
  }
}

/** An element with a class and, when given, its text (server text only ever goes through textContent). */
function element(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function unitOf(metrics: readonly MetricValue[], metric: string): string | undefined {
  return metrics.find((m) => m.metric === metric)?.unit;
}
