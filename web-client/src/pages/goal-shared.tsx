// What the goal pages share: who may change a goal, how a goal's numbers read, the level a goal sits
// at in the alignment tree, groups of checkboxes with the API's messages, and date-times typed in
// the organization's time zone.

import type { ComponentChildren } from 'preact';
import { Problem } from '../api/client';
import { ProblemBanner } from '../app/ui';
import type { GoalView } from '../api/types';
import type { AppState } from '../app/context';

export const KIND_LABELS: Readonly<Record<string, string>> = {
  increaseTo: 'Increase to',
  decreaseTo: 'Decrease to',
  stayAbove: 'Stay above',
  stayBelow: 'Stay below',
};

export const RESET_LABELS: Readonly<Record<string, string>> = {
  none: 'Never (one period)',
  weekly: 'Weekly',
  monthly: 'Monthly',
  quarterly: 'Quarterly',
};

/** Whether this person may change (edit, archive, restore) a goal: admins, and leads of one of its owners. */
export function mayChange(app: AppState, goal: Pick<GoalView, 'owners'>): boolean {
  return app.role === 'admin' || (app.role === 'lead' && goal.owners.some((o) => app.leads(o)));
}

/** Whether this person may define goals at all (admins, and leads of at least one department). */
export function mayDefineGoals(app: AppState): boolean {
  return app.role === 'admin' || (app.role === 'lead' && (app.me.departments ?? []).length > 0);
}

/**
 * Where a goal sits: a campaign's (scoped to campaigns), the company's (a top-level goal of several
 * departments), a joint goal of several departments under another, or one department's.
 */
export function goalLevel(goal: GoalView): 'campaign' | 'department' | 'joint' | 'company' {
  if (goal.scope.campaigns.length > 0) return 'campaign';
  if (goal.owners.length > 1) return goal.parentId ? 'joint' : 'company';
  return 'department';
}

export const LEVEL_LABELS = { campaign: 'Campaign goal', department: 'Department goal', joint: 'Joint goal', company: 'Company goal' } as const;

/** "1,234 of 5,000" (or "≤ 40 %" for a bound), in the goal's unit. */
export function progressText(app: AppState, goal: GoalView): string {
  const unit = goal.rollUp === 'children' ? 'percent' : goal.unit;
  const value = app.format.value(goal.progress, unit);
  const target = app.format.value(goal.target, unit);
  switch (goal.kind) {
    case 'stayAbove':
      return `${value} (stay above ${target})`;
    case 'stayBelow':
      return `${value} (stay below ${target})`;
    case 'decreaseTo':
      return `${value}, down to ${target}`;
    default:
      return `${value} of ${target}`;
  }
}

export function ownerNames(app: AppState, owners: readonly string[]): string {
  return owners.map((o) => app.departmentName(o)).join(', ');
}

/**
 * A group of checkboxes with a legend and the API's messages for the group (fields "owners",
 * "scope.campaigns"...), wired to the group by aria-describedby.
 */
export function CheckboxGroup(props: {
  name: string;
  legend: string;
  hint?: string;
  problem: Problem | null;
  options: ReadonlyArray<{ value: string; label: string; disabled?: boolean }>;
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  empty?: ComponentChildren;
}) {
  const id = `group-${props.name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const messages = props.problem ? props.problem.forField(props.name) : [];
  const describedBy = [props.hint ? `${id}-hint` : null, messages.length ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <fieldset class="field checkbox-group" id={id} data-field={props.name} data-invalid={messages.length > 0 ? 'true' : undefined} aria-describedby={describedBy || undefined}>
      <legend>{props.legend}</legend>
      {props.options.length === 0 && props.empty}
      {props.options.map((o) => (
        <label key={o.value} class="check">
          <input
            type="checkbox"
            name={props.name}
            value={o.value}
            checked={props.selected.includes(o.value)}
            disabled={o.disabled}
            onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              props.onChange(on ? [...props.selected.filter((s) => s !== o.value), o.value] : props.selected.filter((s) => s !== o.value));
            }}
          />
          {o.label}
        </label>
      ))}
      {props.hint && (
        <p id={`${id}-hint`} class="field-hint">
          {props.hint}
        </p>
      )}
      {messages.length > 0 && (
        <p id={`${id}-error`} class="field-error" data-error-for={props.name}>
          {messages.join(' ')}
        </p>
      )}
    </fieldset>
  );
}

function wallParts(ms: number, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const out: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** How far the zone's wall clock is ahead of UTC at a moment, in milliseconds. */
function zoneOffset(ms: number, timeZone: string): number {
  const w = wallParts(ms, timeZone);
  return Date.UTC(w.year!, w.month! - 1, w.day!, w.hour! % 24, w.minute!, w.second!) - Math.floor(ms / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO moment as a datetime-local value on the zone's wall clock ("2026-07-01T09:00"). */
export function toZoneInput(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  const w = wallParts(new Date(iso).getTime(), timeZone);
  return `${w.year}-${pad(w.month!)}-${pad(w.day!)}T${pad(w.hour! % 24)}:${pad(w.minute!)}`;
}

/** A datetime-local value read on the zone's wall clock, as an ISO moment; null when empty or unreadable. */
export function fromZoneInput(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let ms = wall - zoneOffset(wall, timeZone);
  ms = wall - zoneOffset(ms, timeZone);
  return new Date(ms).toISOString();
}

/**
 * A form's refusal: when the API named fields, says so in words (the messages stand beside those
 * fields) and lists only what no field shows; any other problem as the API put it.
 */
export function FormProblem(props: { problem: Problem | Error | null; fields: readonly string[]; what: string }) {
  const p = props.problem;
  if (p instanceof Problem && Object.keys(p.fields).length > 0) {
    const extra = p.unclaimed(props.fields);
    return (
      <div class="problem" role="alert">
        <p>
          {props.what} was not saved: {extra.length === Object.values(p.fields).flat().length ? 'see below.' : 'fix the fields marked below.'}
        </p>
        {extra.length > 0 && (
          <ul>
            {extra.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return <ProblemBanner problem={p} />;
}
