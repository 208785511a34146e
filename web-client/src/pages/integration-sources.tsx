// Webhook sources on the integrations page: the list with each source's webhook URL and counters, a
// source's recent failures, creating one (the generated secret shown once), rotating its secret and
// deleting it.

import { useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { SourceCreatedResponse, SourceFailure, SourceScheme, SourceView } from '../api/types';
import { useAction } from '../app/action';
import { useApp } from '../app/context';
import { useList } from '../app/live';
import { ActionButton, Empty, Field, Loading, ProblemBanner, Secret } from '../app/ui';

const asProblem = (e: Problem | Error | null) => (e instanceof Problem ? e : null);

const SCHEMES: ReadonlyArray<{ value: SourceScheme; label: string; secret: string }> = [
  { value: 'shopify', label: 'Shopify', secret: "The app's secret (Shopify signs with it: X-Shopify-Hmac-Sha256). Required." },
  { value: 'stripe', label: 'Stripe', secret: "The endpoint's signing secret from the Stripe dashboard (whsec_…). Required." },
  { value: 'hubspot', label: 'HubSpot', secret: "Your HubSpot app's client secret (signature v3). Required." },
  {
    value: 'standard-webhooks',
    label: 'Standard Webhooks',
    secret: 'Leave empty to have one generated (shown once), or paste your sender’s whsec_… secret.',
  },
];
const SCHEME_NAMES: Record<string, string> = Object.fromEntries(SCHEMES.map((s) => [s.value, s.label]));

/** The address a tool posts to: this gateway's origin and the source's path. */
export const webhookUrl = (s: SourceView) => `${window.location.origin}${s.webhookPath}`;

export function SourcesSection(props: { tick: number }) {
  const { api } = useApp();
  const sources = useList(props.tick, () => ok(api.GET('/api/v1/sources')));
  return (
    <>
      <div class="form-actions">
        <button type="button" id="sources-refresh" onClick={() => void sources.reload()}>
          Refresh the sources
        </button>
      </div>
      <ProblemBanner problem={sources.problem} />
      {sources.data === null ? (
        sources.problem ? null : <Loading what="sources" />
      ) : sources.data.length === 0 ? (
        <Empty>No webhook source yet.</Empty>
      ) : (
        <ul class="stack plain-list" id="sources-list" aria-label="Webhook sources">
          {sources.data.map((s) => (
            <li key={s.id}>
              <SourceCard source={s} onChanged={sources.reload} />
            </li>
          ))}
        </ul>
      )}
      <CreateSourceForm onCreated={sources.reload} />
    </>
  );
}

function SourceCard(props: { source: SourceView; onChanged(): Promise<void> }) {
  const { api, format, departmentName, campaignName } = useApp();
  const s = props.source;
  const c = s.counters;
  const [mode, setMode] = useState<'rotate' | 'delete' | null>(null);
  const [showFailures, setShowFailures] = useState(false);
  const [newSecret, setNewSecret] = useState('');
  const [rotated, setRotated] = useState<{ secret: string | null; at: string } | null>(null);
  const { pending, problem, setProblem, run } = useAction();
  const generates = s.scheme === 'standard-webhooks';

  const rotate = (e: Event) => {
    e.preventDefault();
    return run(async () => {
      const answer = await ok(
        api.POST('/api/v1/sources/{sourceId}/secret', { params: { path: { sourceId: s.id } }, body: { secret: newSecret === '' ? null : newSecret } }),
      );
      setRotated({ secret: answer.secret ?? null, at: answer.secretSetAt });
      setNewSecret('');
      setMode(null);
      await props.onChanged();
    });
  };

  const remove = () =>
    run(async () => {
      await ok(api.DELETE('/api/v1/sources/{sourceId}', { params: { path: { sourceId: s.id } } }));
      await props.onChanged();
    });

  const counters: Array<[string, string, string]> = [
    ['deliveries', 'Deliveries', format.value(c.deliveries ?? 0, 'count')],
    ['accepted', 'Events accepted', format.value(c.eventsAccepted ?? 0, 'count')],
    ['duplicates', 'Duplicates', format.value(c.eventsDuplicate ?? 0, 'count')],
    ['ignored', 'Ignored', format.value(c.ignored ?? 0, 'count')],
    ['failed', 'Failed (did not map)', format.value(c.failed ?? 0, 'count')],
    ['bad-signatures', 'Bad signatures', format.value(c.badSignatures ?? 0, 'count')],
    ['last-delivery', 'Last delivery', c.lastDeliveryAt ? format.dateTime(c.lastDeliveryAt) : 'never'],
    ['last-bad-signature', 'Last bad signature', c.lastBadSignatureAt ? format.dateTime(c.lastBadSignatureAt) : 'never'],
  ];

  return (
    <article class="integration" data-source-id={s.id} data-source-name={s.name} aria-labelledby={`source-${s.id}-name`}>
      <div class="section-header">
        <h4 id={`source-${s.id}-name`}>{s.name}</h4>
        <span data-scheme={s.scheme}>{SCHEME_NAMES[s.scheme] ?? s.scheme}</span>
      </div>
      <dl class="facts">
        <div>
          <dt>Department</dt>
          <dd>{s.mapping.department ? departmentName(s.mapping.department) : s.mapping.departmentField ? `from ${s.mapping.departmentField}` : 'none'}</dd>
        </div>
        <div>
          <dt>Campaign</dt>
          <dd>{s.mapping.campaign ? campaignName(s.mapping.campaign) : s.mapping.campaignField ? `from ${s.mapping.campaignField}` : 'from the payload, if any'}</dd>
        </div>
        <div>
          <dt>Secret set</dt>
          <dd>{format.dateTime(s.secretSetAt)}</dd>
        </div>
      </dl>
      <Secret id={`webhook-url-${s.id}`} label={`Webhook URL of ${s.name}`} value={webhookUrl(s)} />
      <dl class="facts counters" aria-label={`Counters of ${s.name}`}>
        {counters.map(([key, label, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-counter={key}>{value}</dd>
          </div>
        ))}
      </dl>
      <ProblemBanner problem={problem} fields={['secret']} />
      {rotated && (
        <div class="success" role="status" data-rotated="true">
          <p>The new secret is in use since {format.dateTime(rotated.at)}; the old one no longer verifies.</p>
          {rotated.secret && <Secret id={`rotated-secret-${s.id}`} label="The new signing secret (shown only this once)" value={rotated.secret} />}
        </div>
      )}
      {mode === 'rotate' && (
        <form class="stack" onSubmit={rotate} noValidate data-form="rotate-source">
          <Field
            name="secret"
            id={`rotate-secret-${s.id}`}
            label={`New secret for ${s.name}`}
            hint={generates ? 'Leave empty to have one generated (shown once).' : `The tool's new secret: ${SCHEMES.find((x) => x.value === s.scheme)?.secret ?? ''}`}
            problem={asProblem(problem)}
          >
            {(a) => <input {...a} type="password" autoComplete="new-password" value={newSecret} onInput={(e) => setNewSecret(e.currentTarget.value)} />}
          </Field>
          <div class="form-actions">
            <ActionButton type="submit" class="primary" busy={pending}>
              Rotate the secret
            </ActionButton>
            <button type="button" onClick={() => (setMode(null), setProblem(null))}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {mode === 'delete' ? (
        <div class="form-actions">
          <ActionButton type="button" class="danger" busy={pending} onClick={() => void remove()} data-action="confirm-delete-source">
            Delete {s.name} for good
          </ActionButton>
          <button type="button" onClick={() => setMode(null)}>
            Keep it
          </button>
          <span class="field-hint">Its webhook URL stops working at once; the events it counted stay.</span>
        </div>
      ) : (
        <div class="form-actions">
          <button
            type="button"
            aria-expanded={showFailures}
            aria-controls={`failures-${s.id}`}
            data-action="source-failures"
            onClick={() => setShowFailures(!showFailures)}
          >
            {showFailures ? 'Hide' : 'Show'} recent failures of {s.name}
          </button>
          <button type="button" data-action="rotate-source" disabled={mode !== null} onClick={() => (setProblem(null), setRotated(null), setMode('rotate'))}>
            Rotate the secret of {s.name}
          </button>
          <button type="button" data-action="delete-source" disabled={mode !== null} onClick={() => (setProblem(null), setMode('delete'))}>
            Delete {s.name}
          </button>
        </div>
      )}
      <div id={`failures-${s.id}`}>{showFailures && <SourceFailures source={s} />}</div>
    </article>
  );
}

function SourceFailures(props: { source: SourceView }) {
  const { api, format } = useApp();
  const s = props.source;
  // Reloaded with the source's counters: a new failure moves `failed`.
  const failures = useList(s.counters.failed ?? 0, () =>
    ok(api.GET('/api/v1/sources/{sourceId}/failures', { params: { path: { sourceId: s.id } } })),
  );
  if (failures.data === null) return failures.problem ? <ProblemBanner problem={failures.problem} /> : <Loading what="failures" />;
  if (failures.data.length === 0) return <Empty>No failed delivery: every payload so far mapped to events.</Empty>;
  return (
    <table class="data-table" data-failures-of={s.id}>
      <caption>Recent failures of {s.name} (payloads that did not map), newest first</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Reason</th>
          <th scope="col">Event type</th>
          <th scope="col">Payload</th>
        </tr>
      </thead>
      <tbody>
        {failures.data.map((f: SourceFailure, i) => (
          <tr key={`${f.at}-${i}`}>
            <td>{format.dateTime(f.at)}</td>
            <td>{f.reason}</td>
            <td>{f.eventType ?? '—'}</td>
            <td>
              <pre class="payload" tabIndex={0} aria-label={`Payload of the failure at ${format.dateTime(f.at)}`}>
                {f.payload}
                {f.payloadTruncated ? '…' : ''}
              </pre>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CreateSourceForm(props: { onCreated(): Promise<void> }) {
  const { api, catalogue } = useApp();
  const empty = { name: '', scheme: 'shopify' as SourceScheme, secret: '', department: '', campaign: '', rules: '' };
  const [form, setForm] = useState(empty);
  const [created, setCreated] = useState<SourceCreatedResponse | null>(null);
  const { pending, problem, setProblem, run } = useAction();
  const scheme = SCHEMES.find((s) => s.value === form.scheme)!;

  const create = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setCreated(null);
    let rules: unknown = null;
    if (form.scheme === 'standard-webhooks' && form.rules.trim() !== '') {
      try {
        rules = JSON.parse(form.rules);
      } catch (err) {
        setProblem(new Problem(400, 'The rules are not JSON', 'The rules are not JSON.', { 'mapping.rules': [`are not JSON: ${(err as Error).message}`] }));
        return;
      }
    }
    await run(async () => {
      const answer = await ok(
        api.POST('/api/v1/sources', {
          body: {
            name: form.name.trim(),
            scheme: form.scheme,
            secret: form.secret === '' ? null : form.secret,
            mapping: {
              department: form.department || null,
              campaign: form.campaign || null,
              // The rules are checked by the API, which names the bad one (mapping.rules[0].metric).
              ...(rules === null ? {} : { rules: rules as never }),
            },
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
    <form class="card stack" id="source-form" onSubmit={create} noValidate>
      <h4>Add a source</h4>
      <ProblemBanner problem={problem} fields={['name', 'scheme', 'secret', 'mapping.department', 'mapping.campaign', 'mapping.rules']} />
      {created && (
        <div class="success" role="status" id="source-created">
          <p>
            Source “{created.source.name}” is created. Give its webhook URL to {SCHEME_NAMES[created.source.scheme] ?? 'the tool'}.
          </p>
          <Secret id="new-source-url" label="Its webhook URL" value={webhookUrl(created.source)} />
          {created.secret && <Secret id="new-source-secret" label="Its signing secret (shown only this once)" value={created.secret} />}
        </div>
      )}
      <div class="form-grid">
        <Field name="name" id="source-name" label="Name" hint="e.g. Shop, Billing" problem={p}>
          {(a) => <input {...a} value={form.name} maxLength={200} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />}
        </Field>
        <Field name="scheme" id="source-scheme" label="Tool" problem={p}>
          {(a) => (
            <select {...a} value={form.scheme} onChange={(e) => setForm({ ...form, scheme: e.currentTarget.value as SourceScheme })}>
              {SCHEMES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="secret" id="source-secret" label="Signing secret" hint={scheme.secret} problem={p}>
          {(a) => <input {...a} type="password" autoComplete="new-password" value={form.secret} onInput={(e) => setForm({ ...form, secret: e.currentTarget.value })} />}
        </Field>
        <Field name="mapping.department" id="source-department" label="Department" hint="The department its events count for." problem={p}>
          {(a) => (
            <select {...a} value={form.department} onChange={(e) => setForm({ ...form, department: e.currentTarget.value })}>
              <option value="">None</option>
              {catalogue.departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="mapping.campaign" id="source-campaign" label="Campaign" hint="Fixed campaign; by default the payload's UTM campaign, if any." problem={p}>
          {(a) => (
            <select {...a} value={form.campaign} onChange={(e) => setForm({ ...form, campaign: e.currentTarget.value })}>
              <option value="">From the payload</option>
              {catalogue.campaigns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {form.scheme === 'standard-webhooks' && (
        <Field
          name="mapping.rules"
          id="source-rules"
          label="Rules (JSON)"
          hint='Which event types count, as which metric: [{"when":"invoice.paid","metric":"revenue","valueField":"/data/amount"}]'
          problem={p}
        >
          {(a) => <textarea {...a} value={form.rules} onInput={(e) => setForm({ ...form, rules: e.currentTarget.value })} />}
        </Field>
      )}
      <div class="form-actions">
        <ActionButton type="submit" class="primary" id="source-submit" busy={pending}>
          Add the source
        </ActionButton>
      </div>
    </form>
  );
}
