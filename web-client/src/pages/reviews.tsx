// Reviews (#/reviews): the quarters the organization froze, and "Freeze a quarter" for leads and admins;
// a review (#/reviews/<id>) compares every goal then (frozen) and now, side by side, sortable by column.

import { useCallback, useMemo, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { GoalView, Review, ReviewComparison } from '../api/types';
import { useApp } from '../app/context';
import { useBoard, useLiveReload } from '../app/live';
import { href, navigate } from '../app/router';
import type { PageProps } from '../app/shell';
import { ActionButton, Empty, Field, Loading, PageHeader, ProblemBanner, StatusBadge } from '../app/ui';
import { STATUS_LABELS } from '../format';
import { FormProblem } from './feed-items';
import './collab.css';

export function ReviewsPage(props: PageProps) {
  return props.route.page === 'review' && props.route.id ? <ReviewPage id={props.route.id} /> : <ReviewList />;
}

/** A review's id from its name: "Q3 2026 review" → "q3-2026-review". */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

function ReviewList() {
  const app = useApp();
  const { api, format } = app;
  const live = useBoard('overview');
  const [reviews, setReviews] = useState<Review[] | null>(null);
  const [problem, setProblem] = useState<Problem | Error | null>(null);

  const load = useCallback(async () => {
    try {
      const ids = (await ok(api.GET('/api/v1/reviews'))) as string[];
      const list = await Promise.all(ids.map((reviewId) => ok(api.GET('/api/v1/reviews/{reviewId}', { params: { path: { reviewId } } })) as Promise<Review>));
      list.sort((a, b) => b.frozenAt.localeCompare(a.frozenAt));
      setReviews(list);
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err : new Error(String(err)));
    }
  }, [api]);
  useLiveReload(live.tick, load, [load]);

  const mayFreeze = app.role === 'admin' || (app.role === 'lead' && (app.me.departments ?? []).length > 0);

  return (
    <section class="page reviews-page">
      <PageHeader title="Reviews" />
      <p class="lede">A review freezes every goal as it stands; its page compares then against now.</p>
      {mayFreeze ? (
        <Freeze />
      ) : (
        <p class="card note" data-testid="freeze-not-allowed">
          Leads and admins freeze a quarter; your role ({app.role}) reads the reviews.
        </p>
      )}
      <ProblemBanner problem={problem} />
      <h3>Frozen quarters</h3>
      {reviews === null ? (
        problem ? null : <Loading what="reviews" />
      ) : reviews.length === 0 ? (
        <Empty>No quarter has been frozen yet.</Empty>
      ) : (
        <table data-testid="review-list">
          <caption class="visually-hidden">Reviews, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Review</th>
              <th scope="col">Frozen</th>
              <th scope="col">Goals</th>
            </tr>
          </thead>
          <tbody>
            {reviews.map((r) => (
              <tr key={r.id} data-review-id={r.id}>
                <td>
                  <a href={href(['reviews', r.id])}>{r.name}</a>
                </td>
                <td>{format.dateTime(r.frozenAt)}</td>
                <td>{r.goals.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const FREEZE_FIELDS = ['name', 'id'];

function Freeze() {
  const { api } = useApp();
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [idEdited, setIdEdited] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const reviewId = idEdited ? id : slug(name);

  async function submit(ev: Event) {
    ev.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const review = (await ok(api.POST('/api/v1/reviews', { body: { id: reviewId, name } }))) as Review;
      navigate(href(['reviews', review.id]));
    } catch (err) {
      setProblem(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }

  const p = problem instanceof Problem ? problem : null;
  return (
    <form class="card freeze" aria-labelledby="freeze-title" onSubmit={(e) => void submit(e)} noValidate>
      <h3 id="freeze-title">Freeze a quarter</h3>
      <div class="form-grid">
        <Field name="name" label="Name" hint='For example "Q3 2026 review".' problem={p}>
          {(a) => <input {...a} type="text" value={name} maxLength={200} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <Field name="id" label="Id (in the review's address)" hint="Lower-case letters, digits and dashes; made from the name unless you change it." problem={p}>
          {(a) => (
            <input
              {...a}
              type="text"
              value={reviewId}
              maxLength={64}
              onInput={(e) => {
                setIdEdited(true);
                setId((e.currentTarget as HTMLInputElement).value);
              }}
            />
          )}
        </Field>
      </div>
      <FormProblem problem={problem} fields={FREEZE_FIELDS} />
      <ActionButton type="submit" class="primary" busy={busy} data-action="freeze">
        Freeze now
      </ActionButton>
    </form>
  );
}

type Row = ReviewComparison['goals'][number];
type SortKey = 'title' | 'then' | 'now' | 'change' | 'statusThen' | 'statusNow';

const STATUS_ORDER = ['offTrack', 'missed', 'atRisk', 'noData', 'notStarted', 'onTrack', 'achieved'];

function compare(a: Row, b: Row, key: SortKey): number {
  const num = (x: number | null | undefined) => (x === null || x === undefined ? Number.NEGATIVE_INFINITY : x);
  switch (key) {
    case 'title':
      return a.title.localeCompare(b.title);
    case 'then':
      return num(a.percentThen) - num(b.percentThen);
    case 'now':
      return num(a.percentNow) - num(b.percentNow);
    case 'change':
      return num(pointChange(a)) - num(pointChange(b));
    case 'statusThen':
      return STATUS_ORDER.indexOf(a.statusThen ?? 'noData') - STATUS_ORDER.indexOf(b.statusThen ?? 'noData');
    case 'statusNow':
      return STATUS_ORDER.indexOf(a.statusNow ?? 'noData') - STATUS_ORDER.indexOf(b.statusNow ?? 'noData');
  }
}

/** The change in percentage points of the target, when both ends are known. */
function pointChange(r: Row): number | null {
  return r.percentThen === null || r.percentThen === undefined || r.percentNow === null || r.percentNow === undefined ? null : r.percentNow - r.percentThen;
}

function ReviewPage(props: { id: string }) {
  const { api, format } = useApp();
  const live = useBoard('overview');
  const [comparison, setComparison] = useState<ReviewComparison | null>(null);
  const [units, setUnits] = useState<Map<string, string>>(new Map());
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'title', descending: false });

  const load = useCallback(async () => {
    try {
      const [c, review, goals] = await Promise.all([
        ok(api.GET('/api/v1/reviews/{reviewId}/comparison', { params: { path: { reviewId: props.id } } })),
        ok(api.GET('/api/v1/reviews/{reviewId}', { params: { path: { reviewId: props.id } } })),
        ok(api.GET('/api/v1/goals', { params: { query: { archived: true } } })),
      ]);
      const u = new Map<string, string>();
      for (const g of (review as Review).goals) u.set(g.id, g.unit ?? 'count');
      for (const g of goals as GoalView[]) u.set(g.id, g.unit ?? 'count');
      setUnits(u);
      setComparison(c as ReviewComparison);
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err : new Error(String(err)));
    }
  }, [api, props.id]);
  useLiveReload(live.tick, load, [load]);

  const rows = useMemo(() => {
    const list = [...(comparison?.goals ?? [])];
    list.sort((a, b) => compare(a, b, sort.key) * (sort.descending ? -1 : 1) || a.title.localeCompare(b.title));
    return list;
  }, [comparison, sort]);

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          class="sort-button"
          data-sort={key}
          onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key === 'change' }))}
        >
          {label}
          <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
        </button>
      </th>
    );
  };

  const improved = rows.filter((r) => (pointChange(r) ?? 0) > 0).length;
  const worse = rows.filter((r) => STATUS_ORDER.indexOf(r.statusNow ?? 'noData') < STATUS_ORDER.indexOf(r.statusThen ?? 'noData') && r.statusThen).length;

  return (
    <section class="page review-page">
      <PageHeader title={comparison ? comparison.name : 'Review'}>
        <a href={href(['reviews'])} class="button">
          All reviews
        </a>
      </PageHeader>
      <ProblemBanner problem={problem} />
      {comparison === null ? (
        problem ? null : <Loading what="the review" />
      ) : (
        <>
          <p class="lede">
            Frozen {format.dateTime(comparison.frozenAt)}; now is live. {rows.length} goals: {improved} moved forward, {worse} in a worse status than then.
          </p>
          {rows.length === 0 ? (
            <Empty>The organization had no goals when this review was frozen, and has none now.</Empty>
          ) : (
            <div class="table-scroll">
              <table class="comparison" data-testid="comparison">
                <caption class="visually-hidden">Each goal then (frozen) and now; the column buttons sort the table</caption>
                <thead>
                  <tr>
                    {header('title', 'Goal')}
                    {header('then', 'Then')}
                    {header('statusThen', 'Status then')}
                    {header('now', 'Now')}
                    {header('statusNow', 'Status now')}
                    {header('change', 'Change')}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const unit = units.get(r.id) ?? 'count';
                    const pts = pointChange(r);
                    return (
                      <tr key={r.id} data-goal-id={r.id}>
                        <th scope="row">
                          <a href={href(['goals', r.id])}>{r.title}</a>
                        </th>
                        <td data-then={r.then ?? ''}>
                          {r.statusThen === null || r.statusThen === undefined ? (
                            'Not yet a goal'
                          ) : (
                            <>
                              {format.value(r.then, unit)} <span class="sub">({format.percent(r.percentThen)})</span>
                            </>
                          )}
                        </td>
                        <td>{r.statusThen ? <StatusBadge status={r.statusThen} /> : '—'}</td>
                        <td data-now={r.now ?? ''}>
                          {r.statusNow === null || r.statusNow === undefined ? (
                            'Archived or removed'
                          ) : (
                            <>
                              {format.value(r.now, unit)} <span class="sub">({format.percent(r.percentNow)})</span>
                            </>
                          )}
                        </td>
                        <td>{r.statusNow ? <StatusBadge status={r.statusNow} /> : '—'}</td>
                        <td data-change={r.change ?? ''}>
                          {r.change === null || r.change === undefined ? (
                            '—'
                          ) : (
                            <>
                              {r.change > 0 ? '+' : ''}
                              {format.value(r.change, unit)}
                              {pts !== null && (
                                <span class="sub">
                                  {' '}
                                  ({pts > 0 ? '+' : ''}
                                  {format.value(pts, 'count')} pts)
                                </span>
                              )}
                              {r.statusThen && r.statusNow && r.statusThen !== r.statusNow && (
                                <span class="sub">
                                  {' '}
                                  {STATUS_LABELS[r.statusThen]} → {STATUS_LABELS[r.statusNow]}
                                </span>
                              )}
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
