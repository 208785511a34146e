// #/goals/new and #/goals/{id}/edit: a goal's whole definition. Creating POSTs it; editing PUTs the
// whole definition again (the API records what changed). The browser does not second-guess the API:
// the form is sent as typed and the problem document's messages land beside the fields they name.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { CreateGoalRequest, GoalView, MetricDefinition } from '../api/types';
import { useApp } from '../app/context';
import { href, navigate } from '../app/router';
import type { PageProps } from '../app/shell';
import { ActionButton, Field, Loading, PageHeader, ProblemBanner } from '../app/ui';
import { CheckGroup } from '../app/check-group';
import { fromWallTime, toWallTime } from '../app/zoned-time';
import { ArchiveButton, FormProblem, KIND_LABELS, mayChange, mayDefineGoals, RESET_LABELS, setGoalArchived } from './goal-shared';
import './goals.css';

interface FormState {
  id: string;
  title: string;
  rollUp: 'ownMetric' | 'children';
  kind: string;
  metric: string;
  target: string;
  baseline: string;
  campaigns: string[];
  departments: string[];
  start: string;
  end: string;
  reset: string;
  owners: string[];
  parent: string;
  weight: string;
}

/** The names of the form's fields as the API's problem documents spell them. */
const FIELDS = ['id', 'title', 'rollUp', 'kind', 'metric', 'target', 'baseline', 'scope', 'start', 'end', 'reset', 'owners', 'parent', 'weight'];

