// Home (#/): the goals of my departments and the joint goals I share with others (status, pace,
// confidence, a sparkline each), the open alerts that concern me, and what changed in the feed since
// my last visit. Everything reloads when the organization's overview board moves.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { FeedEntry, GoalView, HistoryPoint } from '../api/types';
import { useApp } from '../app/context';
import { useBoard, useLiveReload } from '../app/live';
import { href } from '../app/router';
import type { PageProps } from '../app/shell';
import { Empty, Loading, PageHeader, ProblemBanner, Sparkline, StatusBadge } from '../app/ui';
import { FeedItem } from './feed-items';
import './collab.css';

interface LastVisit {
  /** When the person last left home (ISO). */
  at: string;
  /** The newest feed entry they had seen then: entries after it are new to them. */
  lastId: number;
}

/** How many of the newest feed entries home reads for "what changed". */
const RECENT = 100;

function visitKey(org: string, who: string): string {
  return `align:last-visit:${org}:${who}`;
}

function readVisit(key: string): LastVisit | null {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<LastVisit>;
    return typeof v.at === 'string' && typeof v.lastId === 'number' ? { at: v.at, lastId: v.lastId } : null;
  } catch {
    return null;
  }
}

export function HomePage(_props: PageProps) {
  const app = useApp();
  const { api, me, format, departmentName } = app;
  const live = useBoard('overview');
  const mine = useMemo(() => new Set(me.departments ?? []), [me]);
  const everything = mine.size === 0;

  const [goals, setGoals] = useState<GoalView[] | null>(null);
  const [feed, setFeed] = useState<FeedEntry[] | null>(null);
  const [alertEntries, setAlertEntries] = useState<FeedEntry[]>([]);
  const [problem, setProblem] = useState<Problem | Error | null>(null);

  // The last visit as it was when this page opened; the newest entry seen is kept for when the person leaves.
  const key = visitKey(me.organization, me.email ?? me.keyId ?? 'someone');
  const [previous] = useState<LastVisit | null>(() => readVisit(key));
  const cutoff = useRef<number | null>(previous?.lastId ?? null);
  const newest = useRef<number>(previous?.lastId ?? 0);
  const loaded = useRef(false);

  const load = useCallback(async () => {
    try {
      const [goalList, entries, open, acknowledged] = await Promise.all([
        ok(api.GET('/api/v1/goals')),
        ok(api.GET('/api/v1/feed', { params: { query: { limit: RECENT } } })),
        ok(api.GET('/api/v1/feed', { params: { query: { state: 'open', limit: 200 } } })),
        ok(api.GET('/api/v1/feed', { params: { query: { state: 'acknowledged', limit: 50 } } })),
      ]);
      const list = entries as FeedEntry[];
      const top = list.reduce((m, e) => Math.max(m, e.id), 0);
      // A first visit starts counting from what is in the feed now.
      if (cutoff.current === null) cutoff.current = top;
      newest.current = Math.max(newest.current, top);
      loaded.current = true;
      setGoals(goalList as GoalView[]);
      setFeed(list);
      setAlertEntries([...(open as FeedEntry[]), ...(acknowledged as FeedEntry[])].sort((a, b) => b.id - a.id));
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err : new Error(String(err)));
    }
  }, [api]);

  useLiveReload(live.tick, load, [load]);

  // Leaving (another page of the app, or closing the tab) marks what was shown as seen.
  useEffect(() => {
    const save = () => {
      if (!loaded.current) return;
      try {
        localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), lastId: newest.current } satisfies LastVisit));
      } catch {
        /* storage full or denied: the next visit shows the same changes again */
      }
    };
    window.addEventListener('pagehide', save);
    return () => {
      window.removeEventListener('pagehide', save);
      save();
    };
  }, [key]);

  const myGoals = useMemo(() => (goals ?? []).filter((g) => everything || g.owners.some((o) => mine.has(o))), [goals, mine, everything]);
  const single = myGoals.filter((g) => g.owners.length <= 1);
  const joint = myGoals.filter((g) => g.owners.length > 1);
  const goalMap = useMemo(() => new Map((goals ?? []).map((g) => [g.id, g])), [goals]);
  const myGoalIds = useMemo(() => new Set(myGoals.map((g) => g.id)), [myGoals]);

  const concerns = (e: FeedEntry) =>
    everything || (e.goalId !== null && e.goalId !== undefined && myGoalIds.has(e.goalId)) || (e.to ?? []).some((d) => mine.has(d)) || (e.department ? mine.has(e.department) : false);
  const alerts = alertEntries.filter(concerns);
  const openAlerts = alerts.filter((e) => (e.state ?? 'open') === 'open');
  const changes = cutoff.current === null ? [] : (feed ?? []).filter((e) => e.id > cutoff.current!);
  // The recent entries were all new: there may be more than these since the last visit.
  const moreChanges = feed !== null && feed.length >= RECENT && changes.length === feed.length;

  const replace = (entry: FeedEntry) => {
    setFeed((list) => (list ? list.map((e) => (e.id === entry.id ? entry : e)) : list));
    setAlertEntries((list) => list.map((e) => (e.id === entry.id ? entry : e)));
  };
  const who = me.displayName || me.email || 'you';
  const scope = everything ? 'the whole organization' : [...mine].map((d) => departmentName(d)).join(', ');

  return (
    <section class="page home-page">
      <PageHeader title="Home">
        <span class="live-state" data-live={live.state}>
          {live.state === 'connected' ? 'Live' : live.state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
      </PageHeader>
      <p class="lede">
        Signed in as <strong>{who}</strong> ({app.role}) for {scope}.
      </p>
      <ProblemBanner problem={problem} />

      <section aria-labelledby="home-goals" class="home-section">
        <h3 id="home-goals">{everything ? 'Goals of the organization' : 'Goals of my departments'}</h3>
        {goals === null ? (
          problem ? null : <Loading what="goals" />
        ) : single.length === 0 ? (
          <Empty>{everything ? 'No goal has a single owner yet.' : 'None of your departments owns a goal of its own yet.'}</Empty>
        ) : (
          <ul class="goal-cards" data-testid="my-goals">
            {single.map((g) => (
              <GoalCardView key={g.id} goal={g} />
            ))}
          </ul>
        )}
        <h3 id="home-joint">Joint goals</h3>
        {goals === null ? null : joint.length === 0 ? (
          <Empty>{everything ? 'No goal is shared between departments yet.' : 'None of your departments shares a goal with another yet.'}</Empty>
        ) : (
          <ul class="goal-cards" data-testid="joint-goals" aria-labelledby="home-joint">
            {joint.map((g) => (
              <GoalCardView key={g.id} goal={g} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="home-alerts" class="home-section">
        <h3 id="home-alerts">
          Alerts that concern me <span class="count">({openAlerts.length} open)</span>
        </h3>
        {feed === null ? null : alerts.length === 0 ? (
          <Empty>No open alert concerns {everything ? 'the organization' : 'your departments'}.</Empty>
        ) : (
          <ol class="cf-list" data-testid="home-alerts">
            {alerts.map((e) => (
              <FeedItem key={e.id} entry={e} goals={goalMap} onChanged={replace} />
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="home-changes" class="home-section">
        <h3 id="home-changes">What changed since my last visit</h3>
        <p class="muted-note">
          {previous ? <>Your last visit: {format.dateTime(previous.at)}.</> : <>This is your first visit: what happens from now on is listed here.</>}{' '}
          <a href={href(['feed'])}>The whole feed</a>
        </p>
        {feed === null ? null : changes.length === 0 ? (
          <Empty>Nothing new since {previous ? 'then' : 'you arrived'}.</Empty>
        ) : (
          <ol class="cf-list" data-testid="home-changes">
            {changes.map((e) => (
              <FeedItem key={e.id} entry={e} goals={goalMap} onChanged={replace} />
            ))}
          </ol>
        )}
        {moreChanges && (
          <p class="muted-note">
            These are the newest {changes.length}; <a href={href(['feed'])}>the feed</a> has the rest.
          </p>
        )}
      </section>
    </section>
  );
}

/** One goal: status, pace against the expected pace, the latest confidence, and a sparkline of its history. */
function GoalCardView(props: { goal: GoalView }) {
  const { api, format, departmentName } = useApp();
  const g = props.goal;
  const [points, setPoints] = useState<Array<readonly [number, number | null]> | null>(null);
  const [historyProblem, setHistoryProblem] = useState<string | null>(null);

  // The history is read again only when the goal has applied new events (or its definition changed).
  const version = `${g.appliedThrough}:${g.eventCount}:${g.updatedAt}`;
  useEffect(() => {
    let stopped = false;
    (async () => {
      try {
        const read = async (resolution: 'day' | 'minute') =>
          (await ok(api.GET('/api/v1/goals/{goalId}/history', { params: { path: { goalId: g.id }, query: { resolution } } }))) as HistoryPoint[];
        // Days for a goal with several days of history, minutes for one that is younger.
        let history = await read('day');
        if (history.filter((p) => p.value !== null).length < 2) history = await read('minute');
        if (!stopped) {
          setPoints(history.map((p) => [Date.parse(p.at) / 1000, p.value ?? null] as const));
          setHistoryProblem(null);
        }
      } catch (err) {
        if (!stopped) setHistoryProblem(err instanceof Error ? err.message : String(err));
      }
    })();
    return () => {
      stopped = true;
    };
  }, [api, g.id, version]);

  const unit = g.unit;
  const expected = g.expectedPercent;
  const pace =
    g.percent === null || g.percent === undefined
      ? 'No progress yet'
      : `${format.percent(g.percent)} done${expected === null || expected === undefined ? '' : `, ${format.percent(expected)} expected by now`}`;
  const c = g.latestCheckIn;
  return (
    <li class="card goal-card" data-goal-id={g.id} data-status={g.status}>
      <div class="goal-card-head">
        <h4>
          <a href={href(['goals', g.id])}>{g.title}</a>
        </h4>
        <StatusBadge status={g.status} />
      </div>
      <p class="goal-owners">{g.owners.map((o) => departmentName(o)).join(' + ')}</p>
      <dl class="goal-facts">
        <div>
          <dt>Progress</dt>
          <dd>
            {format.value(g.progress, unit)} of {format.value(g.target, unit)}
          </dd>
        </div>
        <div>
          <dt>Pace</dt>
          <dd data-pace>{pace}</dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd data-confidence={c ? c.confidence : ''}>
            {c ? (
              <>
                {c.confidence}/10 from {departmentName(c.department)}, {format.dateTime(c.at)}
                {g.confidenceMismatch && <span class="cf-mismatch"> (does not match the status)</span>}
              </>
            ) : (
              'No check-in yet'
            )}
          </dd>
        </div>
      </dl>
      <div class="goal-spark">
        {historyProblem ? (
          <span class="muted-note">History unavailable: {historyProblem}</span>
        ) : points === null ? (
          <span class="muted-note">Loading history…</span>
        ) : points.filter((p) => p[1] !== null).length < 2 ? (
          <span class="muted-note" data-no-history>Not enough history for a chart yet</span>
        ) : (
          <Sparkline points={points} label={`${g.title}: progress over time, now ${format.value(g.progress, unit)}`} width={220} height={40} />
        )}
      </div>
    </li>
  );
}
