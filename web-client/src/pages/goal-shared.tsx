// What the goal pages share: who may change a goal, how a goal's numbers read, the level a goal sits
// at in the alignment tree, archiving and restoring, and how a form's refusal reads.

import { ok, Problem, type AppApi } from '../api/client';
import { ActionButton, ProblemBanner } from '../app/ui';
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

/** Archives or restores a goal; the goal's view as the API answers it. */
export async function setGoalArchived(api: AppApi, goalId: string, archived: boolean): Promise<GoalView> {
  const path = archived ? '/api/v1/goals/{goalId}/archive' : '/api/v1/goals/{goalId}/restore';
  return (await ok(api.POST(path, { params: { path: { goalId } } }))) as GoalView;
}

/** Restore for an archived goal, Archive otherwise. */
export function ArchiveButton(props: { goal: Pick<GoalView, 'archived'>; busy: boolean; onArchive(archived: boolean): void }) {
  return props.goal.archived ? (
    <ActionButton type="button" busy={props.busy} id="restore-goal" onClick={() => props.onArchive(false)}>
      Restore
    </ActionButton>
  ) : (
    <ActionButton type="button" busy={props.busy} id="archive-goal" onClick={() => props.onArchive(true)}>
      Archive
    </ActionButton>
  );
}
