// Settings sections for the organization itself: its currency and time zone (numbers, money and
// times are shown in them everywhere), and its departments (add, rename, archive and restore).

import { useEffect, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { Department } from '../api/types';
import { useApp } from '../app/context';
import { useLiveReload } from '../app/live';
import { ActionButton, Empty, Field, Loading, ProblemBanner } from '../app/ui';

const asProblem = (e: Problem | Error | null) => (e instanceof Problem ? e : null);

/** The time zones and currencies this browser knows (the server checks the choice again). */
function supported(kind: 'timeZone' | 'currency'): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf(kind);
  } catch {
    return [];
  }
}

export function OrganizationSection() {
  const { api, reloadCatalogue, format } = useApp();
  const [currency, setCurrency] = useState<string | null>(null);
  const [timeZone, setTimeZone] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void ok(api.GET('/api/v1/settings'))
      .then((s) => {
        setCurrency(s.currency ?? 'USD');
        setTimeZone(s.timeZone ?? 'UTC');
      })
      .catch((err: Error) => setProblem(err));
  }, [api]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (currency === null || timeZone === null) return;
    setBusy(true);
    setProblem(null);
    setSaved(false);
    try {
      const s = await ok(api.PUT('/api/v1/settings', { body: { currency: currency.trim(), timeZone: timeZone.trim() } }));
      setCurrency(s.currency ?? 'USD');
      setTimeZone(s.timeZone ?? 'UTC');
      setSaved(true);
      await reloadCatalogue();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  if (currency === null || timeZone === null) return problem ? <ProblemBanner problem={problem} /> : <Loading what="the organization's settings" />;
  const p = asProblem(problem);
  return (
    <form class="stack" id="organization-form" onSubmit={save} noValidate>
      <p class="field-hint">
        Money is shown in the organization's currency and times in its time zone, for everyone. Now: {format.value(1234.5, 'currency')},{' '}
        {format.dateTime(new Date().toISOString())}.
      </p>
      <ProblemBanner problem={problem} fields={['currency', 'timeZone']} />
      {saved && (
        <p class="success" role="status" id="organization-saved">
          Saved: every page now shows money in {currency} and times in {timeZone}.
        </p>
      )}
      <div class="form-grid">
        <Field name="currency" label="Currency" hint="An ISO 4217 code, e.g. EUR, GBP, USD." problem={p}>
          {(a) => (
            <>
              <input {...a} list="currency-list" value={currency} maxLength={3} autoComplete="off" onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />
              <datalist id="currency-list">
                {supported('currency').map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field name="timeZone" label="Time zone" hint="An IANA time zone, e.g. Europe/Berlin, America/New_York, UTC." problem={p}>
          {(a) => (
            <>
              <input {...a} list="time-zone-list" value={timeZone} autoComplete="off" onInput={(e) => setTimeZone(e.currentTarget.value)} />
              <datalist id="time-zone-list">
                {['UTC', ...supported('timeZone')].map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      </div>
      <div class="form-actions">
        <ActionButton type="submit" class="primary" id="organization-submit" busy={busy}>
          Save currency and time zone
        </ActionButton>
      </div>
    </form>
  );
}

export function DepartmentsSection(props: { tick: number }) {
  const { api, reloadCatalogue } = useApp();
  const [active, setActive] = useState<Department[] | null>(null);
  const [archived, setArchived] = useState<Department[]>([]);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [addProblem, setAddProblem] = useState<Problem | Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);

  const load = async () => {
    try {
      const [now, old] = await Promise.all([ok(api.GET('/api/v1/departments')), ok(api.GET('/api/v1/departments', { params: { query: { archived: true } } }))]);
      setActive(now);
      setArchived(old);
      setProblem(null);
    } catch (err) {
      setProblem(err as Error);
    }
  };
  useLiveReload(props.tick, load, [api], 1000);

  const act = async (key: string, call: () => Promise<unknown>) => {
    setBusy(key);
    setProblem(null);
    try {
      await call();
      await Promise.all([load(), reloadCatalogue()]);
      return true;
    } catch (err) {
      setProblem(err as Error);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const add = async (e: Event) => {
    e.preventDefault();
    setAddProblem(null);
    setBusy('add');
    try {
      await ok(api.POST('/api/v1/departments', { body: { id: id.trim(), name: name.trim() } }));
      setId('');
      setName('');
      await Promise.all([load(), reloadCatalogue()]);
    } catch (err) {
      setAddProblem(err as Error);
    } finally {
      setBusy(null);
    }
  };

  if (!active) return problem ? <ProblemBanner problem={problem} /> : <Loading what="departments" />;
  const ap = asProblem(addProblem);
  return (
    <div class="stack">
      <ProblemBanner problem={problem} />
      {active.length === 0 ? (
        <Empty>No departments yet.</Empty>
      ) : (
        <table id="departments-table">
          <caption class="visually-hidden">Departments</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {active.map((d) => (
              <tr key={d.id} data-department={d.id}>
                <td>
                  <code>{d.id}</code>
                </td>
                <td>
                  {renaming?.id === d.id ? (
                    <form
                      class="inline-form"
                      onSubmit={async (e) => {
                        e.preventDefault();
                        if (await act(`rename-${d.id}`, () => ok(api.PUT('/api/v1/departments/{departmentId}', { params: { path: { departmentId: d.id } }, body: { name: renaming.name.trim() } }))))
                          setRenaming(null);
                      }}
                    >
                      <label class="visually-hidden" for={`rename-${d.id}`}>
                        New name of {d.name}
                      </label>
                      <input id={`rename-${d.id}`} value={renaming.name} onInput={(e) => setRenaming({ id: d.id, name: e.currentTarget.value })} />
                      <ActionButton type="submit" busy={busy === `rename-${d.id}`}>
                        Save
                      </ActionButton>
                      <button type="button" onClick={() => setRenaming(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    d.name
                  )}
                </td>
                <td class="row-actions">
                  {renaming?.id !== d.id && (
                    <button type="button" onClick={() => setRenaming({ id: d.id, name: d.name })} aria-label={`Rename ${d.name}`}>
                      Rename
                    </button>
                  )}
                  <ActionButton
                    type="button"
                    busy={busy === `archive-${d.id}`}
                    aria-label={`Archive ${d.name}`}
                    onClick={() => void act(`archive-${d.id}`, () => ok(api.POST('/api/v1/departments/{departmentId}/archive', { params: { path: { departmentId: d.id } } })))}
                  >
                    Archive
                  </ActionButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="stack" id="department-add-form" onSubmit={add} noValidate>
        <h4>Add a department</h4>
        <ProblemBanner problem={addProblem} fields={['id', 'name']} />
        <div class="form-grid">
          <Field name="id" id="department-id" label="Id" hint="Lower-case letters, digits and dashes; events and goals name it." problem={ap}>
            {(a) => <input {...a} value={id} autoComplete="off" spellcheck={false} onInput={(e) => setId(e.currentTarget.value)} />}
          </Field>
          <Field name="name" id="department-name" label="Name" problem={ap}>
            {(a) => <input {...a} value={name} autoComplete="off" onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
        </div>
        <div class="form-actions">
          <ActionButton type="submit" class="primary" id="department-add" busy={busy === 'add'}>
            Add the department
          </ActionButton>
        </div>
      </form>
      {archived.length > 0 && (
        <div class="stack">
          <h4>Archived departments</h4>
          <p class="field-hint">Archived departments leave the lists and pickers; their events are still counted, and restoring brings them back as they were.</p>
          <ul id="archived-departments">
            {archived.map((d) => (
              <li key={d.id} data-archived-department={d.id}>
                {d.name} (<code>{d.id}</code>){' '}
                <ActionButton
                  type="button"
                  busy={busy === `restore-${d.id}`}
                  aria-label={`Restore ${d.name}`}
                  onClick={() => void act(`restore-${d.id}`, () => ok(api.POST('/api/v1/departments/{departmentId}/restore', { params: { path: { departmentId: d.id } } })))}
                >
                  Restore
                </ActionButton>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
