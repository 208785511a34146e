// The feed panel (check-ins, announcements, status changes, alerts) and the
// header's alert counter. Entries are keyed by id and kept in place, so a new
// entry's highlight survives the next update. Server text only goes through textContent.

import { el, setData, setText } from './board-view';
import { departmentLabel, reasonLabel } from './format';
import type { BoardChange, FeedEntry, GoalView } from './live';

const HOUR_MS = 60 * 60 * 1000;
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

const KIND_LABELS: Readonly<Record<string, string>> = {
  checkIn: 'Check-in',
  announcement: 'Announcement',
  statusChange: 'Status',
  alert: 'Alert',
};

export interface FeedViewElements {
  /** The list the entries go into (inside #feed). */
  list: HTMLElement;
  /** Shown while there is nothing in the feed. */
  empty: HTMLElement;
  /** #alert-count: the number alone. */
  alertCount: HTMLElement;
  /** The wrapper around the counter and its label, styled by data-count. */
  alertCounter: HTMLElement;
  alertLabel: HTMLElement;
}

interface EntryParts {
  node: HTMLElement;
  kind: HTMLElement;
  tag: HTMLElement;
  state: HTMLElement;
  time: HTMLTimeElement;
  lead: HTMLElement;
  text: HTMLElement;
  goal: HTMLElement;
}

export class FeedView {
  readonly #els: FeedViewElements;
  readonly #entries = new Map<number, EntryParts>();
  #feed: readonly FeedEntry[] = [];
  #goals: ReadonlyMap<string, GoalView> = new Map();
  #departmentNames: ReadonlyMap<string, string> = new Map();

  constructor(elements: FeedViewElements) {
    this.#els = elements;
    this.clear();
  }

  clear(): void {
    this.#feed = [];
    this.#goals = new Map();
    this.#entries.clear();
    this.#els.list.replaceChildren();
    this.#els.empty.hidden = false;
    this.refreshAlertCount();
  }

  setDepartmentNames(names: ReadonlyMap<string, string>): void {
    this.#departmentNames = names;
    this.#renderAll();
  }

  render(change: BoardChange): void {
    this.#feed = change.board.feed ?? [];
    this.#goals = change.board.goals;

    const keep = new Set(this.#feed.map((entry) => entry.id));
    for (const [id, parts] of this.#entries) {
      if (!keep.has(id)) {
        parts.node.remove();
        this.#entries.delete(id);
      }
    }

    const fresh = new Set(change.newFeedIds);
    const ordered = this.#feed.map((entry) => {
      let parts = this.#entries.get(entry.id);
      if (!parts) {
        parts = createEntry(entry);
        this.#entries.set(entry.id, parts);
        if (fresh.has(entry.id)) highlight(parts.node);
      }
      return parts.node;
    });

    const list = this.#els.list;
    const current = list.children;
    const inOrder = current.length === ordered.length && ordered.every((node, index) => current[index] === node);
    if (!inOrder) list.replaceChildren(...ordered);
    this.#els.empty.hidden = ordered.length > 0;