function slug(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

function numberOrNull(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  // A number input holds '' when what was typed is not a number: the API then says what it needs.
  return Number.isFinite(n) ? n : null;
}

export function GoalFormPage(props: PageProps) {
  const app = useApp();
  const { api, catalogue, format } = app;
  const editing = props.route.page === 'goal-edit' ? props.route.id : null;
  const [existing, setExisting] = useState<GoalView | null>(null);
  const [goals, setGoals] = useState<GoalView[]>([]);
  const [form, setForm] = useState<FormState | null>(editing ? null : blank());
  const [idTouched, setIdTouched] = useState(false);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [busy, setBusy] = useState(false);

  function blank(): FormState {
    const now = new Date();
    const end = new Date(now.getTime() + 90 * 24 * 3600_000);
    return {
      id: '',
      title: '',
      rollUp: 'ownMetric',
      kind: 'increaseTo',
      metric: '',
      target: '',
      baseline: '0',
      campaigns: [],
      departments: [],
      start: toWallTime(now.toISOString(), format.timeZone),
      end: toWallTime(end.toISOString(), format.timeZone),
      reset: 'none',
      owners: [],
      parent: '',
      weight: '1',
    };
  }

  useEffect(() => {
    void ok(api.GET('/api/v1/goals')).then((list) => setGoals(list as GoalView[]), () => setGoals([]));
    if (!editing) return;
    ok(api.GET('/api/v1/goals/{goalId}', { params: { path: { goalId: editing } } })).then(
      (g) => {
        const goal = g as GoalView;
        setExisting(goal);
        setForm({
          id: goal.id,
          title: goal.title,
          rollUp: (goal.rollUp ?? 'ownMetric') as FormState['rollUp'],
          kind: goal.kind ?? 'increaseTo',
          metric: goal.metric,
          target: String(goal.target),
          baseline: String(goal.baseline ?? 0),
          campaigns: [...goal.scope.campaigns],
          departments: [...goal.scope.departments],
          start: toWallTime(goal.start, format.timeZone),
          end: toWallTime(goal.end, format.timeZone),
          reset: goal.reset ?? 'none',
          owners: [...goal.owners],
          parent: goal.parentId ?? '',
          weight: String(goal.weight ?? 1),
        });
      },
      (err) => setProblem(err as Error),
    );
    // The zone only shapes the inputs' first values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, editing]);

  const metricsByKind = useMemo(() => {
    const groups = new Map<string, MetricDefinition[]>();
    for (const m of catalogue.metrics) groups.set(m.kind, [...(groups.get(m.kind) ?? []), m]);
    return groups;
  }, [catalogue.metrics]);

  const title = editing ? `Edit goal${existing ? `: ${existing.title}` : ''}` : 'New goal';
  if (!mayDefineGoals(app) || (existing && !mayChange(app, existing))) {
    return (
      <section class="page">
        <PageHeader title={title} />
        <p class="problem" role="alert">
          {editing ? 'Only an admin or a lead of every department that owns this goal can change it.' : 'Only admins and department leads can define goals.'}
        </p>
      </section>
    );
  }
  if (!form) {
    return (
      <section class="page">
        <PageHeader title={title} />
        <ProblemBanner problem={problem} />
        {!problem && <Loading what="the goal" />}
      </section>
    );
  }

  const set = (patch: Partial<FormState>) => setForm({ ...form, ...patch });
  const metric = app.metric(form.metric);
  const unitHint = metric ? `In ${metric.unit === 'ratio' ? 'a fraction (0.05 is 5 %)' : metric.unit === 'currency' ? `${format.currency}` : metric.unit}.` : undefined;

  const body = (): CreateGoalRequest => {
    const request: CreateGoalRequest = {
      id: form.id.trim(),
      title: form.title.trim(),
      metric: form.metric || null,
      target: numberOrNull(form.target),
      baseline: numberOrNull(form.baseline),
      owners: form.owners,
      scope: { campaigns: form.campaigns, departments: form.departments },
      start: fromWallTime(form.start, format.timeZone) ?? '',
      end: fromWallTime(form.end, format.timeZone) ?? '',
      kind: form.kind as NonNullable<CreateGoalRequest['kind']>,
      parent: form.parent || null,
      weight: numberOrNull(form.weight),
      rollUp: form.rollUp,
      reset: form.reset as NonNullable<CreateGoalRequest['reset']>,
    };
    return request;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const wire = body();
    try {
      const saved = editing
        ? await ok(api.PUT('/api/v1/goals/{goalId}', { params: { path: { goalId: editing } }, body: wire }))
        : await ok(api.POST('/api/v1/goals', { body: wire }));
      navigate(href(['goals', (saved as GoalView).id]));
    } catch (err) {
      setProblem(err as Error);
      setBusy(false);
      // The first field the API refused takes focus, so keyboard users land on what to fix.
      requestAnimationFrame(() => {
        const bad = document.querySelector<HTMLElement>('.goal-form [data-invalid="true"] :is(input, select, textarea)');
        bad?.focus();
      });
    }
  };

  const archive = async (archived: boolean) => {
    if (!existing) return;
    setBusy(true);
    setProblem(null);
    try {
      setExisting(await setGoalArchived(api, existing.id, archived));
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const p = problem instanceof Problem ? problem : null;
  const parents = goals.filter((g) => g.id !== editing);
  // A lead's goal is owned by a department they lead, and may be shared with others (a joint goal); the API checks it.
  const ownerOptions = catalogue.departments.map((d) => ({ value: d.id, label: d.name }));

  return (
    <section class="page goal-form-page">
      <PageHeader title={title}>
        {existing && (
          <>
            <a class="button" href={href(['goals', existing.id])}>
              Back to the goal
            </a>
            <ArchiveButton goal={existing} busy={busy} onArchive={(archived) => void archive(archived)} />
          </>
        )}
      </PageHeader>
      {existing?.archived && <p class="archived-note">This goal is archived: it is off every board and roll-up until restored.</p>}
      <FormProblem problem={problem} fields={FIELDS} what="The goal" />
      <form class="goal-form" id="goal-form" noValidate onSubmit={(e) => void submit(e)}>
        <div class="form-grid">
          <Field name="title" label="Title" problem={p}>
            {(a) => (
              <input
                {...a}
                type="text"
                required
                maxLength={200}
                value={form.title}
                onInput={(e) => {
                  const t = (e.currentTarget as HTMLInputElement).value;
                  set(editing || idTouched ? { title: t } : { title: t, id: slug(t) });
                }}
              />
            )}
          </Field>
          <Field name="id" label="Id (in the goal's address)" hint={editing ? "A goal's id cannot change." : 'Lower-case letters, digits and dashes.'} problem={p}>
            {(a) => (
              <input
                {...a}
                type="text"
                required
                readOnly={Boolean(editing)}
                value={form.id}
                onInput={(e) => {
                  setIdTouched(true);
                  set({ id: (e.currentTarget as HTMLInputElement).value });
                }}
              />
            )}
          </Field>
          <Field name="rollUp" label="Progress comes from" hint={editing ? 'Cannot change once the goal exists.' : ''} problem={p}>
            {(a) => (
              <select {...a} value={form.rollUp} disabled={Boolean(editing)} onChange={(e) => set({ rollUp: (e.currentTarget as HTMLSelectElement).value as FormState['rollUp'] })}>
                <option value="ownMetric">Its own metric</option>
                <option value="children">Its children's weighted progress (roll-up)</option>
              </select>
            )}
          </Field>
          <Field name="kind" label="Kind" problem={p}>
            {(a) => (
              <select {...a} value={form.kind} onChange={(e) => set({ kind: (e.currentTarget as HTMLSelectElement).value })}>
                {Object.entries(KIND_LABELS).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="metric" label="Metric" hint={form.rollUp === 'children' ? 'Optional for a roll-up goal.' : ''} problem={p}>
            {(a) => (
              <select {...a} value={form.metric} onChange={(e) => set({ metric: (e.currentTarget as HTMLSelectElement).value })}>
                <option value="">Choose a metric</option>
                {[...metricsByKind.entries()].map(([kind, list]) => (
                  <optgroup key={kind} label={kind === 'ratio' ? 'Ratios' : kind === 'gauge' ? 'Gauges (last value)' : 'Additive'}>
                    {list.map((m) => (
                      <option key={m.key} value={m.key}>
                        {m.name} ({m.unit === 'currency' ? format.currency : m.unit})
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            )}
          </Field>
          <Field name="target" label="Target" hint={unitHint ?? ''} problem={p}>
            {(a) => <input {...a} type="number" step="any" inputMode="decimal" value={form.target} onInput={(e) => set({ target: (e.currentTarget as HTMLInputElement).value })} />}
          </Field>
          <Field name="baseline" label="Baseline" hint="Where the goal starts from (0 if empty)." problem={p}>
            {(a) => <input {...a} type="number" step="any" inputMode="decimal" value={form.baseline} onInput={(e) => set({ baseline: (e.currentTarget as HTMLInputElement).value })} />}
          </Field>
          <Field name="start" label={`Start (${format.timeZone})`} problem={p}>
            {(a) => <input {...a} type="datetime-local" value={form.start} onInput={(e) => set({ start: (e.currentTarget as HTMLInputElement).value })} />}
          </Field>
          <Field name="end" label={`End (${format.timeZone})`} problem={p}>
            {(a) => <input {...a} type="datetime-local" value={form.end} onInput={(e) => set({ end: (e.currentTarget as HTMLInputElement).value })} />}
          </Field>
          <Field name="reset" label="Reset" problem={p}>
            {(a) => (
              <select {...a} value={form.reset} onChange={(e) => set({ reset: (e.currentTarget as HTMLSelectElement).value })}>
                {Object.entries(RESET_LABELS).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="parent" label="Parent goal" problem={p}>
            {(a) => (
              <select {...a} value={form.parent} onChange={(e) => set({ parent: (e.currentTarget as HTMLSelectElement).value })}>
                <option value="">None (a top-level goal)</option>
                {parents.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="weight" label="Weight in the parent's roll-up" problem={p}>
            {(a) => <input {...a} type="number" step="any" min="0" inputMode="decimal" value={form.weight} onInput={(e) => set({ weight: (e.currentTarget as HTMLInputElement).value })} />}
          </Field>
        </div>
        <div class="form-grid">
          <CheckGroup
            name="owners"
            legend="Owners (departments accountable for it)"
            hint={app.role === 'admin' ? '' : 'One of them must be a department you lead; adding others makes it a joint goal they share.'}
            problem={p}
            options={ownerOptions}
            selected={form.owners}
            onChange={(owners) => set({ owners })}
            empty={<p class="field-hint">No departments yet.</p>}
          />
          <CheckGroup
            name="scope.campaigns"
            legend="Scope: campaigns"
            hint="Count only these campaigns' events (none: all)."
            problem={p}
            options={catalogue.campaigns.map((c) => ({ value: c.id, label: c.name }))}
            selected={form.campaigns}
            onChange={(campaigns) => set({ campaigns })}
            empty={<p class="field-hint">No campaigns yet.</p>}
          />
          <CheckGroup
            name="scope.departments"
            legend="Scope: departments"
            hint="Count only these departments' events (none: all)."
            problem={p}
            options={catalogue.departments.map((d) => ({ value: d.id, label: d.name }))}
            selected={form.departments}
            onChange={(departments) => set({ departments })}
          />
        </div>
        <div class="form-actions">
          <ActionButton type="submit" class="primary" busy={busy} id="save-goal">
            {editing ? 'Save changes' : 'Create goal'}
          </ActionButton>
          <a class="button" href={editing ? href(['goals', editing]) : href(['goals'])}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
