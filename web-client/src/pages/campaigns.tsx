// Campaigns (#/campaigns): every campaign with its departments and launch window; and planning one
// (#/campaigns/new, admins and leads: a lead plans campaigns their department is part of): id, name, departments involved, launch window and the activities per
// department with the metrics each is expected to move and optional targets, in one request.

import { useCallback, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { Campaign, CreateCampaignRequest } from '../api/types';
import { useApp } from '../app/context';
import { useBoard, useLiveReload } from '../app/live';
import { href, navigate } from '../app/router';
import type { PageProps } from '../app/shell';
import { ActionButton, Empty, Field, Loading, PageHeader, ProblemBanner } from '../app/ui';
import { ActivityEditor, activityFieldNames, CheckGroup, emptyActivity, fromWallTime, targetsOf, type ActivityDraft } from './campaign-parts';
import './campaigns.css';

export function CampaignsPage(props: PageProps) {
  return props.route.page === 'campaign-new' ? <PlanCampaign /> : <CampaignList />;
}

function CampaignList() {
  const { api, role, format, departmentName } = useApp();
  const live = useBoard('overview');
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const [problem, setProblem] = useState<Problem | Error | null>(null);

  const load = useCallback(async () => {
    try {
      setCampaigns(await ok(api.GET('/api/v1/campaigns', { params: { query: { archived: showArchived } } })));
      setProblem(null);
    } catch (err) {
      setProblem(err as Error);
    }
  }, [api, showArchived]);
  useLiveReload(live.tick, load, [load]);

  return (
    <section class="page campaigns-page">
      <PageHeader title="Campaigns">
        {(role === 'admin' || role === 'lead') && (
          <a class="button primary" href={href(['campaigns', 'new'])} data-action="plan-campaign">
            Plan a campaign
          </a>
        )}
      </PageHeader>
      <p>
        <label class="inline-check">
          <input type="checkbox" id="show-archived-campaigns" checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} /> Show archived
          campaigns instead
        </label>
      </p>
      <ProblemBanner problem={problem} />
      {campaigns === null ? (
        problem ? null : <Loading what="campaigns" />
      ) : campaigns.length === 0 ? (
        <Empty>No campaign is planned yet.{role === 'admin' || role === 'lead' ? ' Plan one to give departments activities and targets.' : ''}</Empty>
      ) : (
        <table class="data-table" id="campaign-list">
          <caption class="visually-hidden">Campaigns, their departments and launch windows</caption>
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Departments</th>
              <th scope="col">Launch window</th>
              <th scope="col">Activities</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id} data-campaign-id={c.id}>
                <th scope="row">
                  <a href={href(['campaigns', c.id])}>{c.name}</a>
                </th>
                <td>{c.departments.length ? c.departments.map((d) => departmentName(d)).join(', ') : '—'}</td>
                <td>{c.launchStart || c.launchEnd ? `${format.dateTime(c.launchStart)} – ${format.dateTime(c.launchEnd)}` : 'No launch window'}</td>
                <td>{format.value(c.activities?.length ?? 0, 'count')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface PlanDraft {
  id: string;
  name: string;
  departments: string[];
  launchStart: string;
  launchEnd: string;
  activities: ActivityDraft[];
}

function PlanCampaign() {
  const { api, role, catalogue, format, reloadCatalogue } = useApp();
  const [draft, setDraft] = useState<PlanDraft>({ id: '', name: '', departments: [], launchStart: '', launchEnd: '', activities: [] });
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const tz = format.timeZone;

  if (role !== 'admin' && role !== 'lead') {
    return (
      <section class="page">
        <PageHeader title="Plan a campaign" />
        <p class="notice" role="status">
          Admins and leads plan campaigns. <a href={href(['campaigns'])}>Back to the campaigns</a>.
        </p>
      </section>
    );
  }

  const involved = catalogue.departments.filter((d) => draft.departments.includes(d.id));
  const set = (patch: Partial<PlanDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setActivity = (i: number, a: ActivityDraft) => setDraft((d) => ({ ...d, activities: d.activities.map((x, k) => (k === i ? a : x)) }));

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const start = fromWallTime(draft.launchStart, tz);
    const end = fromWallTime(draft.launchEnd, tz);
    const body: CreateCampaignRequest = {
      id: draft.id.trim(),
      name: draft.name.trim(),
      departments: draft.departments,
      activities: draft.activities.map((a) => ({
        id: a.id.trim(),
        department: a.department,
        name: a.name.trim(),
        metrics: a.metrics,
        targets: targetsOf(a, tz),
      })),
      launch: start || end ? { start, end } : null,
    };
    try {
      const created = await ok(api.POST('/api/v1/campaigns', { body }));
      await reloadCatalogue();
      navigate(href(['campaigns', created.id]));
    } catch (err) {
      setProblem(err as Error);
      setBusy(false);
    }
  };

  const claimed = ['id', 'name', 'departments', 'launch', ...draft.activities.flatMap((_, i) => activityFieldNames(`activities[${i}]`, true))];
  const p = problem instanceof Problem ? problem : null;

  return (
    <section class="page plan-campaign">
      <PageHeader title="Plan a campaign">
        <a class="button" href={href(['campaigns'])}>
          Cancel
        </a>
      </PageHeader>
      <form id="plan-campaign-form" class="card stack" onSubmit={submit} noValidate>
        <ProblemBanner problem={problem} fields={claimed} />
        <div class="form-grid">
          <Field name="id" label="Campaign id" hint="Lower-case letters, digits and dashes; events and boards name it." problem={p}>
            {(a) => <input {...a} value={draft.id} required maxLength={64} onInput={(e) => set({ id: e.currentTarget.value })} />}
          </Field>
          <Field name="name" label="Campaign name" problem={p}>
            {(a) => <input {...a} value={draft.name} required maxLength={200} onInput={(e) => set({ name: e.currentTarget.value })} />}
          </Field>
        </div>
        <CheckGroup
          name="departments"
          legend="Departments involved"
          problem={p}
          options={catalogue.departments.map((d) => ({ value: d.id, label: d.name }))}
          selected={draft.departments}
          onChange={(departments) => set({ departments })}
          empty={<p class="field-hint">The organization has no departments yet.</p>}
        />
        <div class="form-grid">
          <Field name="launch.start" label="Launch starts" hint={`In ${tz}.`} problem={p}>
            {(a) => <input {...a} type="datetime-local" value={draft.launchStart} onInput={(e) => set({ launchStart: e.currentTarget.value })} />}
          </Field>
          <Field name="launch.end" label="Launch ends" hint={`In ${tz}.`} problem={p}>
            {(a) => <input {...a} type="datetime-local" value={draft.launchEnd} onInput={(e) => set({ launchEnd: e.currentTarget.value })} />}
          </Field>
        </div>
        <section class="stack" aria-labelledby="plan-activities-heading">
          <h3 id="plan-activities-heading">Activities</h3>
          {draft.activities.length === 0 && <p class="field-hint">Each department involved can run activities; each activity names the metrics it should move.</p>}
          {draft.activities.map((a, i) => (
            <ActivityEditor
              key={i}
              prefix={`activities[${i}]`}
              legend={`Activity ${i + 1}${a.name ? `: ${a.name}` : ''}`}
              draft={a}
              onChange={(next) => setActivity(i, next)}
              departments={involved.length ? involved : catalogue.departments}
              metrics={catalogue.metrics}
              problem={p}
              idEditable
              timeZone={tz}
            >
              <div class="form-actions">
                <button type="button" onClick={() => set({ activities: draft.activities.filter((_, k) => k !== i) })}>
                  Remove activity {i + 1}
                </button>
              </div>
            </ActivityEditor>
          ))}
          <div class="form-actions">
            <button type="button" id="add-activity" onClick={() => set({ activities: [...draft.activities, emptyActivity(involved.length === 1 ? involved[0]!.id : '')] })}>
              Add an activity
            </button>
          </div>
        </section>
        <div class="form-actions">
          <ActionButton type="submit" class="primary" id="plan-campaign-submit" busy={busy}>
            Plan the campaign
          </ActionButton>
        </div>
      </form>
    </section>
  );
}
