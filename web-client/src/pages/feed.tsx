// The feed (#/feed?kind=alert&department=pr): announcements, check-ins, status changes and alerts of the
// organization, newest first, filtered by what the address says (so a filtered feed can be shared),
// live, paged with "Older"; a form to announce something from one of my departments; alerts acknowledged in place.

import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { FeedEntry, GoalView } from '../api/types';
import { useApp } from '../app/context';
import { useBoard, useLiveReload } from '../app/live';
import { href, navigate } from '../app/router';
import type { PageProps } from '../app/shell';
import { ActionButton, Empty, Field, Loading, PageHeader, ProblemBanner } from '../app/ui';
import { FeedItem, FormProblem, KIND_LABELS } from './feed-items';
import './collab.css';

const PAGE = 30;
const FILTERS = ['department', 'campaign', 'kind', 'goal', 'state'] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Partial<Record<Filter, string>>;

const STATE_LABELS: Record<string, string> = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' };

function filtersOf(query: URLSearchParams): Filters {
  const f: Filters = {};
  for (const k of FILTERS) {
    const v = query.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export function FeedPage(props: PageProps) {
  const app = useApp();
  const { api, catalogue, departmentName, campaignName } = app;
  const filters = useMemo(() => filtersOf(props.route.query), [props.route.query.toString()]);
  const filterKey = JSON.stringify(filters);
  const live = useBoard('overview');

  const [entries, setEntries] = useState<FeedEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [goals, setGoals] = useState<GoalView[]>([]);
  const [olderBusy, setOlderBusy] = useState(false);
  const shown = useRef(PAGE);
  const loadedFor = useRef('');

  const query = (extra: { before?: number; limit: number }) => ({
    ...(filters as Record<string, string>),
    ...(extra.before ? { before: extra.before } : {}),
    limit: extra.limit,
  });

  const load = useCallback(async () => {
    try {
      // A new filter starts from one page; a live reload keeps as many entries as are shown.
      if (loadedFor.current !== filterKey) shown.current = PAGE;
      const limit = Math.min(500, Math.max(PAGE, shown.current));
      const [page, goalList] = await Promise.all([
        ok(api.GET('/api/v1/feed', { params: { query: query({ limit }) as never } })),
        ok(api.GET('/api/v1/goals')),
      ]);
      const list = page as FeedEntry[];
      loadedFor.current = filterKey;
      setEntries(list);
      setMore(list.length >= limit);
      setGoals(goalList as GoalView[]);
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err : new Error(String(err)));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, filterKey]);

  useLiveReload(live.tick, load, [load]);

  async function older() {
    if (!entries || entries.length === 0) return;
    setOlderBusy(true);
    try {
      const before = entries[entries.length - 1]!.id;
      const page = (await ok(api.GET('/api/v1/feed', { params: { query: query({ before, limit: PAGE }) as never } }))) as FeedEntry[];
      const next = [...entries, ...page.filter((p) => !entries.some((e) => e.id === p.id))];
      shown.current = next.length;
      setEntries(next);
      setMore(page.length >= PAGE);
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setOlderBusy(false);
    }
  }

  function setFilter(name: Filter, value: string) {
    const next: Record<string, string | null> = { ...filters, [name]: value || null };
    navigate(href(['feed'], next), true);
  }

  const goalMap = useMemo(() => new Map(goals.map((g) => [g.id, g])), [goals]);
  const replace = (entry: FeedEntry) => setEntries((list) => (list ? list.map((e) => (e.id === entry.id ? entry : e)) : list));
  const active = Object.keys(filters).length > 0;

  return (
    <section class="page feed-page">
      <PageHeader title="Feed">
        <span class="live-state" data-live={live.state}>
          {live.state === 'connected' ? 'Live' : live.state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
      </PageHeader>

      <Announce goals={goals} onPosted={() => void load()} />

      <form class="card feed-filters" aria-label="Filter the feed" onSubmit={(e) => e.preventDefault()}>
        <h3>Filter</h3>
        <div class="filter-row">
          <FilterSelect name="department" label="Department" value={filters.department} onChange={setFilter}
            options={catalogue.departments.map((d) => [d.id, d.name])} current={departmentName} />
          <FilterSelect name="campaign" label="Campaign" value={filters.campaign} onChange={setFilter}
            options={catalogue.campaigns.map((c) => [c.id, c.name])} current={campaignName} />
          <FilterSelect name="kind" label="Kind" value={filters.kind} onChange={setFilter}
            options={Object.entries(KIND_LABELS)} current={(k) => KIND_LABELS[k] ?? k} />
          <FilterSelect name="goal" label="Goal" value={filters.goal} onChange={setFilter}
            options={goals.map((g) => [g.id, g.title])} current={(id) => goalMap.get(id)?.title ?? id} />
          <FilterSelect name="state" label="Alert state" value={filters.state} onChange={setFilter}
            options={Object.entries(STATE_LABELS)} current={(s) => STATE_LABELS[s] ?? s} />
        </div>
        {active && (
          <p>
            <a href={href(['feed'])} class="button" data-action="clear-filters">
              Clear filters
            </a>
          </p>
        )}
      </form>

      <ProblemBanner problem={problem} />
      {entries === null ? (
        problem ? null : <Loading what="the feed" />
      ) : entries.length === 0 ? (
        <Empty>{active ? 'Nothing in the feed matches these filters.' : 'Nothing has been posted to the feed yet.'}</Empty>
      ) : (
        <>
          <ol class="cf-list" aria-label="Feed entries, newest first" data-testid="cf-list">
            {entries.map((e) => (
              <FeedItem key={e.id} entry={e} goals={goalMap} onChanged={replace} />
            ))}
          </ol>
          {more && (
            <ActionButton type="button" busy={olderBusy} onClick={() => void older()} data-action="older">
              Older
            </ActionButton>
          )}
        </>
      )}
    </section>
  );
}

function FilterSelect(props: {
  name: Filter;
  label: string;
  value: string | undefined;
  options: ReadonlyArray<readonly [string, string]>;
  current: (id: string) => string;
  onChange: (name: Filter, value: string) => void;
}) {
  const id = `feed-filter-${props.name}`;
  const options = [...props.options];
  // A value from a shared address that is not (or not yet) in the catalogue still shows as selected.
  if (props.value && !options.some(([v]) => v === props.value)) options.push([props.value, props.current(props.value)]);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value ?? ''} onChange={(e) => props.onChange(props.name, (e.currentTarget as HTMLSelectElement).value)}>
        <option value="">All</option>
        {options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

const ANNOUNCE_FIELDS = ['from', 'to', 'text', 'campaign', 'goal', 'salesFeedback'];

/** Announce from one of my departments to chosen departments, optionally about a goal, optionally as sales feedback. */
function Announce(props: { goals: GoalView[]; onPosted: () => void }) {
  const app = useApp();
  const { catalogue, departmentName, api } = app;
  const mine = app.role === 'admin' ? catalogue.departments.map((d) => d.id) : (app.me.departments ?? []).filter((d) => app.actsFor(d));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [goal, setGoal] = useState('');
  const [campaign, setCampaign] = useState('');
  const [salesFeedback, setSalesFeedback] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [posted, setPosted] = useState<string | null>(null);

  if (app.role === 'viewer' || mine.length === 0) {
    return (
      <p class="card note" data-testid="announce-not-allowed">
        Your role ({app.role}) reads the feed; announcing needs a member, lead or admin of a department.
      </p>
    );
  }
  const sender = from || mine[0]!;
  const recipients = catalogue.departments.filter((d) => d.id !== sender);

  async function submit(ev: Event) {
    ev.preventDefault();
    setBusy(true);
    setProblem(null);
    setPosted(null);
    try {
      await ok(
        api.POST('/api/v1/feed/announcements', {
          body: {
            from: sender,
            to: to.filter((d) => d !== sender),
            text,
            ...(goal ? { goal } : {}),
            ...(campaign ? { campaign } : {}),
            salesFeedback,
          },
        }),
      );
      setText('');
      setSalesFeedback(false);
      setPosted(salesFeedback ? 'Sales feedback posted; it is also raised as an alert.' : 'Announcement posted.');
      props.onPosted();
    } catch (err) {
      setProblem(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }

  const p = problem instanceof Problem ? problem : null;
  const toErrors = p?.forField('to') ?? [];
  return (
    <form class="card announce" aria-labelledby="announce-title" onSubmit={(e) => void submit(e)} noValidate>
      <h3 id="announce-title">Announce</h3>
      <div class="form-grid">
        <Field name="from" label="From" problem={p}>
          {(a) => (
            <select {...a} value={sender} onChange={(e) => setFrom((e.currentTarget as HTMLSelectElement).value)}>
              {mine.map((d) => (
                <option key={d} value={d}>
                  {departmentName(d)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset class="field checkbox-group" data-field="to" data-invalid={toErrors.length ? 'true' : undefined} aria-describedby={toErrors.length ? 'field-to-error' : undefined}>
          <legend>To</legend>
          {recipients.map((d) => (
            <label key={d.id} class="check">
              <input
                type="checkbox"
                name="to"
                value={d.id}
                checked={to.includes(d.id)}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  setTo((list) => (on ? [...list, d.id] : list.filter((x) => x !== d.id)));
                }}
              />
              {d.name}
            </label>
          ))}
          {toErrors.length > 0 && (
            <p id="field-to-error" class="field-error" data-error-for="to">
              {toErrors.join(' ')}
            </p>
          )}
        </fieldset>
        <Field name="goal" label="About a goal (optional)" problem={p}>
          {(a) => (
            <select {...a} value={goal} onChange={(e) => setGoal((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">No goal</option>
              {props.goals.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="campaign" label="Campaign (optional)" hint="Without one, the goal's campaigns are used." problem={p}>
          {(a) => (
            <select {...a} value={campaign} onChange={(e) => setCampaign((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">None</option>
              {catalogue.campaigns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field name="text" label="Message" problem={p}>
        {(a) => <textarea {...a} rows={3} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />}
      </Field>
      <div class="check-row">
        <label class="check">
          <input type="checkbox" name="salesFeedback" checked={salesFeedback} onChange={(e) => setSalesFeedback((e.currentTarget as HTMLInputElement).checked)} />
          Sales feedback on the goal (also raises an alert)
        </label>
      </div>
      <FormProblem problem={problem} fields={ANNOUNCE_FIELDS} />
      {posted && (
        <p class="success" role="status">
          {posted}
        </p>
      )}
      <ActionButton type="submit" class="primary" busy={busy} data-action="announce">
        Post
      </ActionButton>
    </form>
  );
}
