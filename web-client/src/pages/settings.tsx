// Settings (#/settings, admins): the organization's currency and time zone, its departments, people
// and roles (invitations are mailed by the server), single sign-on, API keys, board links and the
// status thresholds. Each section is a <details> (keyboard:
// Tab to its summary, Enter or Space opens it); #/settings?section=keys opens one by address.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type {
  AlignmentSettings,
  ApiKeyResponse,
  BoardLinkResponse,
  CreateApiKeyResponse,
  CreateBoardLinkResponse,
  PersonAddedResponse,
  PersonResponse,
  SettingsRequest,
  SsoConfigResponse,
} from '../api/types';
import { useApp } from '../app/context';
import { useBoard, useList } from '../app/live';
import { href } from '../app/router';
import type { PageProps } from '../app/shell';
import { ActionButton, Empty, Field, Loading, PageHeader, ProblemBanner, Secret } from '../app/ui';
import { CheckGroup } from './campaign-parts';
import { DepartmentsSection, OrganizationSection } from './settings-org';
import './campaigns.css';

type Role = 'admin' | 'lead' | 'member' | 'viewer';
const ROLES: ReadonlyArray<[Role, string]> = [
  ['admin', 'Admin: everything, including these settings'],
  ['lead', 'Lead: goals and activities of their departments'],
  ['member', 'Member: check-ins and announcements for their departments'],
  ['viewer', 'Viewer: reads only'],
];
const ROLE_NAMES: Record<string, string> = { admin: 'Admin', lead: 'Lead', member: 'Member', viewer: 'Viewer' };

const asProblem = (e: Problem | Error | null) => (e instanceof Problem ? e : null);

export function SettingsPage(props: PageProps) {
  const { role } = useApp();
  const open = props.route.query.get('section');
  if (role !== 'admin') {
    return (
      <section class="page">
        <PageHeader title="Settings" />
        <p class="notice" id="admins-only" role="status">
          Settings are for admins only. Ask an admin of your organization to change people, sign-in, keys, board links or thresholds.{' '}
          <a href={href([])}>Go home</a>.
        </p>
      </section>
    );
  }
  return <AdminSettings open={open} />;
}

function AdminSettings(props: { open: string | null }) {
  const { open } = props;
  // One live connection for the page: people, keys and links changed elsewhere show up here.
  const { tick } = useBoard('overview');
  return (
    <section class="page settings-page">
      <PageHeader title="Settings">
        <a href={href(['settings', 'integrations'])} id="integrations-link">
          Integrations: webhook sources and subscriptions
        </a>
      </PageHeader>
      <Section id="organization" title="Currency and time zone" open={open === 'organization'}>
        <OrganizationSection />
      </Section>
      <Section id="departments" title="Departments" open={open === 'departments'}>
        <DepartmentsSection tick={tick} />
      </Section>
      <Section id="people" title="People and roles" open={open === null || open === 'people'}>
        <PeopleSection tick={tick} />
      </Section>
      <Section id="sso" title="Single sign-on" open={open === 'sso'}>
        <SsoSection />
      </Section>
      <Section id="keys" title="API keys" open={open === 'keys'}>
        <KeysSection tick={tick} />
      </Section>
      <Section id="links" title="Board links" open={open === 'links'}>
        <LinksSection tick={tick} />
      </Section>
      <Section id="thresholds" title="Status thresholds" open={open === 'thresholds'}>
        <ThresholdsSection />
      </Section>
    </section>
  );
}

function Section(props: { id: string; title: string; open: boolean; children: ComponentChildren }) {
  const [open, setOpen] = useState(props.open);
  return (
    <details class="settings-section" id={`settings-${props.id}`} open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{props.title}</summary>
      {/* Mounted only while open: a section loads its data when someone looks at it. */}
      {open && <div class="stack">{props.children}</div>}
    </details>
  );
}

// ---- People and roles ---------------------------------------------------------------------------------

