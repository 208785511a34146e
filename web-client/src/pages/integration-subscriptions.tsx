// Subscriptions on the integrations page: the list (the URL's host only: a Slack or Teams URL is a
// credential), turning one off and on, its delivery log with a retry for a dead-lettered delivery,
// creating one with a filter from the organization's catalogue (the secret shown once), rotating the
// secret and deleting it.

import { useEffect, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { CreatedSubscriptionResponse, Delivery, FeedKind, Subscription, SubscriptionFormat } from '../api/types';
import { CheckGroup } from '../app/check-group';
import { useAction } from '../app/action';
import { useApp } from '../app/context';
import { useList } from '../app/live';
import { ActionButton, Empty, Field, Loading, ProblemBanner, Secret } from '../app/ui';

const asProblem = (e: Problem | Error | null) => (e instanceof Problem ? e : null);

const FORMATS: ReadonlyArray<{ value: SubscriptionFormat; label: string; hint: string }> = [
  { value: 'standardWebhooks', label: 'Signed webhook (Standard Webhooks)', hint: 'Your receiver verifies the signature with the secret shown once.' },
  { value: 'slack', label: 'Slack channel', hint: 'Slack → Apps → Incoming Webhooks → the channel’s URL.' },
  { value: 'teams', label: 'Microsoft Teams channel', hint: 'A Workflows “when a webhook request is received” URL.' },
];
const FORMAT_NAMES: Record<string, string> = { standardWebhooks: 'Signed webhook', slack: 'Slack', teams: 'Teams' };

const KINDS: ReadonlyArray<{ value: FeedKind; label: string }> = [
  { value: 'announcement', label: 'Announcements' },
  { value: 'checkIn', label: 'Check-ins' },
  { value: 'statusChange', label: 'Status changes' },
  { value: 'alert', label: 'Alerts' },
];
const KIND_NAMES: Record<string, string> = Object.fromEntries(KINDS.map((k) => [k.value, k.label]));

const STATE_NAMES: Record<string, string> = { pending: 'Pending', delivered: 'Delivered', deadLettered: 'Dead-lettered' };

/** Only the host: the rest of a Slack or Teams URL is the credential. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '—';
  }
}

/** A refused URL (422, "The URL is refused") shown beside the URL field. */
function withUrlField(err: Error): Error {
  if (err instanceof Problem && err.status === 422 && Object.keys(err.fields).length === 0) {
    return new Problem(422, err.title, err.title, { url: [err.message.replace(/^url /, '')] });
  }
  return err;
}

export function SubscriptionsSection(props: { tick: number }) {
  const { api } = useApp();
  const subscriptions = useList(props.tick, () => ok(api.GET('/api/v1/subscriptions')));
  const [log, setLog] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const { busy, problem, run } = useAction<string>();

  const act = (id: string, action: () => Promise<void>) =>
    run(async () => {
      await action();
      await subscriptions.reload();
    }, id);
  const rotate = (s: Subscription) =>
    act(s.id, async () => {
      const answer = await ok(api.POST('/api/v1/subscriptions/{subscriptionId}/rotate-secret', { params: { path: { subscriptionId: s.id } } }));
      setSecret({ name: s.name, value: answer.secret });
    });
  const toggle = (s: Subscription) =>
    act(s.id, async () => {
      await ok(
        api.PUT('/api/v1/subscriptions/{subscriptionId}', {
          params: { path: { subscriptionId: s.id } },
          body: { name: s.name, url: s.url, format: s.format, filter: s.filter, enabled: !s.enabled },
        }),
      );
    });
  const remove = (s: Subscription) =>
    act(s.id, async () => {
      await ok(api.DELETE('/api/v1/subscriptions/{subscriptionId}', { params: { path: { subscriptionId: s.id } } }));
      setRemoving(null);
      if (log === s.id) setLog(null);
    });

  const shown = subscriptions.data?.find((s) => s.id === log) ?? null;
  return (
    <>
      <ProblemBanner problem={subscriptions.problem} />
      <ProblemBanner problem={problem} />
      {secret && (
        <div class="success" role="status" id="subscription-secret">
          <p>A new secret for “{secret.name}” is in use. Copy it now: it is shown only this once.</p>
          <Secret id="rotated-subscription-secret" label="The new signing secret" value={secret.value} />
        </div>
      )}
      {subscriptions.data === null ? (
        subscriptions.problem ? null : <Loading what="subscriptions" />
      ) : subscriptions.data.length === 0 ? (
        <Empty>No subscription yet.</Empty>
      ) : (
        <table class="data-table" id="subscriptions-table">
          <caption>Subscriptions</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Format</th>
              <th scope="col">Sent to</th>
              <th scope="col">Entries</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {subscriptions.data.map((s) => (
              <tr key={s.id} data-subscription-id={s.id} data-subscription-name={s.name} class={s.enabled ? undefined : 'revoked'}>
                <th scope="row">{s.name}</th>
                <td>{FORMAT_NAMES[s.format] ?? s.format}</td>
                <td data-host>{hostOf(s.url)}</td>
                <td>
                  <FilterSummary subscription={s} />
                </td>
                <td data-enabled={String(s.enabled)}>{s.enabled ? 'On' : `Off${s.disabledReason ? `: ${s.disabledReason}` : ''}`}</td>
                <td>
                  {removing === s.id ? (
                    <div class="form-actions">
                      <ActionButton type="button" class="danger" busy={busy === s.id} onClick={() => void remove(s)} data-action="confirm-delete-subscription">
                        Delete {s.name} for good
                      </ActionButton>
                      <button type="button" onClick={() => setRemoving(null)}>
                        Keep it
                      </button>
                    </div>
                  ) : (
                    <div class="form-actions">
                      <button
                        type="button"
                        data-action="delivery-log"
                        aria-expanded={log === s.id}
                        aria-controls="delivery-log"
                        onClick={() => setLog(log === s.id ? null : s.id)}
                        aria-label={`Delivery log of ${s.name}`}
                      >
                        Delivery log
                      </button>
                      <ActionButton type="button" busy={busy === s.id} onClick={() => void toggle(s)} aria-label={`${s.enabled ? 'Turn off' : 'Turn on'} ${s.name}`} data-action="toggle-subscription">
                        {s.enabled ? 'Turn off' : 'Turn on'}
                      </ActionButton>
                      <ActionButton type="button" busy={busy === s.id} onClick={() => void rotate(s)} aria-label={`Rotate secret of ${s.name}`} data-action="rotate-subscription">
                        Rotate secret
                      </ActionButton>
                      <button type="button" onClick={() => setRemoving(s.id)} aria-label={`Delete ${s.name}`} data-action="delete-subscription">
                        Delete
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div id="delivery-log">{shown && <DeliveryLog subscription={shown} tick={props.tick} />}</div>
      <CreateSubscriptionForm onCreated={subscriptions.reload} />
    </>
  );
}

function FilterSummary(props: { subscription: Subscription }) {
  const { departmentName, campaignName } = useApp();
  const f = props.subscription.filter;
  const parts = [
    f.kinds?.length ? f.kinds.map((k) => KIND_NAMES[k] ?? k).join(', ') : null,
    f.departments?.length ? `departments ${f.departments.map(departmentName).join(', ')}` : null,
    f.campaigns?.length ? `campaigns ${f.campaigns.map(campaignName).join(', ')}` : null,
    f.goals?.length ? `goals ${f.goals.join(', ')}` : null,
  ].filter(Boolean);
  return <>{parts.length ? parts.join('; ') : 'Everything'}</>;
}

function DeliveryLog(props: { subscription: Subscription; tick: number }) {
  const { api, format } = useApp();
  const s = props.subscription;
  const load = () => ok(api.GET('/api/v1/subscriptions/{subscriptionId}/deliveries', { params: { path: { subscriptionId: s.id } } }));
  const deliveries = useList(props.tick, load);
  const { busy: retrying, problem, run } = useAction<string>();

  const retry = (d: Delivery) =>
    run(async () => {
      await ok(
        api.POST('/api/v1/subscriptions/{subscriptionId}/deliveries/{deliveryId}/retry', { params: { path: { subscriptionId: s.id, deliveryId: d.id } } }),
      );
      await deliveries.reload();
    }, d.id);

  const newestFirst = [...(deliveries.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  // Attempts are seconds apart at first: their times show seconds, in the organization's time zone.
  const attemptTime = new Intl.DateTimeFormat(undefined, { timeZone: format.timeZone, dateStyle: 'medium', timeStyle: 'medium' });
  return (
    <section class="card stack" aria-labelledby="delivery-log-heading" data-log-of={s.id}>
      <div class="section-header">
        <h4 id="delivery-log-heading">Deliveries to {s.name}</h4>
        <button type="button" id="delivery-log-refresh" onClick={() => void deliveries.reload()}>
          Refresh the log
        </button>
      </div>
      <ProblemBanner problem={deliveries.problem ?? problem} />
      {deliveries.data === null ? (
        deliveries.problem ? null : <Loading what="deliveries" />
      ) : newestFirst.length === 0 ? (
        <Empty>Nothing delivered yet: an entry that matches the filter is sent within seconds.</Empty>
      ) : (
        <table class="data-table" id="deliveries-table">
          <caption>Delivery log of {s.name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Raised</th>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {newestFirst.map((d) => (
              <tr key={d.id} data-delivery-id={d.id} data-state={d.state}>
                <td>{format.dateTime(d.createdAt)}</td>
                <td>{d.type}</td>
                <td>
                  {STATE_NAMES[d.state] ?? d.state}
                  {d.state === 'pending' && d.nextAttemptAt ? ` (next attempt ${format.time(d.nextAttemptAt)})` : ''}
                </td>
                <td>
                  {d.attempts.length === 0 ? (
                    'none yet'
                  ) : (
                    <ol class="attempts">
                      {d.attempts.map((a, i) => (
                        <li key={i} data-attempt-status={a.status ?? 'error'}>
                          {attemptTime.format(new Date(a.at))}: {a.status !== null && a.status !== undefined ? `HTTP ${a.status}` : a.error ?? 'no answer'}
                          {a.status !== null && a.status !== undefined && a.error ? ` (${a.error})` : ''}, {Math.round(a.durationMs)} ms
                        </li>
                      ))}
                    </ol>
                  )}
                </td>
                <td>
                  {d.state === 'deadLettered' ? (
                    <ActionButton type="button" busy={retrying === d.id} onClick={() => void retry(d)} data-action="retry-delivery" aria-label={`Retry the ${d.type} delivery of ${format.dateTime(d.createdAt)}`}>
                      Retry
                    </ActionButton>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CreateSubscriptionForm(props: { onCreated(): Promise<void> }) {
  const { api, catalogue } = useApp();
  const empty = { name: '', format: 'standardWebhooks' as SubscriptionFormat, url: '', kinds: [] as string[], departments: [] as string[], campaigns: [] as string[], goals: [] as string[] };
  const [form, setForm] = useState(empty);
  const [goals, setGoals] = useState<Array<{ value: string; label: string }>>([]);
  const [created, setCreated] = useState<CreatedSubscriptionResponse | null>(null);
  const { pending, problem, run } = useAction(withUrlField);
  const format = FORMATS.find((f) => f.value === form.format)!;

  useEffect(() => {
    void ok(api.GET('/api/v1/goals'))
      .then((list) => setGoals(list.map((g) => ({ value: g.id, label: g.title }))))
      .catch(() => setGoals([]));
  }, [api]);

  const create = async (e: Event) => {
    e.preventDefault();
    setCreated(null);
    const list = <T extends string>(values: string[]) => (values.length ? (values as T[]) : null);
    await run(async () => {
      const answer = await ok(
        api.POST('/api/v1/subscriptions', {
          body: {
            name: form.name.trim(),
            url: form.url.trim(),
            format: form.format,
            filter: { kinds: list<FeedKind>(form.kinds), departments: list(form.departments), campaigns: list(form.campaigns), goals: list(form.goals) },
          },
        }),
      );
      setCreated(answer);
      setForm(empty);
      await props.onCreated();
    });
  };

  const p = asProblem(problem);
  return (
    <form class="card stack" id="subscription-form" onSubmit={create} noValidate>
      <h4>Add a subscription</h4>
      <ProblemBanner problem={problem} fields={['name', 'format', 'url', 'filter']} />
      {created && (
        <div class="success" role="status" id="subscription-created">
          <p>Subscription “{created.name}” is created. Copy its signing secret now: it is shown only this once.</p>
          <Secret id="new-subscription-secret" label="Its signing secret" value={created.secret} />
        </div>
      )}
      <div class="form-grid">
        <Field name="name" id="subscription-name" label="Name" hint="e.g. #launch-war-room" problem={p}>
          {(a) => <input {...a} value={form.name} maxLength={100} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />}
        </Field>
        <Field name="format" id="subscription-format" label="Format" hint={format.hint} problem={p}>
          {(a) => (
            <select {...a} value={form.format} onChange={(e) => setForm({ ...form, format: e.currentTarget.value as SubscriptionFormat })}>
              {FORMATS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="url" id="subscription-url" label="URL" hint="https, public. Shown only as its host once saved." problem={p}>
          {(a) => <input {...a} type="url" autoComplete="off" value={form.url} onInput={(e) => setForm({ ...form, url: e.currentTarget.value })} />}
        </Field>
      </div>
      <p class="field-hint">Leave a group empty to send all of it; ticked groups must all match.</p>
      <CheckGroup name="filter.kinds" id="subscription-kinds" legend="Kinds" problem={p} options={KINDS} selected={form.kinds} onChange={(kinds) => setForm({ ...form, kinds })} />
      <CheckGroup
        name="filter.departments"
        id="subscription-departments"
        legend="Departments"
        problem={p}
        options={catalogue.departments.map((d) => ({ value: d.id, label: d.name }))}
        selected={form.departments}
        onChange={(departments) => setForm({ ...form, departments })}
        empty={<Empty>No department yet.</Empty>}
      />
      <CheckGroup
        name="filter.campaigns"
        id="subscription-campaigns"
        legend="Campaigns"
        problem={p}
        options={catalogue.campaigns.map((c) => ({ value: c.id, label: c.name }))}
        selected={form.campaigns}
        onChange={(campaigns) => setForm({ ...form, campaigns })}
        empty={<Empty>No campaign yet.</Empty>}
      />
      <CheckGroup
        name="filter.goals"
        id="subscription-goals"
        legend="Goals"
        problem={p}
        options={goals}
        selected={form.goals}
        onChange={(goals) => setForm({ ...form, goals })}
        empty={<Empty>No goal yet.</Empty>}
      />
      <div class="form-actions">
        <ActionButton type="submit" class="primary" id="subscription-submit" busy={pending}>
          Add the subscription
        </ActionButton>
      </div>
    </form>
  );
}
