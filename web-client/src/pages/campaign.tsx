// A campaign (#/campaigns/{id}): its results live (totals, per department, per activity against its
// targets and their pace), the department in charge of each activity, adding or changing an activity
// (admins, and leads of the department in charge), changing its definition (name, departments, launch
// window) and archiving or restoring it (admins, and leads of one of its departments), and the link to its war room.

import { useCallback, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { ActivityView, Campaign, CampaignView, TotalsView } from '../api/types';
import { useApp } from '../app/context';
import { useBoard, useLiveReload } from '../app/live';
import { href } from '../app/router';
import type { PageProps } from '../app/shell';
import { ActionButton, Empty, Field, Loading, PageHeader, ProblemBanner, StatusBadge } from '../app/ui';
import { ActivityEditor, activityFieldNames, CheckGroup, draftOf, emptyActivity, fromWallTime, KIND_LABELS, targetsOf, toWallTime, type ActivityDraft } from './campaign-parts';
import './campaigns.css';

interface Editing {
  /** The activity changed, or null for a new one. */
  activityId: string | null;
  draft: ActivityDraft;
  problem: Problem | Error | null;
  busy: boolean;
}

const LIVE_LABELS: Record<string, string> = {
  connecting: 'Connecting to live updates…',
  connected: 'Live: results update as events arrive.',
  reconnecting: 'Reconnecting to live updates…',
  disconnected: 'Live updates are disconnected; reload the page to try again.',
};

export function CampaignPage(props: PageProps) {
  const id = props.route.id ?? '';
  const { api, role, format, catalogue, departmentName, metric, leads, reloadCatalogue } = useApp();
  const live = useBoard(`campaign:${id}`);
  const [view, setView] = useState<CampaignView | null>(null);
  const [definition, setDefinition] = useState<Campaign | null>(null);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [renaming, setRenaming] = useState<{
    name: string;
    departments: string[];
    launchStart: string;
    launchEnd: string;
    problem: Problem | Error | null;
    busy: boolean;
  } | null>(null);
  const [archiving, setArchiving] = useState<{ busy: boolean; problem: Problem | Error | null }>({ busy: false, problem: null });

  const load = useCallback(async () => {
    try {
      const [v, list] = await Promise.all([
        ok(api.GET('/api/v1/campaigns/{campaignId}', { params: { path: { campaignId: id } } })),
        ok(api.GET('/api/v1/campaigns')),
      ]);
      setView(v);
      setDefinition(list.find((c) => c.id === id) ?? null);
      setProblem(null);
    } catch (err) {
      setProblem(err as Error);
    }
  }, [api, id]);
  useLiveReload(live.tick, load, [load]);

  if (!view) {
    return (
      <section class="page">
        <PageHeader title={problem instanceof Problem && problem.status === 404 ? 'Campaign not found' : 'Campaign'} />
        <ProblemBanner problem={problem} />
        {!problem && <Loading what="the campaign" />}
        <p>
          <a href={href(['campaigns'])}>All campaigns</a>
        </p>
      </section>
    );
  }

  const tz = format.timeZone;
  const campaignDepartments = view.departments.map((d) => ({ id: d, name: departmentName(d) }));
  // Who may set an activity: admins for any department of the campaign, leads for the ones they lead.
  const chargeable = campaignDepartments.filter((d) => leads(d.id));
  // Admins, and leads of one of its departments, plan the campaign (the API checks before and after a change).
  const canPlan = role === 'admin' || chargeable.length > 0;
  const unitOf = (key: string) => metric(key)?.unit;
  const metricName = (key: string) => metric(key)?.name ?? key;

  const startEdit = (activity: ActivityView | null) => {
    const raw = activity ? definition?.activities?.find((a) => a.id === activity.id) : undefined;
    const draft = raw
      ? draftOf(raw, tz)
      : activity
        ? { ...emptyActivity(activity.department), id: activity.id, name: activity.name, metrics: [...activity.metrics] }
        : emptyActivity(chargeable.length === 1 ? chargeable[0]!.id : '');
    setEditing({ activityId: activity?.id ?? null, draft, problem: null, busy: false });
  };

  const saveActivity = async (e: Event) => {
    e.preventDefault();
    if (!editing) return;
    const activityId = (editing.activityId ?? editing.draft.id).trim();
    setEditing({ ...editing, busy: true, problem: null });
    try {
      const updated = await ok(
        api.PUT('/api/v1/campaigns/{campaignId}/activities/{activityId}', {
          params: { path: { campaignId: id, activityId } },
          body: {
            department: editing.draft.department,
            name: editing.draft.name.trim(),
            metrics: editing.draft.metrics,
            targets: targetsOf(editing.draft, tz),
          },
        }),
      );
      setView(updated);
      setEditing(null);
      void load();
      void reloadCatalogue();
    } catch (err) {
      setEditing((now) => (now ? { ...now, busy: false, problem: err as Error } : now));
    }
  };

  const rename = async (e: Event) => {
    e.preventDefault();
    if (!renaming) return;
    setRenaming({ ...renaming, busy: true, problem: null });
    try {
      // The whole definition: a department or launch window left out would be removed.
      const start = fromWallTime(renaming.launchStart, tz);
      const end = fromWallTime(renaming.launchEnd, tz);
      const updated = await ok(
        api.PUT('/api/v1/campaigns/{campaignId}', {
          params: { path: { campaignId: id } },
          body: { name: renaming.name.trim(), departments: renaming.departments, launch: start || end ? { start, end } : null },
        }),
      );
      setView(updated);
      setRenaming(null);
      void reloadCatalogue();
    } catch (err) {
      setRenaming((now) => (now ? { ...now, busy: false, problem: err as Error } : now));
    }
  };

  const setArchived = async (archive: boolean) => {
    setArchiving({ busy: true, problem: null });
    try {
      const path = archive ? '/api/v1/campaigns/{campaignId}/archive' : '/api/v1/campaigns/{campaignId}/restore';
      setView(await ok(api.POST(path, { params: { path: { campaignId: id } } })));
      setArchiving({ busy: false, problem: null });
      void reloadCatalogue();
    } catch (err) {
      setArchiving({ busy: false, problem: err as Error });
    }
  };

  const editor = (legend: string) => {
    if (!editing) return null;
    const p = editing.problem instanceof Problem ? editing.problem : null;
    const isNew = editing.activityId === null;
    return (
      <form class="card stack activity-form" id="activity-form" onSubmit={saveActivity} noValidate>
        <ProblemBanner problem={editing.problem} fields={[...activityFieldNames('activity', false), 'activityId']} />
        <ActivityEditor
          prefix="activity"
          legend={legend}
          draft={editing.draft}
          onChange={(draft) => setEditing((now) => (now ? { ...now, draft } : now))}
          departments={isNew || role === 'admin' ? chargeable : campaignDepartments.filter((d) => leads(d.id) || d.id === editing.draft.department)}
          metrics={catalogue.metrics}
          problem={p}
          idEditable={false}
          timeZone={tz}
        >
          {isNew && (
            <Field name="activityId" label="Activity id" hint="Lower-case letters, digits and dashes; events name it." problem={p}>
              {(a) => (
                <input
                  {...a}
                  value={editing.draft.id}
                  required
                  maxLength={64}
                  onInput={(e) => {
                    const value = e.currentTarget.value;
                    setEditing((now) => (now ? { ...now, draft: { ...now.draft, id: value } } : now));
                  }}
                />
              )}
            </Field>
          )}
        </ActivityEditor>
        <div class="form-actions">
          <ActionButton type="submit" class="primary" id="activity-save" busy={editing.busy}>
            {isNew ? 'Add the activity' : 'Save the activity'}
          </ActionButton>
          <button type="button" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </div>
      </form>
    );
  };

  return (
    <section class="page campaign-page" data-campaign-id={view.id}>
      <PageHeader title={view.name}>
        <a class="button" href={href(['war-room', `campaign:${view.id}`])} id="campaign-war-room">
          Open the war room
        </a>
        {canPlan && !renaming && (
          <button
            type="button"
            id="edit-campaign"
            onClick={() =>
              setRenaming({
                name: view.name,
                departments: [...view.departments],
                launchStart: toWallTime(view.launchStart, tz),
                launchEnd: toWallTime(view.launchEnd, tz),
                problem: null,
                busy: false,
              })
            }
          >
            Edit the campaign
          </button>
        )}
        {canPlan && (
          <ActionButton type="button" id={view.archived ? 'restore-campaign' : 'archive-campaign'} busy={archiving.busy} onClick={() => void setArchived(!view.archived)}>
            {view.archived ? 'Restore' : 'Archive'}
          </ActionButton>
        )}
      </PageHeader>
      {view.archived && (
        <p class="notice" id="campaign-archived" role="status">
          This campaign is archived: it is left out of lists and pickers; its results, history and war room stay, and events that name it are still counted.
        </p>
      )}
      <ProblemBanner problem={archiving.problem} />
      <p class="live-state" role="status" data-live={live.state}>
        {LIVE_LABELS[live.state] ?? live.state}
      </p>
      <ProblemBanner problem={problem} />

      {renaming && (
        <form class="card stack" id="campaign-edit-form" onSubmit={rename} noValidate>
          <ProblemBanner problem={renaming.problem} fields={['name', 'departments', 'launch']} />
          <Field name="name" label="Campaign name" problem={renaming.problem instanceof Problem ? renaming.problem : null}>
            {(a) => <input {...a} value={renaming.name} maxLength={200} onInput={(e) => setRenaming({ ...renaming, name: e.currentTarget.value })} />}
          </Field>
          <CheckGroup
            name="departments"
            id="edit-departments"
            legend="Departments involved"
            hint="A department in charge of an activity stays until its activities have another department in charge."
            problem={renaming.problem instanceof Problem ? renaming.problem : null}
            options={catalogue.departments.map((d) => ({ value: d.id, label: d.name }))}
            selected={renaming.departments}
            onChange={(departments) => setRenaming({ ...renaming, departments })}
          />
          <div class="form-grid">
            <Field name="launch.start" id="edit-launch-start" label="Launch starts" hint={`In ${tz}.`} problem={renaming.problem instanceof Problem ? renaming.problem : null}>
              {(a) => <input {...a} type="datetime-local" value={renaming.launchStart} onInput={(e) => setRenaming({ ...renaming, launchStart: e.currentTarget.value })} />}
            </Field>
            <Field name="launch.end" id="edit-launch-end" label="Launch ends" hint={`In ${tz}.`} problem={renaming.problem instanceof Problem ? renaming.problem : null}>
              {(a) => <input {...a} type="datetime-local" value={renaming.launchEnd} onInput={(e) => setRenaming({ ...renaming, launchEnd: e.currentTarget.value })} />}
            </Field>
          </div>
          <div class="form-actions">
            <ActionButton type="submit" class="primary" busy={renaming.busy}>
              Save the campaign
            </ActionButton>
            <button type="button" onClick={() => setRenaming(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}

      <dl class="facts card">
        <div>
          <dt>Departments</dt>
          <dd>{view.departments.length ? view.departments.map(departmentName).join(', ') : '—'}</dd>
        </div>
        <div>
          <dt>Launch window</dt>
          <dd>{view.launchStart || view.launchEnd ? `${format.dateTime(view.launchStart)} – ${format.dateTime(view.launchEnd)}` : 'No launch window'}</dd>
        </div>
        <div>
          <dt>Events counted</dt>
          <dd id="campaign-events">{format.value(view.totals.events, 'count')}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>{format.dateTime(view.updatedAt)}</dd>
        </div>
      </dl>

      <section class="card" aria-labelledby="campaign-totals-heading">
        <h3 id="campaign-totals-heading">Results</h3>
        <Totals totals={view.totals} unitOf={unitOf} metricName={metricName} />
        {view.byDepartment.length > 0 && (
          <table class="data-table" id="campaign-by-department">
            <caption>Per department</caption>
            <thead>
              <tr>
                <th scope="col">Department</th>
                <th scope="col">Events</th>
                <th scope="col">Results</th>
              </tr>
            </thead>
            <tbody>
              {view.byDepartment.map((d) => (
                <tr key={d.department} data-department={d.department}>
                  <th scope="row">{departmentName(d.department)}</th>
                  <td>{format.value(d.totals.events, 'count')}</td>
                  <td>
                    {d.totals.metrics.some((m) => m.value !== null && m.value !== undefined)
                      ? d.totals.metrics.filter((m) => m.value !== null && m.value !== undefined).map((m) => `${metricName(m.metric)}: ${format.value(m.value, m.unit)}`).join(' · ')
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section class="stack" aria-labelledby="campaign-activities-heading">
        <div class="section-header">
          <h3 id="campaign-activities-heading">Activities</h3>
          {chargeable.length > 0 && !editing && (
            <button type="button" id="add-campaign-activity" onClick={() => startEdit(null)}>
              Add an activity
            </button>
          )}
        </div>
        {editing?.activityId === null && editor('New activity')}
        {view.activities.length === 0 && <Empty>This campaign has no activities yet.</Empty>}
        {view.activities.map((a) => (
          <article class="card activity-card" key={a.id} data-activity-id={a.id} aria-labelledby={`activity-${a.id}-name`}>
            <div class="section-header">
              <h4 id={`activity-${a.id}-name`}>{a.name}</h4>
              {leads(a.department) && !editing && (
                <button type="button" data-action="edit-activity" onClick={() => startEdit(a)} aria-label={`Change ${a.name}`}>
                  Change
                </button>
              )}
            </div>
            <p class="activity-meta">
              <span>
                In charge: <strong data-in-charge>{departmentName(a.department)}</strong>
              </span>
              <span>Metrics: {a.metrics.length ? a.metrics.map(metricName).join(', ') : '—'}</span>
              <span>Events: {format.value(a.totals.events, 'count')}</span>
            </p>
            {editing?.activityId === a.id ? (
              editor(`Change ${a.name}`)
            ) : (
              <>
                {a.targets.length > 0 && (
                  <table class="data-table targets-table">
                    <caption class="visually-hidden">Targets of {a.name}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Metric</th>
                        <th scope="col">Result</th>
                        <th scope="col">Target</th>
                        <th scope="col">Progress</th>
                        <th scope="col">Expected by now</th>
                        <th scope="col">Status</th>
                        <th scope="col">Window</th>
                      </tr>
                    </thead>
                    <tbody>
                      {a.targets.map((t) => (
                        <tr key={t.metric} data-target-metric={t.metric}>
                          <th scope="row">{metricName(t.metric)}</th>
                          <td data-value={t.value ?? ''}>{format.value(t.value, unitOf(t.metric))}</td>
                          <td>
                            {KIND_LABELS[t.kind]} {format.value(t.target, unitOf(t.metric))}
                            {t.baseline ? ` from ${format.value(t.baseline, unitOf(t.metric))}` : ''}
                          </td>
                          <td>{format.percent(t.percent)}</td>
                          <td>{format.percent(t.expectedPercent)}</td>
                          <td>
                            <StatusBadge status={t.status} />
                          </td>
                          <td>
                            {format.dateTime(t.start)} – {format.dateTime(t.end)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                <Totals totals={a.totals} unitOf={unitOf} metricName={metricName} />
              </>
            )}
          </article>
        ))}
      </section>
      <p>
        <a href={href(['campaigns'])}>All campaigns</a>
      </p>
    </section>
  );
}

function Totals(props: { totals: TotalsView; unitOf(key: string): string | undefined; metricName(key: string): string }) {
  const { format } = useApp();
  // A ratio with nothing to divide yet has no value: it is left out rather than listed as a dash.
  const shown = props.totals.metrics.filter((m) => m.value !== null && m.value !== undefined);
  if (shown.length === 0) return <p class="field-hint">No results yet.</p>;
  return (
    <ul class="totals">
      {shown.map((m) => (
        <li key={m.metric} data-metric={m.metric} data-value={m.value ?? ''}>
          <span class="totals-name">{props.metricName(m.metric)}</span>
          <span class="totals-value">{format.value(m.value, m.unit || props.unitOf(m.metric))}</span>
        </li>
      ))}
    </ul>
  );
}
