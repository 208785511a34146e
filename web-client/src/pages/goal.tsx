// #/goals/{id}: one goal. Its numbers and status; the history chart with target and expected pace
// (per minute for a short period, per day for a long one, with a toggle); per-department
// contribution; check-ins (history with confidence over time, and a form for my departments);
// "why this number" (the events behind the value, newest first, paged); the definition history.
// Live: everything is read again when the overview board moves.

import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { FeedEntry, GoalChange, GoalEventResponse, GoalView, HistoryPoint } from '../api/types';
import { useApp, type AppState } from '../app/context';
import { useBoard, useLiveReload } from '../app/live';
import { href } from '../app/router';
import type { PageProps } from '../app/shell';
import { ActionButton, Empty, Field, Loading, PageHeader, ProblemBanner, StatusBadge } from '../app/ui';
import { statusLabel } from '../format';
import { ConfidenceChart, GoalChart } from './goal-chart';
import { ArchiveButton, FormProblem, goalLevel, KIND_LABELS, LEVEL_LABELS, mayChange, ownerNames, progressText, RESET_LABELS, setGoalArchived } from './goal-shared';
import './goals.css';

const EVENTS_PAGE = 20;
type Resolution = 'minute' | 'day';

export function GoalPage(props: PageProps) {
  const app = useApp();
  const { api, format } = app;
  const goalId = props.route.id ?? '';
  const live = useBoard('overview');
  const [goal, setGoal] = useState<GoalView | null>(null);
  const [history, setHistory] = useState<HistoryPoint[] | null>(null);
  const [resolution, setResolution] = useState<Resolution | null>(null);
  const [checkIns, setCheckIns] = useState<FeedEntry[]>([]);
  const [changes, setChanges] = useState<GoalChange[]>([]);
  const [children, setChildren] = useState<GoalView[]>([]);
  const [events, setEvents] = useState<GoalEventResponse[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | Error | null>(null);
  const [actionProblem, setActionProblem] = useState<Problem | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [olderBusy, setOlderBusy] = useState(false);
  const eventsShown = useRef(EVENTS_PAGE);
  // Bumped by every read of the events: a reload that started before "Older events" does not undo it.
  const eventsRead = useRef(0);

  const chosen: Resolution | null = resolution ?? (goal ? (Date.parse(goal.end) - Date.parse(goal.start) <= 2 * 86400_000 ? 'minute' : 'day') : null);

  const load = useCallback(async () => {
    try {
      const g = (await ok(api.GET('/api/v1/goals/{goalId}', { params: { path: { goalId } } }))) as GoalView;
      setGoal(g);
      setLoadProblem(null);
      const read = ++eventsRead.current;
      const res = resolution ?? (Date.parse(g.end) - Date.parse(g.start) <= 2 * 86400_000 ? 'minute' : 'day');
      const [h, feed, defs, page, all] = await Promise.all([
        ok(api.GET('/api/v1/goals/{goalId}/history', { params: { path: { goalId }, query: { resolution: res } } })),
        ok(api.GET('/api/v1/feed', { params: { query: { goal: goalId, kind: 'checkIn', limit: 50 } } })),
        ok(api.GET('/api/v1/goals/{goalId}/definitions', { params: { path: { goalId } } })),
        // The newest events again, as many as are shown, so a live reload keeps the older pages open.
        ok(api.GET('/api/v1/goals/{goalId}/events', { params: { path: { goalId }, query: { limit: Math.min(500, Math.max(EVENTS_PAGE, eventsShown.current)) } } })),
        // The goals under this one (a roll-up's weighted children), from the organization's list.
        ok(api.GET('/api/v1/goals')),
      ]);
      setChildren((all as GoalView[]).filter((c) => c.parentId === goalId));
      setHistory(h as HistoryPoint[]);
      setCheckIns(feed as FeedEntry[]);
      setChanges(defs as GoalChange[]);
      if (read === eventsRead.current) {
        setEvents(page.events);
        setNext(page.next);
        eventsShown.current = page.events.length;
      }
    } catch (err) {
      setLoadProblem(err as Error);
    }
  }, [api, goalId, resolution]);
  // The reload a board push schedules runs later: it must read the page as it is then (the archived
  // toggle, the resolution), not as it was when the push came.
  const latestLoad = useRef(load);
  latestLoad.current = load;
  useLiveReload(live.tick, () => latestLoad.current(), [load]);

  const older = async () => {
    // `next` is the link to the following page; its `before` is the cursor.
    const before = next ? Number(new URL(next, window.location.origin).searchParams.get('before')) : Number.NaN;
    if (!Number.isInteger(before) || before < 1) return;
    setOlderBusy(true);
    ++eventsRead.current;
    try {
      const page = await ok(api.GET('/api/v1/goals/{goalId}/events', { params: { path: { goalId }, query: { before, limit: EVENTS_PAGE } } }));
      setEvents((old) => {
        const all = [...old, ...page.events.filter((e) => !old.some((o) => o.sequence === e.sequence))];
        eventsShown.current = all.length;
        return all;
      });
      setNext(page.next);
    } catch (err) {
      setActionProblem(err as Error);
    } finally {
      setOlderBusy(false);
    }
  };

  const archive = async (archived: boolean) => {
    if (!goal) return;
    setBusy(true);
    setActionProblem(null);
    try {
      setGoal(await setGoalArchived(api, goalId, archived));
      void load();
    } catch (err) {
      setActionProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  if (!goal) {
    return (
      <section class="page">
        <PageHeader title={loadProblem ? 'Goal' : 'Goal'} />
        <ProblemBanner problem={loadProblem} />
        {!loadProblem && <Loading what="the goal" />}
      </section>
    );
  }

  const unit = goal.rollUp === 'children' ? 'percent' : goal.unit ?? 'count';
  const canChange = mayChange(app, goal);
  return (
    <section class="page goal-page" data-goal-id={goal.id}>
      <PageHeader title={goal.title}>
        {canChange && (
          <>
            <a class="button" href={href(['goals', goal.id, 'edit'])} id="edit-goal">
              Edit
            </a>
            <ArchiveButton goal={goal} busy={busy} onArchive={(archived) => void archive(archived)} />
          </>
        )}
      </PageHeader>
      <ProblemBanner problem={actionProblem ?? loadProblem} />
      {goal.archived && (
        <p class="archived-note" id="archived-note">
          Archived: this goal is off every board and roll-up and takes no check-ins until it is restored.
        </p>
      )}
      <Summary goal={goal} app={app} unit={unit} />
      {goal.confidenceMismatch && goal.latestCheckIn && (
        <p class="goal-mismatch" id="confidence-mismatch" role="note">
          <strong>Confidence and status disagree:</strong> {app.departmentName(goal.latestCheckIn.department)} checked in with{' '}
          {goal.latestCheckIn.confidence}/10, but the goal is computed as {statusLabel(goal.status) ?? goal.status}.
          {goal.latestCheckIn.confidence >= (app.catalogue.settings?.highConfidence ?? 7) ? ' Is the plan still right?' : ' The numbers look better than the team feels: what do they know?'}
        </p>
      )}

      <section class="card" aria-labelledby="history-heading">
        <div class="section-head">
          <h3 id="history-heading">History</h3>
          <div class="toggle" role="group" aria-label="Resolution">
            <button type="button" aria-pressed={chosen === 'minute'} onClick={() => setResolution('minute')} id="resolution-minute">
              Per minute (last day)
            </button>
            <button type="button" aria-pressed={chosen === 'day'} onClick={() => setResolution('day')} id="resolution-day">
              Per day
            </button>
          </div>
        </div>
        {history === null ? (
          <Loading what="the history" />
        ) : history.length === 0 ? (
          <Empty>No history yet: the goal has counted no events in this range.</Empty>
        ) : (
          <GoalChart
            goal={goal}
            points={history}
            resolution={chosen ?? 'day'}
            format={format}
            unit={unit}
            label={`${goal.title}: ${history.length} points per ${chosen}, latest ${format.value(history[history.length - 1]!.value, unit)}, target ${format.value(goal.target, unit)}`}
          />
        )}
        {history && history.some((p) => p.definitionChanged) && (
          <ul class="definition-marks">
            {history
              .filter((p) => p.definitionChanged)
              .map((p) => (
                <li key={p.at}>
                  Definition changed (revision {p.definitionChanged}) at {format.dateTime(p.at)}
                </li>
              ))}
          </ul>
        )}
      </section>

      {(children.length > 0 || goal.rollUp === 'children') && <Children goal={goal} goals={children} app={app} />}

      <div class="goal-columns">
        <Contributions goal={goal} app={app} unit={unit} />
        <CheckIns goal={goal} app={app} entries={checkIns} onPosted={load} />
      </div>

      <section class="card" aria-labelledby="why-heading" id="why-this-number">
        <h3 id="why-heading">Why this number</h3>
        <p class="field-hint">The events behind the value, newest first ({format.value(goal.eventCount, 'count')} counted).</p>
        {events.length === 0 ? (
          <Empty>No events counted yet.</Empty>
        ) : (
          <table class="events-table">
            <caption class="visually-hidden">Events behind the value</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Metric</th>
                <th scope="col">Value</th>
                <th scope="col">Department</th>
                <th scope="col">Campaign</th>
                <th scope="col">Source</th>
                <th scope="col">Event id</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.sequence} data-event-id={e.id}>
                  <td>{format.dateTime(e.timestamp)}</td>
                  <td>{app.metric(e.metric)?.name ?? e.metric}</td>
                  <td>{format.value(e.value, app.metric(e.metric)?.unit)}</td>
                  <td>{e.department ? app.departmentName(e.department) : '—'}</td>
                  <td>{e.campaign ? app.campaignName(e.campaign) : '—'}</td>
                  <td>{e.source ?? '—'}</td>
                  <td>{e.id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {next && (
          <ActionButton type="button" busy={olderBusy} id="older-events" onClick={() => void older()}>
            Older events
          </ActionButton>
        )}
      </section>

      <Definitions changes={changes} app={app} unit={unit} />
    </section>
  );
}

function Summary(props: { goal: GoalView; app: AppState; unit: string }) {
  const { goal: g, app } = props;
  const { format } = app;
  return (
    <dl class="goal-summary card">
      <div>
        <dt>Status</dt>
        <dd id="goal-status">
          <StatusBadge status={g.status} />
        </dd>
      </div>
      <div>
        <dt>Progress</dt>
        <dd id="goal-progress" data-progress={g.progress ?? ''}>
          {progressText(app, g)}
        </dd>
      </div>
      <div>
        <dt>Done</dt>
        <dd id="goal-percent">{format.percent(g.percent)}</dd>
      </div>
      <div>
        <dt>Expected by now</dt>
        <dd>{format.percent(g.expectedPercent)}</dd>
      </div>
      <div>
        <dt>Confidence</dt>
        <dd id="goal-confidence">{g.latestCheckIn ? `${g.latestCheckIn.confidence}/10 (${app.departmentName(g.latestCheckIn.department)}, ${format.dateTime(g.latestCheckIn.at)})` : 'No check-in yet'}</dd>
      </div>
      <div>
        <dt>Kind</dt>
        <dd>
          {KIND_LABELS[g.kind ?? 'increaseTo']} · {LEVEL_LABELS[goalLevel(g)]}
          {g.rollUp === 'children' ? ' · rolls up its children' : ''}
        </dd>
      </div>
      <div>
        <dt>Metric</dt>
        <dd>
          {g.rollUp === 'children' && !g.metric ? 'Children’s weighted progress' : app.metric(g.metric)?.name ?? g.metric} · baseline {format.value(g.baseline, props.unit)}
        </dd>
      </div>
      <div>
        <dt>Period</dt>
        <dd>
          {format.dateTime(g.start)} – {format.dateTime(g.end)}
          {g.reset && g.reset !== 'none' ? ` · resets ${RESET_LABELS[g.reset]?.toLowerCase()}` : ''}
        </dd>
      </div>
      <div>
        <dt>Owners</dt>
        <dd>{ownerNames(app, g.owners)}</dd>
      </div>
      <div>
        <dt>Scope</dt>
        <dd>
          {g.scope.campaigns.length + g.scope.departments.length === 0
            ? 'All events'
            : [...g.scope.campaigns.map((c) => app.campaignName(c)), ...g.scope.departments.map((d) => app.departmentName(d))].join(', ')}
        </dd>
      </div>
      {g.parentId && (
        <div>
          <dt>Parent</dt>
          <dd>
            <a href={href(['goals', g.parentId])}>{g.parentId}</a> (weight {format.value(g.weight, 'count')})
          </dd>
        </div>
      )}
    </dl>
  );
}

function Children(props: { goal: GoalView; goals: GoalView[]; app: AppState }) {
  const { app } = props;
  const total = props.goals.reduce((sum, g) => sum + (g.weight ?? 1), 0);
  return (
    <section class="card" aria-labelledby="children-heading" id="goal-children">
      <h3 id="children-heading">{props.goal.rollUp === 'children' ? 'Rolled up from' : 'Goals under this one'}</h3>
      {props.goals.length === 0 ? (
        <Empty>No goals under this one yet: its progress comes from the goals attached to it.</Empty>
      ) : (
        <table>
          <caption class="visually-hidden">Goals under {props.goal.title}</caption>
          <thead>
            <tr>
              <th scope="col">Goal</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Weight</th>
            </tr>
          </thead>
          <tbody>
            {props.goals.map((g) => (
              <tr key={g.id} data-child={g.id}>
                <td>
                  <a href={href(['goals', g.id])}>{g.title}</a>
                </td>
                <td>
                  <StatusBadge status={g.status} />
                </td>
                <td>
                  {progressText(app, g)} · {app.format.percent(g.percent)}
                </td>
                <td>
                  {app.format.value(g.weight, 'count')}
                  {props.goal.rollUp === 'children' && total > 0 ? ` (${app.format.percent(((g.weight ?? 1) / total) * 100)} of the roll-up)` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Contributions(props: { goal: GoalView; app: AppState; unit: string }) {
  const { app } = props;
  const list = props.goal.contributions ?? [];
  return (
    <section class="card" aria-labelledby="contributions-heading">
      <h3 id="contributions-heading">Contribution per department</h3>
      {list.length === 0 ? (
        <Empty>No department has contributed yet.</Empty>
      ) : (
        <table id="contributions">
          <caption class="visually-hidden">Contribution per department</caption>
          <thead>
            <tr>
              <th scope="col">Department</th>
              <th scope="col">Value</th>
              <th scope="col">Events</th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.department} data-department={c.department}>
                <td>{app.departmentName(c.department)}</td>
                <td>{app.format.value(c.value, props.unit)}</td>
                <td>{app.format.value(c.events, 'count')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CheckIns(props: { goal: GoalView; app: AppState; entries: FeedEntry[]; onPosted: () => Promise<void> }) {
  const { goal, app } = props;
  const { api, format } = app;
  const mine = goal.owners.filter((o) => app.actsFor(o));
  const [department, setDepartment] = useState(mine[0] ?? '');
  const [confidence, setConfidence] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');

  const points = useMemo(
    () =>
      props.entries
        .filter((e) => e.confidence !== null && e.confidence !== undefined)
        .map((e) => [Date.parse(e.at) / 1000, e.confidence as number] as const)
        .sort((a, b) => a[0] - b[0]),
    [props.entries],
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setDone('');
    const value = confidence.trim() === '' ? Number.NaN : Number(confidence);
    try {
      await ok(
        api.POST('/api/v1/goals/{goalId}/check-ins', {
          params: { path: { goalId: goal.id } },
          // An empty or unreadable confidence goes as -1: the API's message says what it must be.
          body: { department, confidence: Number.isInteger(value) ? value : -1, note: note.trim() || null },
        }),
      );
      setConfidence('');
      setNote('');
      setDone(`Checked in as ${app.departmentName(department)}.`);
      await props.onPosted();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const p = problem instanceof Problem ? problem : null;
  return (
    <section class="card" aria-labelledby="checkins-heading" id="check-ins">
      <h3 id="checkins-heading">Check-ins</h3>
      {points.length >= 2 && <ConfidenceChart points={points} format={format} />}
      {props.entries.length === 0 ? (
        <Empty>No check-ins yet.</Empty>
      ) : (
        <ol class="goal-checkin-list">
          {props.entries.map((e) => (
            <li key={e.id} data-checkin={e.id}>
              <span class="confidence" aria-label={`Confidence ${e.confidence} out of 10`}>
                {e.confidence}/10
              </span>{' '}
              <strong>{app.departmentName(e.department)}</strong> · <time dateTime={e.at}>{format.dateTime(e.at)}</time>
              <p class="checkin-text">{e.text}</p>
            </li>
          ))}
        </ol>
      )}
      {mine.length > 0 && !goal.archived ? (
        <form class="checkin-form" id="checkin-form" noValidate onSubmit={(e) => void submit(e)}>
          <h4>Check in</h4>
          <FormProblem problem={problem} fields={['department', 'confidence', 'note']} what="The check-in" />
          <Field name="department" label="As" problem={p}>
            {(a) => (
              <select {...a} value={department} onChange={(e) => setDepartment((e.currentTarget as HTMLSelectElement).value)}>
                {mine.map((d) => (
                  <option key={d} value={d}>
                    {app.departmentName(d)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="confidence" label="Confidence (0–10)" hint="How sure are you that the goal will be met?" problem={p}>
            {(a) => <input {...a} type="number" min={0} max={10} step={1} inputMode="numeric" value={confidence} onInput={(e) => setConfidence((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
          <Field name="note" label="Note" problem={p}>
            {(a) => <textarea {...a} rows={3} maxLength={1000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />}
          </Field>
          <ActionButton type="submit" class="primary" busy={busy} id="post-checkin">
            Post check-in
          </ActionButton>
          <p role="status" class="done-note">
            {done}
          </p>
        </form>
      ) : (
        <p class="field-hint" id="checkin-not-allowed">
          {goal.archived ? 'An archived goal takes no check-ins.' : 'Only members and leads of the departments that own this goal can check in on it.'}
        </p>
      )}
    </section>
  );
}

const DEFINITION_FIELDS = ['title', 'metric', 'target', 'owners', 'scope', 'start', 'end', 'kind', 'baseline', 'parent', 'weight', 'rollUp', 'reset', 'archived'] as const;

function fieldValue(app: AppState, field: string, d: GoalChange['before'], unit: string): string {
  switch (field) {
    case 'target':
      return app.format.value(d.target, unit);
    case 'baseline':
      return app.format.value(d.baseline, unit);
    case 'weight':
      return app.format.value(d.weight, 'count');
    case 'start':
      return app.format.dateTime(d.start);
    case 'end':
      return app.format.dateTime(d.end);
    case 'owners':
      return ownerNames(app, d.owners);
    case 'scope': {
      const parts = [...d.scope.campaigns.map((c) => app.campaignName(c)), ...d.scope.departments.map((x) => app.departmentName(x))];
      return parts.length ? parts.join(', ') : 'all events';
    }
    case 'metric':
      return app.metric(d.metric)?.name ?? d.metric;
    case 'kind':
      return KIND_LABELS[d.kind ?? 'increaseTo'] ?? String(d.kind);
    case 'reset':
      return RESET_LABELS[d.reset ?? 'none'] ?? String(d.reset);
    case 'parent':
      return d.parentId ?? 'none';
    case 'archived':
      return d.archived ? 'archived' : 'active';
    case 'rollUp':
      return d.rollUp === 'children' ? 'children' : 'own metric';
    case 'title':
      return d.title;
    default:
      return '';
  }
}

function Definitions(props: { changes: GoalChange[]; app: AppState; unit: string }) {
  const { app } = props;
  const newest = [...props.changes].reverse();
  return (
    <section class="card" aria-labelledby="definitions-heading" id="definition-history">
      <h3 id="definitions-heading">Definition history</h3>
      {newest.length === 0 ? (
        <Empty>The definition has not changed since the goal was created.</Empty>
      ) : (
        <ol class="definition-list">
          {newest.map((c) => (
            <li key={c.revision} data-revision={c.revision}>
              <p>
                <strong>Revision {c.revision}</strong> · {app.format.dateTime(c.at)} · by {c.by.display}
                {c.recomputed ? ' · recounted from the event log' : ''}
              </p>
              <ul>
                {c.fields
                  .filter((f) => (DEFINITION_FIELDS as readonly string[]).includes(f))
                  .map((f) => (
                    <li key={f} data-field-changed={f}>
                      {f}: {fieldValue(app, f, c.before, props.unit)} → {fieldValue(app, f, c.after, props.unit)}
                    </li>
                  ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
