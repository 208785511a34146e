// What the campaign pages share: an activity's editor (department in charge, metrics it is expected to
// move, optional targets). Groups of checkboxes and wall times come from app/ (re-exported here).

import type { ComponentChildren } from 'preact';
import type { Problem } from '../api/client';
import type { ActivityTargetRequest, CampaignActivity, GoalKind, MetricDefinition } from '../api/types';
import { Field } from '../app/ui';
import { fromWallTime, toWallTime } from '../app/zoned-time';

import { CheckGroup } from '../app/check-group';

export { CheckGroup };
export { fromWallTime, toWallTime } from '../app/zoned-time';

// ---- An activity being planned or changed ------------------------------------------------------------------

export interface TargetDraft {
  target: string;
  kind: GoalKind;
  baseline: string;
  start: string;
  end: string;
}

export interface ActivityDraft {
  id: string;
  department: string;
  name: string;
  metrics: string[];
  /** Per metric key; a metric whose target is empty has no target. */
  targets: Record<string, TargetDraft>;
}

export const KIND_LABELS: Readonly<Record<GoalKind, string>> = {
  increaseTo: 'Increase to',
  decreaseTo: 'Decrease to',
  stayAbove: 'Stay above',
  stayBelow: 'Stay below',
};

export function emptyActivity(department = ''): ActivityDraft {
  return { id: '', department, name: '', metrics: [], targets: {} };
}

export function emptyTarget(): TargetDraft {
  return { target: '', kind: 'increaseTo', baseline: '', start: '', end: '' };
}

export function draftOf(activity: CampaignActivity, timeZone: string): ActivityDraft {
  const targets: Record<string, TargetDraft> = {};
  for (const t of activity.targets ?? []) {
    targets[t.metric] = {
      target: String(t.target),
      kind: t.kind ?? 'increaseTo',
      baseline: t.baseline ? String(t.baseline) : '',
      start: toWallTime(t.start, timeZone),
      end: toWallTime(t.end, timeZone),
    };
  }
  return { id: activity.id, department: activity.department, name: activity.name, metrics: [...activity.metrics], targets };
}

/** The metrics of the draft that have a target, in the order the request sends them (their index is the API's). */
function targeted(draft: ActivityDraft): string[] {
  return draft.metrics.filter((m) => (draft.targets[m]?.target ?? '').trim() !== '');
}

