// Feed entries as the home and feed pages show them: what happened, who said it to whom, about which
// goal, and for alerts where they are in their lifecycle, with "Acknowledge" for those who may.

import { useId, useState } from 'preact/hooks';
import { ok, Problem } from '../api/client';
import type { FeedEntry, GoalView } from '../api/types';
import { useApp, type AppState } from '../app/context';
import { href } from '../app/router';
import { ActionButton, ProblemBanner } from '../app/ui';
import { reasonLabel } from '../format';

export const KIND_LABELS: Readonly<Record<string, string>> = {
  announcement: 'Announcement',
  checkIn: 'Check-in',
  statusChange: 'Status change',
  alert: 'Alert',
};

export function kindLabel(entry: FeedEntry): string {
  if (entry.kind === 'announcement' && entry.salesFeedback) return 'Sales feedback';
  if (entry.kind === 'alert') return `Alert: ${reasonLabel(entry.reason)}`;
  return KIND_LABELS[entry.kind] ?? entry.kind;
}

/** The departments this person may acknowledge an alert as, the likeliest first (those it is addressed to, then the goal's owners). */
export function acknowledgeAs(app: AppState, entry: FeedEntry, goal: GoalView | undefined): string[] {
  const mine = (app.me.departments ?? []).filter((d) => app.actsFor(d));
  const rank = (d: string) => ((entry.to ?? []).includes(d) ? 0 : entry.department === d ? 1 : goal?.owners.includes(d) ? 2 : 3);
  return [...mine].sort((a, b) => rank(a) - rank(b));
}

/** Whether this person may acknowledge alerts at all: admins (as themselves or a department), leads and members as their departments. */
export function mayAcknowledge(app: AppState): boolean {
  return app.role === 'admin' || ((app.role === 'lead' || app.role === 'member') && (app.me.departments ?? []).length > 0);
}

function AlertState(props: { entry: FeedEntry }) {
  const { format, departmentName } = useApp();
  const e = props.entry;
  const state = e.state ?? 'open';
  if (state === 'resolved')
    return (
      <p class="alert-state" data-alert-state="resolved">
        Resolved {format.dateTime(e.resolvedAt)}
        {e.acknowledgedBy ? ` (acknowledged by ${departmentName(e.acknowledgedBy)} ${format.dateTime(e.acknowledgedAt)})` : ''}
      </p>
    );
  if (state === 'acknowledged')
    return (
      <p class="alert-state" data-alert-state="acknowledged">
        Acknowledged by <strong data-acknowledged-by={e.acknowledgedBy ?? ''}>{departmentName(e.acknowledgedBy)}</strong> {format.dateTime(e.acknowledgedAt)}
      </p>
    );
  return (
    <p class="alert-state" data-alert-state="open">
      Open{e.since ? ` since ${format.dateTime(e.since)}` : ''}
    </p>
  );
}

function Acknowledge(props: { entry: FeedEntry; goal: GoalView | undefined; onDone: (entry: FeedEntry) => void }) {
  const app = useApp();
  const choices = acknowledgeAs(app, props.entry, props.goal);
  const [as, setAs] = useState<string>(choices[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const selectId = `ack-as-${props.entry.id}-${useId()}`;

  async function acknowledge() {
    setBusy(true);
    setProblem(null);
    try {
      const entry = await ok(
        app.api.POST('/api/v1/feed/{entryId}/acknowledge', {
          params: { path: { entryId: String(props.entry.id) } },
          body: as ? { department: as } : {},
        }),
      );
      props.onDone(entry as FeedEntry);
    } catch (err) {
      setProblem(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="acknowledge">
      {choices.length > 1 && (
        <span class="ack-as">
          <label for={selectId}>Acknowledge as</label>
          <select id={selectId} value={as} onChange={(e) => setAs((e.currentTarget as HTMLSelectElement).value)}>
            {choices.map((d) => (
              <option key={d} value={d}>
                {app.departmentName(d)}
              </option>
            ))}
          </select>
        </span>
      )}
      <ActionButton type="button" busy={busy} onClick={() => void acknowledge()} data-action="acknowledge">
        {choices.length === 1 ? `Acknowledge as ${app.departmentName(choices[0])}` : 'Acknowledge'}
      </ActionButton>
      <ProblemBanner problem={problem} />
    </div>
  );
}

/** One entry of the feed. `onChanged` gets the acknowledged entry so the page can show it at once. */
export function FeedItem(props: { entry: FeedEntry; goals: ReadonlyMap<string, GoalView>; onChanged?: (entry: FeedEntry) => void }) {
  const app = useApp();
  const { format, departmentName, campaignName } = app;
  const e = props.entry;
  const goal = e.goalId ? props.goals.get(e.goalId) : undefined;
  const to = e.to ?? [];
  return (
    <li class="cf-entry" data-entry-id={e.id} data-kind={e.kind} data-state={e.kind === 'alert' ? e.state ?? 'open' : undefined} data-sales-feedback={e.salesFeedback ? 'true' : undefined}>
      <div class="cf-entry-head">
        <span class="cf-kind" data-kind={e.kind}>
          {kindLabel(e)}
        </span>
        <time dateTime={e.at}>{format.dateTime(e.at)}</time>
      </div>
      <p class="cf-text">{e.text}</p>
      <p class="cf-meta">
        {e.department && (
          <span>
            From <strong>{departmentName(e.department)}</strong>
            {to.length > 0 && <> to {to.map((d) => departmentName(d)).join(', ')}</>}
          </span>
        )}
        {!e.department && to.length > 0 && <span>To {to.map((d) => departmentName(d)).join(', ')}</span>}
        {e.goalId && (
          <span>
            About <a href={href(['goals', e.goalId])}>{goal?.title ?? e.goalId}</a>
          </span>
        )}
        {(e.campaigns ?? []).length > 0 && <span>Campaign {(e.campaigns ?? []).map((c) => campaignName(c)).join(', ')}</span>}
        {e.confidence !== null && e.confidence !== undefined && <span>Confidence {e.confidence}/10</span>}
      </p>
      {e.kind === 'alert' && <AlertState entry={e} />}
      {e.kind === 'alert' && (e.state ?? 'open') === 'open' && mayAcknowledge(app) && (
        <Acknowledge entry={e} goal={goal} onDone={(entry) => props.onChanged?.(entry)} />
      )}
    </li>
  );
}

/**
 * A form's refusal: when every message of a validation problem is shown beside its field, says so in
 * words rather than repeating the API's summary; otherwise the problem banner (title, detail, the rest).
 */
export function FormProblem(props: { problem: Problem | Error | null; fields: readonly string[] }) {
  const p = props.problem;
  if (p instanceof Problem && Object.keys(p.fields).length > 0 && p.unclaimed(props.fields).length === 0)
    return (
      <div class="problem" role="alert">
        <p>Nothing was changed: see the messages beside the fields above.</p>
      </div>
    );
  return <ProblemBanner problem={p} fields={props.fields} />;
}
