// The trigger rules panel: the organization's cross-department rules that concern
// this board (all of them on the overview; on a war room those whose scope takes
// in its campaign; on a department board those that tell the department), each
// with its metric in the current window against the previous one and whether it
// is firing. Rules are not pushed to boards: what a rule raises reaches the feed
// live, and this panel re-reads GET /api/v1/rules every 15 s to show where each
// rule stands. A goal's own trend rule is shown with its goal, not here.

import type { ApiClient, RuleView } from './api';
import { departmentLabel } from './format';

const REFRESH_MS = 15_000;

export interface RulesViewElements {
  panel: HTMLElement;
  list: HTMLElement;
}

export class RulesView {
  readonly #els: RulesViewElements;
  #departments: ReadonlyMap<string, string> = new Map();
  #timer: ReturnType<typeof setInterval> | null = null;
  #api: ApiClient | null = null;
  #boardId = 'overview';
  #rules: RuleView[] = [];
  #generation = 0;

  constructor(els: RulesViewElements) {
    this.#els = els;
  }

  setDepartmentNames(names: ReadonlyMap<string, string>): void {
    this.#departments = names;
    this.#render();
  }

  /** Starts (or moves) the panel to a board; reads the rules now and then every 15 s. */
  show(api: ApiClient, boardId: string): void {
    this.#api = api;
    this.#boardId = boardId;
    this.#render();
    if (this.#timer === null) this.#timer = setInterval(() => void this.#refresh(), REFRESH_MS);
    void this.#refresh();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#api = null;
    this.#rules = [];
    this.#generation++;
    this.#els.panel.hidden = true;
    this.#els.list.replaceChildren();
  }

  async #refresh(): Promise<void> {
    const api = this.#api;
    if (!api) return;
    const generation = ++this.#generation;
    try {
      const rules = await api.getRules();
      if (generation !== this.#generation) return;
      this.#rules = Array.isArray(rules) ? rules.filter((r) => r.rule.goal == null) : [];
      this.#render();
    } catch {
      // The panel keeps what it last showed; the live board reports connection trouble itself.
    }
  }

  #concerns(view: RuleView): boolean {
    const board = this.#boardId;
    if (board.startsWith('campaign:')) {
      const campaigns = view.rule.scope.campaigns;
      return campaigns.length === 0 || campaigns.includes(board.slice('campaign:'.length));
    }
    if (board.startsWith('department:')) return view.rule.notify.includes(board.slice('department:'.length));
    return true;
  }

  #render(): void {
    const shown = this.#rules.filter((r) => this.#concerns(r));
    this.#els.panel.hidden = shown.length === 0;
    this.#els.list.replaceChildren(...shown.map((r) => this.#rule(r)));
  }

  #rule(view: RuleView): HTMLElement {
    const { rule } = view;
    const item = document.createElement('li');
    item.className = 'rule';
    item.dataset['ruleId'] = rule.id;
    item.dataset['open'] = String(view.open);
    item.dataset['holds'] = String(view.holds);

    const head = text('div', 'rule-head');
    const state = text('span', 'rule-state', view.open ? 'Firing' : view.holds ? 'Holding' : 'Quiet');
    state.dataset['role'] = 'state';
    head.append(text('span', 'rule-name', rule.name), state);

    const condition = text('div', 'rule-condition', describe(view));
    condition.dataset['role'] = 'condition';
    const tell = rule.notify.map((d) => departmentLabel(d, this.#departments)).join(', ');
    const now = text('div', 'rule-now', `${number(view.current)} now · ${number(view.previous)} the window before${view.changePercent != null ? ` (${view.changePercent >= 0 ? '+' : ''}${view.changePercent.toFixed(0)}%)` : ''}`);
    now.dataset['role'] = 'values';
    item.append(head, condition, now, text('div', 'rule-notify', `Tells ${tell}`));
    return item;
  }
}

function describe(view: RuleView): string {
  const { rule } = view;
  const window = rule.windowMinutes % 60 === 0 ? `${rule.windowMinutes / 60} h` : `${rule.windowMinutes} min`;
  switch (rule.condition) {
    case 'risesBy':
      return `${rule.metric} rises ${rule.threshold}% over ${window}`;
    case 'fallsBy':
      return `${rule.metric} falls ${rule.threshold}% over ${window}`;
    case 'above':
      return `${rule.metric} reaches ${rule.threshold} in ${window}`;
    default:
      return `${rule.metric} drops to ${rule.threshold} in ${window}`;
  }
}

function number(value: number | null): string {
  if (value == null) return '–';
  return Math.abs(value) < 10 && !Number.isInteger(value) ? value.toFixed(3) : Math.round(value).toLocaleString('en');
}

function text(tag: string, className: string, content?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}