function PeopleSection(props: { tick: number }) {
  const { api, me, catalogue, departmentName } = useApp();
  const people = useList(props.tick, () => ok(api.GET('/api/v1/people')));
  const [invite, setInvite] = useState({ email: '', displayName: '', role: 'member' as Role, departments: [] as string[] });
  const [inviteProblem, setInviteProblem] = useState<Problem | Error | null>(null);
  const [invited, setInvited] = useState<PersonAddedResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [changing, setChanging] = useState<{ email: string; role: Role; departments: string[] } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [rowProblem, setRowProblem] = useState<Problem | Error | null>(null);
  const [rowBusy, setRowBusy] = useState(false);
  const departmentOptions = catalogue.departments.map((d) => ({ value: d.id, label: d.name }));

  const submitInvite = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setInviteProblem(null);
    setInvited(null);
    try {
      const added = await ok(
        api.POST('/api/v1/people', {
          body: { email: invite.email.trim(), displayName: invite.displayName.trim(), role: invite.role, departments: invite.departments },
        }),
      );
      setInvited(added);
      setInvite({ email: '', displayName: '', role: 'member', departments: [] });
      await people.reload();
    } catch (err) {
      setInviteProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const saveChange = async (e: Event) => {
    e.preventDefault();
    if (!changing) return;
    setRowBusy(true);
    setRowProblem(null);
    try {
      await ok(
        api.PUT('/api/v1/people/{email}', {
          params: { path: { email: changing.email } },
          body: { role: changing.role, departments: changing.departments },
        }),
      );
      setChanging(null);
      await people.reload();
    } catch (err) {
      setRowProblem(err as Error);
    } finally {
      setRowBusy(false);
    }
  };

  const remove = async (email: string) => {
    setRowBusy(true);
    setRowProblem(null);
    try {
      await ok(api.DELETE('/api/v1/people/{email}', { params: { path: { email } } }));
      setRemoving(null);
      await people.reload();
    } catch (err) {
      setRowProblem(err as Error);
    } finally {
      setRowBusy(false);
    }
  };

  const rp = asProblem(rowProblem);
  return (
    <>
      <ProblemBanner problem={people.problem} />
      {people.data === null ? (
        people.problem ? null : <Loading what="people" />
      ) : (
        <table class="data-table" id="people-table">
          <caption>People of the organization</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Departments</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {people.data.map((p: PersonResponse) => (
              <tr key={p.email} data-person={p.email}>
                <th scope="row">{p.displayName}</th>
                <td>{p.email}</td>
                {changing?.email === p.email ? (
                  <td colSpan={3}>
                    <form class="stack" id="change-person-form" onSubmit={saveChange} noValidate>
                      <ProblemBanner problem={rowProblem} fields={['role', 'departments']} />
                      <Field name="role" id="person-role" label={`Role of ${p.displayName}`} problem={rp}>
                        {(a) => (
                          <select {...a} value={changing.role} onChange={(e) => setChanging({ ...changing, role: e.currentTarget.value as Role })}>
                            {ROLES.map(([r, label]) => (
                              <option key={r} value={r}>
                                {label}
                              </option>
                            ))}
                          </select>
                        )}
                      </Field>
                      <CheckGroup
                        name="departments"
                        id="person-departments"
                        legend={`Departments of ${p.displayName}`}
                        problem={rp}
                        options={departmentOptions}
                        selected={changing.departments}
                        onChange={(departments) => setChanging({ ...changing, departments })}
                      />
                      <div class="form-actions">
                        <ActionButton type="submit" class="primary" busy={rowBusy}>
                          Save
                        </ActionButton>
                        <button type="button" onClick={() => (setChanging(null), setRowProblem(null))}>
                          Cancel
                        </button>
                      </div>
                    </form>
                  </td>
                ) : (
                  <>
                    <td data-role={p.role}>{ROLE_NAMES[p.role] ?? p.role}</td>
                    <td>{p.departments.length ? p.departments.map(departmentName).join(', ') : '—'}</td>
                    <td>
                      {removing === p.email ? (
                        <div class="form-actions">
                          <ProblemBanner problem={rowProblem} />
                          <ActionButton type="button" class="danger" busy={rowBusy} onClick={() => void remove(p.email)} data-action="confirm-remove">
                            Remove {p.displayName} for good
                          </ActionButton>
                          <button type="button" onClick={() => (setRemoving(null), setRowProblem(null))}>
                            Keep
                          </button>
                        </div>
                      ) : (
                        <div class="form-actions">
                          <button
                            type="button"
                            data-action="change-person"
                            aria-label={`Change role and departments of ${p.displayName}`}
                            disabled={changing !== null || removing !== null}
                            onClick={() => (setRowProblem(null), setChanging({ email: p.email, role: p.role as Role, departments: [...p.departments] }))}
                          >
                            Change
                          </button>
                          <button
                            type="button"
                            data-action="remove-person"
                            aria-label={`Remove ${p.displayName}${p.email === me.email ? ' (you)' : ''}`}
                            disabled={changing !== null || removing !== null}
                            onClick={() => (setRowProblem(null), setRemoving(p.email))}
                          >
                            Remove
                          </button>
                        </div>
                      )}
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form class="card stack" id="invite-form" onSubmit={submitInvite} noValidate>
        <h4>Invite a person</h4>
        <p class="field-hint">The server mails the invitation; its link lets the person set a password and sign in.</p>
        <ProblemBanner problem={inviteProblem} fields={['email', 'displayName', 'role', 'departments']} />
        {invited && (
          <div class="success" role="status" id="invite-result">
            <p>
              {invited.newAccount
                ? invited.mailSent
                  ? `Invitation mailed to ${invited.email}.`
                  : `${invited.email} was added, but the invitation could not be mailed: pass them this link.`
                : invited.mailSent
                  ? `${invited.email} already has an account and was told by mail that they joined.`
                  : `${invited.email} already has an account and joined (no mail could be sent).`}
            </p>
            {invited.invitationUrl && !invited.mailSent && <Secret id="invitation-url" label="Invitation link" value={invited.invitationUrl} />}
          </div>
        )}
        <div class="form-grid">
          <Field name="email" id="invite-email" label="Email" problem={asProblem(inviteProblem)}>
            {(a) => <input {...a} type="email" autoComplete="off" value={invite.email} onInput={(e) => setInvite({ ...invite, email: e.currentTarget.value })} />}
          </Field>
          <Field name="displayName" id="invite-name" label="Name" problem={asProblem(inviteProblem)}>
            {(a) => <input {...a} value={invite.displayName} maxLength={200} onInput={(e) => setInvite({ ...invite, displayName: e.currentTarget.value })} />}
          </Field>
          <Field name="role" id="invite-role" label="Role" problem={asProblem(inviteProblem)}>
            {(a) => (
              <select {...a} value={invite.role} onChange={(e) => setInvite({ ...invite, role: e.currentTarget.value as Role })}>
                {ROLES.map(([r, label]) => (
                  <option key={r} value={r}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <CheckGroup
          name="departments"
          id="invite-departments"
          legend="Departments"
          hint="Leads and members act for these departments."
          problem={asProblem(inviteProblem)}
          options={departmentOptions}
          selected={invite.departments}
          onChange={(departments) => setInvite({ ...invite, departments })}
        />
        <div class="form-actions">
          <ActionButton type="submit" class="primary" id="invite-submit" busy={busy}>
            Send the invitation
          </ActionButton>
        </div>
      </form>
    </>
  );
}

// ---- Single sign-on -------------------------------------------------------------------------------------

function SsoSection() {
  const { api, format } = useApp();
  const [config, setConfig] = useState<SsoConfigResponse | null | undefined>(undefined);
  const [loadProblem, setLoadProblem] = useState<Problem | Error | null>(null);
  const [form, setForm] = useState({ issuer: '', clientId: '', clientSecret: '', domains: '', joinAs: '' });
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);

  const fill = (c: SsoConfigResponse | null) => {
    setConfig(c);
    setForm({ issuer: c?.issuer ?? '', clientId: c?.clientId ?? '', clientSecret: '', domains: (c?.allowedDomains ?? []).join(', '), joinAs: c?.joinAs ?? '' });
  };

  useEffect(() => {
    void (async () => {
      try {
        fill(await ok(api.GET('/api/v1/sso')));
      } catch (err) {
        if (err instanceof Problem && err.status === 404) fill(null);
        else setLoadProblem(err as Error);
      }
    })();
  }, [api]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setSaved(null);
    try {
      const stored = await ok(
        api.PUT('/api/v1/sso', {
          body: {
            issuer: form.issuer.trim(),
            clientId: form.clientId.trim(),
            // Write-only: left empty, the secret set before is kept.
            clientSecret: form.clientSecret === '' ? null : form.clientSecret,
            allowedDomains: form.domains
              .split(/[\s,]+/)
              .map((d) => d.trim())
              .filter(Boolean),
            joinAs: form.joinAs === '' ? null : form.joinAs,
          },
        }),
      );
      fill(stored);
      setSaved('Single sign-on is saved.');
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await ok(api.DELETE('/api/v1/sso'));
      fill(null);
      setConfirmRemove(false);
      setSaved('Single sign-on is removed: people sign in with their passwords.');
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  if (config === undefined) return loadProblem ? <ProblemBanner problem={loadProblem} /> : <Loading what="single sign-on" />;
  const p = asProblem(problem);
  return (
    <form class="stack" id="sso-form" onSubmit={save} noValidate>
      <p id="sso-state">
        {config
          ? `People of ${config.allowedDomains.join(', ')} sign in through ${config.issuer} (changed ${format.dateTime(config.updatedAt)}).`
          : 'Single sign-on is not set up: people sign in with their email and password.'}
      </p>
      {config && (
        <dl class="facts">
          <div>
            <dt>Redirect URI to register with the provider</dt>
            <dd>{config.redirectUri}</dd>
          </div>
          <div>
            <dt>Sign-in address</dt>
            <dd>{config.signInUrl}</dd>
          </div>
        </dl>
      )}
      <ProblemBanner problem={problem} fields={['issuer', 'clientId', 'clientSecret', 'allowedDomains', 'joinAs']} />
      {saved && (
        <p class="success" role="status">
          {saved}
        </p>
      )}
      <div class="form-grid">
        <Field name="issuer" label="Issuer (OpenID provider)" hint="e.g. https://login.example.com" problem={p}>
          {(a) => <input {...a} type="url" value={form.issuer} onInput={(e) => setForm({ ...form, issuer: e.currentTarget.value })} />}
        </Field>
        <Field name="clientId" label="Client id" problem={p}>
          {(a) => <input {...a} value={form.clientId} onInput={(e) => setForm({ ...form, clientId: e.currentTarget.value })} />}
        </Field>
        <Field
          name="clientSecret"
          label="Client secret"
          hint={config?.clientSecretSet ? 'A secret is set and never shown; leave empty to keep it.' : 'Required: no secret is set yet.'}
          problem={p}
        >
          {(a) => <input {...a} type="password" autoComplete="new-password" value={form.clientSecret} onInput={(e) => setForm({ ...form, clientSecret: e.currentTarget.value })} />}
        </Field>
        <Field name="allowedDomains" label="Allowed email domains" hint="Separated by commas, e.g. example.com, example.org" problem={p}>
          {(a) => <input {...a} value={form.domains} onInput={(e) => setForm({ ...form, domains: e.currentTarget.value })} />}
        </Field>
        <Field name="joinAs" label="Who may sign in" problem={p}>
          {(a) => (
            <select {...a} value={form.joinAs} onChange={(e) => setForm({ ...form, joinAs: e.currentTarget.value })}>
              <option value="">Only people already added to the organization</option>
              <option value="viewer">Anyone of an allowed domain, joining as a viewer</option>
            </select>
          )}
        </Field>
      </div>
      <div class="form-actions">
        <ActionButton type="submit" class="primary" busy={busy}>
          Save single sign-on
        </ActionButton>
        {config &&
          (confirmRemove ? (
            <>
              <ActionButton type="button" busy={busy} onClick={() => void remove()}>
                Remove single sign-on for good
              </ActionButton>
              <button type="button" onClick={() => setConfirmRemove(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirmRemove(true)}>
              Remove single sign-on
            </button>
          ))}
      </div>
    </form>
  );
}

// ---- API keys -------------------------------------------------------------------------------------------

const SCOPES: ReadonlyArray<{ value: 'admin' | 'ingest' | 'read'; label: string }> = [
  { value: 'read', label: 'read: boards, goals and results' },
  { value: 'ingest', label: 'ingest: post events' },
  { value: 'admin', label: 'admin: everything' },
];

function KeysSection(props: { tick: number }) {
  const { api, format } = useApp();
  const keys = useList(props.tick, () => ok(api.GET('/api/v1/keys')));
  const [form, setForm] = useState<{ name: string; scopes: Array<'admin' | 'ingest' | 'read'> }>({ name: '', scopes: ['read'] });
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [created, setCreated] = useState<CreateApiKeyResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setCreated(null);
    try {
      setCreated(await ok(api.POST('/api/v1/keys', { body: { name: form.name.trim(), scopes: form.scopes } })));
      setForm({ name: '', scopes: ['read'] });
      await keys.reload();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKeyResponse) => {
    setRevoking(key.id);
    setProblem(null);
    try {
      await ok(api.DELETE('/api/v1/keys/{keyId}', { params: { path: { keyId: key.id } } }));
      await keys.reload();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setRevoking(null);
    }
  };

  const p = asProblem(problem);
  return (
    <>
      <ProblemBanner problem={keys.problem} />
      {keys.data === null ? (
        keys.problem ? null : <Loading what="API keys" />
      ) : keys.data.length === 0 ? (
        <Empty>No API key yet.</Empty>
      ) : (
        <table class="data-table" id="keys-table">
          <caption>API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id} data-key-id={k.id} data-key-name={k.name} class={k.revoked ? 'revoked' : undefined}>
                <th scope="row">{k.name}</th>
                <td>{k.scopes.join(', ')}</td>
                <td>{format.dateTime(k.createdAt)}</td>
                <td>
                  {k.revoked ? (
                    <span data-state="revoked">Revoked</span>
                  ) : (
                    <ActionButton type="button" busy={revoking === k.id} onClick={() => void revoke(k)} aria-label={`Revoke key ${k.name}`} data-action="revoke-key">
                      Revoke
                    </ActionButton>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="card stack" id="key-form" onSubmit={create} noValidate>
        <h4>Create a key</h4>
        <ProblemBanner problem={problem} fields={['name', 'scopes']} />
        {created && (
          <div class="success" role="status" id="key-created">
            <p>Key “{created.name}” is created. Copy it now: it is shown only this once.</p>
            <Secret id="new-api-key" label="The new key" value={created.apiKey} />
          </div>
        )}
        <Field name="name" id="key-name" label="Key name" hint="What uses it, e.g. CRM ingest" problem={p}>
          {(a) => <input {...a} value={form.name} maxLength={100} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />}
        </Field>
        <CheckGroup
          name="scopes"
          id="key-scopes"
          legend="Scopes"
          problem={p}
          options={SCOPES}
          selected={form.scopes}
          onChange={(scopes) => setForm({ ...form, scopes: scopes as Array<'admin' | 'ingest' | 'read'> })}
        />
        <div class="form-actions">
          <ActionButton type="submit" class="primary" id="key-submit" busy={busy}>
            Create the key
          </ActionButton>
        </div>
      </form>
    </>
  );
}

// ---- Board links ------------------------------------------------------------------------------------------

const LIFETIMES: ReadonlyArray<[string, string]> = [
  ['1', '1 day'],
  ['7', '7 days'],
  ['30', '30 days'],
  ['90', '90 days'],
  ['365', '1 year'],
  ['', 'Until revoked'],
];

function LinksSection(props: { tick: number }) {
  const { api, format, catalogue } = useApp();
  const links = useList(props.tick, () => ok(api.GET('/api/v1/board-links')));
  const [form, setForm] = useState({ name: '', board: 'overview', days: '30' });
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [created, setCreated] = useState<CreateBoardLinkResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);

  const boards: Array<[string, string]> = [
    ['overview', 'The organization’s overview'],
    ...catalogue.campaigns.map((c): [string, string] => [`campaign:${c.id}`, `Campaign war room: ${c.name}`]),
    ...catalogue.departments.map((d): [string, string] => [`department:${d.id}`, `Department scorecard: ${d.name}`]),
  ];
  const boardName = (id: string) => boards.find(([b]) => b === id)?.[1] ?? id;

  const create = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setCreated(null);
    try {
      const expiresAt = form.days ? new Date(Date.now() + Number(form.days) * 86_400_000).toISOString() : null;
      setCreated(await ok(api.POST('/api/v1/board-links', { body: { name: form.name.trim(), board: form.board, expiresAt } })));
      setForm({ ...form, name: '' });
      await links.reload();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (link: BoardLinkResponse) => {
    setRevoking(link.id);
    setProblem(null);
    try {
      await ok(api.DELETE('/api/v1/board-links/{linkId}', { params: { path: { linkId: link.id } } }));
      await links.reload();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setRevoking(null);
    }
  };

  const p = asProblem(problem);
  return (
    <>
      <p class="field-hint">A board link opens one board on a screen without signing in (a wall display, TV mode).</p>
      <ProblemBanner problem={links.problem} />
      {links.data === null ? (
        links.problem ? null : <Loading what="board links" />
      ) : links.data.length === 0 ? (
        <Empty>No board link yet.</Empty>
      ) : (
        <table class="data-table" id="links-table">
          <caption>Board links</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Board</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {links.data.map((l) => (
              <tr key={l.id} data-link-id={l.id} data-link-name={l.name} class={l.revoked ? 'revoked' : undefined}>
                <th scope="row">{l.name}</th>
                <td>{boardName(l.board)}</td>
                <td>
                  {format.dateTime(l.createdAt)}
                  {l.createdBy ? ` by ${l.createdBy}` : ''}
                </td>
                <td>{l.expiresAt ? format.dateTime(l.expiresAt) : 'Until revoked'}</td>
                <td>
                  {l.revoked ? (
                    <span data-state="revoked">Revoked</span>
                  ) : (
                    <ActionButton type="button" busy={revoking === l.id} onClick={() => void revoke(l)} aria-label={`Revoke board link ${l.name}`} data-action="revoke-link">
                      Revoke
                    </ActionButton>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="card stack" id="link-form" onSubmit={create} noValidate>
        <h4>Create a board link</h4>
        <ProblemBanner problem={problem} fields={['name', 'board', 'expiresAt']} />
        {created && (
          <div class="success" role="status" id="link-created">
            <p>Board link “{created.name}” is created. Copy it now: it is shown only this once.</p>
            <Secret id="new-board-link" label="The board's address" value={created.url} />
          </div>
        )}
        <div class="form-grid">
          <Field name="name" id="link-name" label="Link name" hint="Where it is shown, e.g. Lobby screen" problem={p}>
            {(a) => <input {...a} value={form.name} maxLength={100} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />}
          </Field>
          <Field name="board" id="link-board" label="Board" problem={p}>
            {(a) => (
              <select {...a} value={form.board} onChange={(e) => setForm({ ...form, board: e.currentTarget.value })}>
                {boards.map(([id, label]) => (
                  <option key={id} value={id}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="expiresAt" id="link-lifetime" label="Lifetime" problem={p}>
            {(a) => (
              <select {...a} value={form.days} onChange={(e) => setForm({ ...form, days: e.currentTarget.value })}>
                {LIFETIMES.map(([days, label]) => (
                  <option key={days} value={days}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div class="form-actions">
          <ActionButton type="submit" class="primary" id="link-submit" busy={busy}>
            Create the link
          </ActionButton>
        </div>
      </form>
    </>
  );
}

// ---- Status thresholds ----------------------------------------------------------------------------------

type ThresholdKey = keyof AlignmentSettings & keyof SettingsRequest;

const THRESHOLDS: ReadonlyArray<{ key: ThresholdKey; label: string; hint: string; integer?: boolean; step: string }> = [
  { key: 'onTrackRatio', label: 'On track from', hint: 'On track while progress is at least this share of the progress expected by now (above 0, at most 1).', step: '0.01' },
  { key: 'atRiskRatio', label: 'At risk from', hint: 'At risk while at least this share of the expected progress; below it, off track (above 0, at most on track).', step: '0.01' },
  { key: 'stayTolerance', label: 'Stay-above/below tolerance', hint: 'Stay goals: within this relative distance on the wrong side is at risk, beyond it off track (0 to 10).', step: '0.01' },
  { key: 'trendWindowMinutes', label: 'Trend window (minutes)', hint: 'Trend alerts compare the last window with the one before it (1 to 720).', step: '1' },
  { key: 'trendDrop', label: 'Trend drop', hint: 'A fall of at least this share from the previous window raises a trend alert (between 0 and 1).', step: '0.01' },
  { key: 'highConfidence', label: 'High confidence from', hint: 'Confidence (0 to 10) at or above this while off track is a mismatch.', integer: true, step: '1' },
  { key: 'lowConfidence', label: 'Low confidence up to', hint: 'Confidence at or below this while on track is a mismatch (below high confidence).', integer: true, step: '1' },
  { key: 'alertHoldMinutes', label: 'Alert hold (minutes)', hint: 'A status change, falling trend or mismatch must hold this long before an alert is raised (0 to 1440).', step: '1' },
];

function ThresholdsSection() {
  const { api, reloadCatalogue } = useApp();
  const [values, setValues] = useState<Record<string, string> | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | Error | null>(null);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const fill = (s: AlignmentSettings) => setValues(Object.fromEntries(THRESHOLDS.map((t) => [t.key, s[t.key] === undefined ? '' : String(s[t.key])])));

  useEffect(() => {
    void (async () => {
      try {
        fill(await ok(api.GET('/api/v1/settings')));
      } catch (err) {
        setLoadProblem(err as Error);
      }
    })();
  }, [api]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!values) return;
    setBusy(true);
    setProblem(null);
    setSaved(false);
    const body: SettingsRequest = {};
    for (const t of THRESHOLDS) {
      const text = (values[t.key] ?? '').trim();
      // Empty keeps the current value; anything else goes as typed and the API says what is wrong with it.
      if (text !== '') (body as Record<string, number>)[t.key] = Number(text);
    }
    try {
      fill(await ok(api.PUT('/api/v1/settings', { body })));
      setSaved(true);
      void reloadCatalogue();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  if (!values) return loadProblem ? <ProblemBanner problem={loadProblem} /> : <Loading what="thresholds" />;
  const p = asProblem(problem);
  return (
    <form class="stack" id="thresholds-form" onSubmit={save} noValidate>
      <p class="field-hint">How goals' statuses and alerts are decided for the whole organization.</p>
      <ProblemBanner problem={problem} fields={THRESHOLDS.map((t) => t.key)} />
      {saved && (
        <p class="success" role="status" id="thresholds-saved">
          The thresholds are saved; statuses follow them from the next change.
        </p>
      )}
      <div class="form-grid">
        {THRESHOLDS.map((t) => (
          <Field key={t.key} name={t.key} label={t.label} hint={t.hint} problem={p}>
            {(a) => (
              <input
                {...a}
                type="number"
                step={t.step}
                inputMode={t.integer ? 'numeric' : 'decimal'}
                value={values[t.key] ?? ''}
                onInput={(e) => {
                  const v = e.currentTarget.value;
                  setValues((now) => (now ? { ...now, [t.key]: v } : now));
                }}
              />
            )}
          </Field>
        ))}
      </div>
      <div class="form-actions">
        <ActionButton type="submit" class="primary" id="thresholds-submit" busy={busy}>
          Save the thresholds
        </ActionButton>
      </div>
    </form>
  );
}
