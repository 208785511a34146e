// #/goals: the alignment tree. Goals nest under their parent (company → department → campaign); a
// parent that rolls up its children shows their weighted progress. Live: the list is read again when
// the overview board moves. Archived goals are the API's ?archived=true list, each with Restore.

import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { GoalView } from '../api/types';
import { useApp, type AppState } from '../app/context';
import { useBoard, useLiveReload } from '../app/live';
import { href } from '../app/router';
import type { PageProps } from '../app/shell';
import { ActionButton, Empty, Loading, PageHeader, ProblemBanner, StatusBadge } from '../app/ui';
import { goalLevel, LEVEL_LABELS, mayChange, mayDefineGoals, ownerNames, progressText } from './goal-shared';
import './goals.css';

export function GoalsPage(props: PageProps) {
  const app = useApp();
  const { api } = app;
  const live = useBoard('overview');
  const [archived, setArchived] = useState(props.route.query.get('archived') === 'true');
  const [department, setDepartment] = useState(props.route.query.get('department') ?? '');
  const [goals, setGoals] = useState<GoalView[] | null>(null);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');

  // Every read is numbered: an answer for the list shown before the archived toggle moved is dropped.
  const reads = useRef(0);
  const load = useCallback(async () => {
    const read = ++reads.current;
    try {
      const list = await ok(api.GET('/api/v1/goals', { params: { query: archived ? { archived: true } : {} } }));
      if (read === reads.current) setGoals(list as GoalView[]);
    } catch (err) {
      setProblem(err as Error);
    }
  }, [api, archived]);
  // The reload a board push schedules runs later: it must read the page as it is then (the archived
  // toggle, the resolution), not as it was when the push came.
  const latestLoad = useRef(load);
  latestLoad.current = load;
  useLiveReload(live.tick, () => latestLoad.current(), [load]);

  const restore = async (goal: GoalView) => {
    setBusy(goal.id);
    setProblem(null);
    try {
      await ok(api.POST('/api/v1/goals/{goalId}/restore', { params: { path: { goalId: goal.id } } }));
      setAnnounce(`${goal.title} restored.`);
      await load();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(null);
    }
  };

  const shown = useMemo(() => {
    if (!goals) return null;
    if (!department) return goals;
    return goals.filter((g) => g.owners.includes(department) || g.scope.departments.includes(department));
  }, [goals, department]);

  return (
    <section class="page goals-page">
      <PageHeader title={archived ? 'Archived goals' : 'Goals'}>
        {mayDefineGoals(app) && (
          <a class="button primary" href={href(['goals', 'new'])} id="new-goal">
            New goal
          </a>
        )}
        <button type="button" id="toggle-archived" aria-pressed={archived} onClick={() => { setGoals(null); setArchived(!archived); }}>
          {archived ? 'Show current goals' : 'Show archived goals'}
        </button>
      </PageHeader>
      <div class="goals-toolbar">
        <div class="field inline-field">
          <label for="goal-department-filter">Department</label>
          <select id="goal-department-filter" value={department} onChange={(e) => setDepartment((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">All departments</option>
            {app.catalogue.departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <p class="live-note" data-live-state={live.state}>
          {live.state === 'connected' ? 'Live' : live.state === 'connecting' ? 'Connecting…' : 'Not live: reconnecting'}
        </p>
      </div>
      <p class="visually-hidden" role="status">
        {announce}
      </p>
      <ProblemBanner problem={problem} />
      {shown === null ? (
        <Loading what="goals" />
      ) : shown.length === 0 ? (
        <Empty>{archived ? 'No archived goals.' : department ? 'No goals of this department.' : 'No goals yet.'}</Empty>
      ) : archived ? (
        <ArchivedList goals={shown} app={app} busy={busy} onRestore={restore} />
      ) : (
        <GoalTree goals={shown} app={app} />
      )}
    </section>
  );
}

function GoalTree(props: { goals: GoalView[]; app: AppState }) {
  const { goals, app } = props;
  const ids = new Set(goals.map((g) => g.id));
  const children = new Map<string, GoalView[]>();
  const roots: GoalView[] = [];
  for (const g of goals) {
    if (g.parentId && ids.has(g.parentId)) {
      const list = children.get(g.parentId) ?? [];
      list.push(g);
      children.set(g.parentId, list);
    } else roots.push(g);
  }
  const order = { company: 0, joint: 1, department: 2, campaign: 3 } as const;
  const sort = (list: GoalView[]) => [...list].sort((a, b) => order[goalLevel(a)] - order[goalLevel(b)] || a.title.localeCompare(b.title));
  const branch = (list: GoalView[], depth: number, seen: Set<string>) => (
    <ul class={depth === 0 ? 'goal-tree' : 'goal-children'}>
      {sort(list).map((g) => {
        const kids = seen.has(g.id) ? [] : children.get(g.id) ?? [];
        const next = new Set(seen).add(g.id);
        return (
          <li key={g.id}>
            <GoalRow goal={g} app={app} parent={depth > 0} />
            {kids.length > 0 && branch(kids, depth + 1, next)}
          </li>
        );
      })}
    </ul>
  );
  return branch(roots, 0, new Set());
}

function GoalRow(props: { goal: GoalView; app: AppState; parent: boolean }) {
  const { goal: g, app } = props;
  const level = goalLevel(g);
  const confidence = g.latestCheckIn;
  return (
    <article class="goal-row card" data-goal-id={g.id} data-status={g.status} aria-labelledby={`goal-title-${g.id}`}>
      <div class="goal-row-head">
        <h3 id={`goal-title-${g.id}`}>
          <a href={href(['goals', g.id])}>{g.title}</a>
        </h3>
        <StatusBadge status={g.status} />
      </div>
      <dl class="goal-facts">
        <div>
          <dt>Level</dt>
          <dd>{LEVEL_LABELS[level]}</dd>
        </div>
        <div>
          <dt>Progress</dt>
          <dd data-progress>
            {progressText(app, g)}
            {g.percent !== null && g.percent !== undefined && <> · {app.format.percent(g.percent)}</>}
          </dd>
        </div>
        <div>
          <dt>Pace</dt>
          <dd>{g.expectedPercent === null || g.expectedPercent === undefined ? '—' : `${app.format.percent(g.expectedPercent)} expected`}</dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd data-confidence>{confidence ? `${confidence.confidence}/10 (${app.departmentName(confidence.department)})` : 'No check-in yet'}</dd>
        </div>
        <div>
          <dt>Owners</dt>
          <dd>{ownerNames(app, g.owners)}</dd>
        </div>
        {props.parent && (
          <div>
            <dt>Weight</dt>
            <dd>{app.format.value(g.weight, 'count')}</dd>
          </div>
        )}
      </dl>
      {g.rollUp === 'children' && <p class="rollup-note">Rolls up the weighted progress of the goals below it.</p>}
    </article>
  );
}

function ArchivedList(props: { goals: GoalView[]; app: AppState; busy: string | null; onRestore: (g: GoalView) => void }) {
  const { app } = props;
  return (
    <table class="archived-goals">
      <caption class="visually-hidden">Archived goals</caption>
      <thead>
        <tr>
          <th scope="col">Goal</th>
          <th scope="col">Owners</th>
          <th scope="col">Progress when archived</th>
          <th scope="col">Period</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.goals.map((g) => (
          <tr key={g.id} data-goal-id={g.id}>
            <td>
              <a href={href(['goals', g.id])}>{g.title}</a>
            </td>
            <td>{ownerNames(app, g.owners)}</td>
            <td>{progressText(app, g)}</td>
            <td>
              {app.format.date(g.start)} – {app.format.date(g.end)}
            </td>
            <td>
              {mayChange(app, g) && (
                <ActionButton type="button" busy={props.busy === g.id} onClick={() => props.onRestore(g)} data-restore={g.id} aria-label={`Restore ${g.title}`}>
                  Restore
                </ActionButton>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