function numberOrNull(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** The request's targets for the draft. */
export function targetsOf(draft: ActivityDraft, timeZone: string): ActivityTargetRequest[] {
  return targeted(draft).map((metric) => {
    const t = draft.targets[metric]!;
    const target: ActivityTargetRequest = { metric, target: numberOrNull(t.target) ?? Number.NaN, kind: t.kind };
    const baseline = numberOrNull(t.baseline);
    if (baseline !== null) target.baseline = baseline;
    const start = fromWallTime(t.start, timeZone);
    const end = fromWallTime(t.end, timeZone);
    if (start) target.start = start;
    if (end) target.end = end;
    return target;
  });
}

/** Every field name the editor shows messages for (the rest go to the form's problem banner). */
export function activityFieldNames(prefix: string, withId: boolean): string[] {
  const names = [`${prefix}.department`, `${prefix}.name`, `${prefix}.metrics`, `${prefix}.targets`];
  if (withId) names.push(`${prefix}.id`);
  return names;
}

/**
 * One activity's fields. `prefix` is the API's name for it ("activities[0]" when planning a campaign,
 * "activity" when one is set on a running campaign), so its problem's field messages land beside
 * the field they concern.
 */
export function ActivityEditor(props: {
  prefix: string;
  legend: string;
  draft: ActivityDraft;
  onChange(draft: ActivityDraft): void;
  departments: ReadonlyArray<{ id: string; name: string }>;
  metrics: readonly MetricDefinition[];
  problem: Problem | null;
  /** The id is typed in (planning); on a running campaign it is the address's and shown, not edited. */
  idEditable: boolean;
  timeZone: string;
  children?: ComponentChildren;
}) {
  const { prefix, draft, problem } = props;
  const set = (patch: Partial<ActivityDraft>) => props.onChange({ ...draft, ...patch });
  const setTarget = (metric: string, patch: Partial<TargetDraft>) =>
    set({ targets: { ...draft.targets, [metric]: { ...(draft.targets[metric] ?? emptyTarget()), ...patch } } });
  const order = targeted(draft);
  const metricName = (key: string) => props.metrics.find((m) => m.key === key)?.name ?? key;
  return (
    <fieldset class="activity-editor" data-activity-prefix={prefix}>
      <legend>{props.legend}</legend>
      <div class="form-grid">
        {props.idEditable && (
          <Field name={`${prefix}.id`} label="Activity id" hint="Lower-case letters, digits and dashes; events name it." problem={problem}>
            {(a) => <input {...a} value={draft.id} required maxLength={64} onInput={(e) => set({ id: e.currentTarget.value })} />}
          </Field>
        )}
        <Field name={`${prefix}.name`} label="Activity name" problem={problem}>
          {(a) => <input {...a} value={draft.name} required maxLength={200} onInput={(e) => set({ name: e.currentTarget.value })} />}
        </Field>
        <Field name={`${prefix}.department`} label="Department in charge" problem={problem}>
          {(a) => (
            <select {...a} value={draft.department} onChange={(e) => set({ department: e.currentTarget.value })}>
              <option value="">Choose a department</option>
              {props.departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <CheckGroup
        name={`${prefix}.metrics`}
        legend="Metrics it is expected to move"
        problem={problem}
        options={props.metrics.map((m) => ({ value: m.key, label: `${m.name} (${m.key})` }))}
        selected={draft.metrics}
        onChange={(metrics) => set({ metrics })}
        empty={<p class="field-hint">The organization has no metrics yet.</p>}
      />
      {draft.metrics.length > 0 && (
        <div class="activity-targets">
          <h4>Targets (optional)</h4>
          <p class="field-hint">
            A target is measured over the campaign's launch window unless it has a start and an end of its own (times in {props.timeZone}).
          </p>
          {draft.metrics.map((metric) => {
            const t = draft.targets[metric] ?? emptyTarget();
            const j = order.indexOf(metric);
            // Field names follow the request: only metrics with a target are sent, in this order.
            const at = j >= 0 ? `${prefix}.targets[${j}]` : `${prefix}.unsent-${metric}`;
            const label = metricName(metric);
            return (
              <div class="target-row form-grid" key={metric} data-target-metric={metric}>
                <Field name={`${at}.target`} label={`Target for ${label}`} also={j >= 0 ? [`${at}.metric`] : []} problem={problem}>
                  {(a) => <input {...a} type="number" step="any" inputMode="decimal" value={t.target} onInput={(e) => setTarget(metric, { target: e.currentTarget.value })} />}
                </Field>
                <Field name={`${at}.kind`} label={`Kind of target for ${label}`} problem={problem}>
                  {(a) => (
                    <select {...a} value={t.kind} onChange={(e) => setTarget(metric, { kind: e.currentTarget.value as GoalKind })}>
                      {Object.entries(KIND_LABELS).map(([k, l]) => (
                        <option key={k} value={k}>
                          {l}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field name={`${at}.baseline`} label={`Baseline for ${label}`} hint="0 when empty" problem={problem}>
                  {(a) => <input {...a} type="number" step="any" inputMode="decimal" value={t.baseline} onInput={(e) => setTarget(metric, { baseline: e.currentTarget.value })} />}
                </Field>
                <Field name={`${at}.start`} label={`Start for ${label}`} problem={problem}>
                  {(a) => <input {...a} type="datetime-local" value={t.start} onInput={(e) => setTarget(metric, { start: e.currentTarget.value })} />}
                </Field>
                <Field name={`${at}.end`} label={`End for ${label}`} problem={problem}>
                  {(a) => <input {...a} type="datetime-local" value={t.end} onInput={(e) => setTarget(metric, { end: e.currentTarget.value })} />}
                </Field>
              </div>
            );
          })}
        </div>
      )}
      {props.children}
    </fieldset>
  );
}