    this.#renderAll();
    this.refreshAlertCount();
  }

  /** Unresolved alerts of the last hour; called on every change and on a timer, since entries age out. */
  refreshAlertCount(now: number = Date.now()): void {
    let count = 0;
    for (const entry of this.#feed) {
      if (entry.kind !== 'alert' || entry.state === 'resolved') continue;
      const at = Date.parse(entry.at);
      if (Number.isFinite(at) && now - at <= HOUR_MS) count++;
    }
    setText(this.#els.alertCount, String(count));
    setData(this.#els.alertCount, 'count', String(count));
    setData(this.#els.alertCounter, 'count', String(count));
    setText(this.#els.alertLabel, count === 1 ? 'alert · last hour' : 'alerts · last hour');
  }

  #renderAll(): void {
    for (const entry of this.#feed) {
      const parts = this.#entries.get(entry.id);
      if (parts) this.#renderEntry(parts, entry);
    }
  }

  #renderEntry(parts: EntryParts, entry: FeedEntry): void {
    const names = this.#departmentNames;
    const dept = (id: string | null | undefined): string => (id ? departmentLabel(id, names) : '');
    const goal = entry.goalId ? this.#goals.get(entry.goalId) : undefined;
    const text = (entry.text ?? '').trim();

    const isAlert = entry.kind === 'alert';
    setText(parts.kind, isAlert ? reasonLabel(entry.reason) : (KIND_LABELS[entry.kind] ?? 'Update'));
    setData(parts.node, 'reason', entry.reason ?? null);

    // Sales feedback is worth a tag of its own unless the alert already says so.
    const salesTag = entry.salesFeedback && entry.reason !== 'sales_feedback';
    setText(parts.tag, salesTag ? 'Sales feedback' : '');
    parts.tag.hidden = !salesTag;

    // An alert's lifecycle: acknowledged by whom, resolved when its condition cleared.
    const state = isAlert ? alertStateLabel(entry, dept) : '';
    setData(parts.node, 'state', isAlert ? (entry.state ?? 'open') : null);
    setText(parts.state, state);
    parts.state.hidden = !state;

    let lead = '';
    let showGoal = !!goal;
    switch (entry.kind) {
      case 'checkIn': {
        const who = dept(entry.department) || 'Check-in';
        if (/^confidence\b/i.test(text)) {
          lead = `${who} ·`;
        } else {
          const score = entry.confidence ?? checkInScore(entry, goal, text);
          lead = score === null ? `${who}:` : `${who} · confidence ${score}/10:`;
        }
        break;
      }
      case 'announcement': {
        const to = (entry.to ?? []).map(dept).filter(Boolean);
        const from = dept(entry.department);
        if (from || to.length) lead = `${from || 'Someone'} → ${to.length ? to.join(', ') : 'Everyone'}:`;
        break;
      }
      case 'statusChange':
        if (goal) {
          lead = `${goal.title}:`;
          showGoal = false;
        }
        break;
      default:
        break;
    }
    setText(parts.lead, lead);
    parts.lead.hidden = !lead;
    setText(parts.text, lead && text ? ` ${text}` : text);
    setText(parts.goal, showGoal && goal ? goal.title : '');
    parts.goal.hidden = !(showGoal && goal);
  }
}

function createEntry(entry: FeedEntry): EntryParts {
  const node = el('li', 'feed-entry');
  node.dataset['kind'] = entry.kind;
  node.dataset['feedId'] = String(entry.id);
  if (entry.kind === 'alert') node.classList.add('alert');

  const meta = el('div', 'feed-meta');
  const kind = el('span', 'feed-kind');
  kind.dataset['role'] = 'reason';
  const tag = el('span', 'feed-tag');
  tag.hidden = true;
  const state = el('span', 'feed-state');
  state.hidden = true;
  const time = document.createElement('time');
  time.className = 'feed-time';
  const at = new Date(entry.at);
  if (!Number.isNaN(at.getTime())) {
    time.dateTime = at.toISOString();
    time.textContent = formatWhen(at);
    time.title = at.toLocaleString();
  }
  meta.append(kind, tag, state, time);

  const body = el('p', 'feed-text');
  const lead = el('strong', 'feed-lead');
  const text = el('span', 'feed-body');
  body.append(lead, text);
  const goal = el('p', 'feed-goal');
  goal.hidden = true;

  node.append(meta, body, goal);
  return { node, kind, tag, state, time, lead, text, goal };
}

/** "Acknowledged by Sales", "Resolved 14:05" (and who had acknowledged it); nothing while open. */
function alertStateLabel(entry: FeedEntry, dept: (id: string | null | undefined) => string): string {
  const by = entry.acknowledgedBy ? dept(entry.acknowledgedBy) || entry.acknowledgedBy : '';
  if (entry.state === 'resolved') {
    const at = entry.resolvedAt ? new Date(entry.resolvedAt) : null;
    const when = at && !Number.isNaN(at.getTime()) ? ` ${formatWhen(at)}` : '';
    return `Resolved${when}${by ? ` · seen by ${by}` : ''}`;
  }
  if (entry.state === 'acknowledged') return by ? `Acknowledged by ${by}` : 'Acknowledged';
  return '';
}

/**
 * Feed entries do not carry the confidence itself; when the goal's latest
 * check-in is this one (same department, same moment) its score is known.
 * If the server already wrote the score into the text, it is not repeated.
 */
function checkInScore(entry: FeedEntry, goal: GoalView | undefined, text: string): number | null {
  if (/confidence\s*\d+\s*\/\s*10/i.test(text)) return null;
  const checkIn = goal?.latestCheckIn;
  if (!checkIn || checkIn.department !== entry.department) return null;
  const delta = Math.abs(Date.parse(checkIn.at) - Date.parse(entry.at));
  return Number.isFinite(delta) && delta <= 60_000 ? Math.round(checkIn.confidence) : null;
}

function formatWhen(at: Date): string {
  const now = new Date();
  const sameDay =
    at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  return (sameDay ? timeFormat : dayTimeFormat).format(at);
}

function highlight(node: HTMLElement): void {
  node.classList.add('fresh');
  node.addEventListener('animationend', () => node.classList.remove('fresh'), { once: true });
}
