// Small shared pieces of the app's pages: form fields that show the API's validation messages beside
// the field they concern, the problem banner, status badges, sparklines and page headers.

import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Problem } from '../api/client';
import { STATUS_LABELS } from '../format';

/**
 * A labelled control with its validation messages. The control is a render function so it gets the
 * ids to wire: `<Field name="target" label="Target" problem={p}>{(a) => <input {...a} />}</Field>`.
 */
export function Field(props: {
  name: string;
  label: string;
  hint?: string;
  problem: Problem | null;
  /** Problem fields that also belong here (e.g. "scope" for a campaign picker). */
  also?: readonly string[];
  /** The control's id, when two forms on one page have a field of the same name. */
  id?: string;
  children: (attrs: { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ComponentChildren;
}) {
  const id = props.id ?? `field-${props.name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const messages = props.problem ? [props.name, ...(props.also ?? [])].flatMap((n) => props.problem!.forField(n)) : [];
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [props.hint ? hintId : null, messages.length ? errorId : null].filter(Boolean).join(' ');
  return (
    <div class="field" data-field={props.name} data-invalid={messages.length > 0 ? 'true' : undefined}>
      <label for={id}>{props.label}</label>
      {props.children({ id, name: props.name, 'aria-invalid': messages.length > 0, ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {props.hint && <p id={hintId} class="field-hint">{props.hint}</p>}
      {messages.length > 0 && (
        <p id={errorId} class="field-error" data-error-for={props.name}>
          {messages.join(' ')}
        </p>
      )}
    </div>
  );
}

/** The problem a change met: its title and detail, and field messages no field of the form shows. */
export function ProblemBanner(props: { problem: Problem | Error | null; fields?: readonly string[] }) {
  const p = props.problem;
  if (!p) return null;
  const extra = p instanceof Problem ? p.unclaimed(props.fields ?? []) : [];
  return (
    <div class="problem" role="alert">
      <p>{p.message}</p>
      {extra.length > 0 && (
        <ul>
          {extra.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function StatusBadge(props: { status: string | null | undefined }) {
  const status = props.status ?? 'noData';
  const label = STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status;
  return (
    <span class="status-badge" data-status={status}>
      {label}
    </span>
  );
}

/** A page's heading, focused when the page opens so keyboard and screen-reader users start there. */
export function PageHeader(props: { title: string; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
    document.title = `${props.title} · Orleans.Align`;
  }, [props.title]);
  return (
    <header class="page-header">
      <h2 ref={ref} tabIndex={-1}>
        {props.title}
      </h2>
      {props.children && <div class="page-actions">{props.children}</div>}
    </header>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <p class="loading" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

/**
 * A tiny time-series line (uPlot), drawn from [time in seconds, value] points; no axes, for cards
 * and tables. `label` is its accessible name (the chart itself is an image to assistive technology).
 */
export function Sparkline(props: { points: ReadonlyArray<readonly [number, number | null]>; label: string; width?: number; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el || props.points.length < 2) return;
    const xs = props.points.map((p) => p[0]);
    const ys = props.points.map((p) => p[1]);
    const plot = new uPlot(
      {
        width: props.width ?? 120,
        height: props.height ?? 32,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        axes: [{ show: false }, { show: false }],
        scales: { x: { time: true } },
        // A canvas does not resolve currentColor: the line takes the element's computed colour.
        series: [{}, { stroke: getComputedStyle(el).color || '#4aa3ff', width: 1.5, points: { show: false } }],
        padding: [2, 2, 2, 2],
      },
      [xs, ys] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [props.points, props.width, props.height]);
  return <div ref={host} class="sparkline" role="img" aria-label={props.label} />;
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty-note">{props.children}</p>;
}

/** A button that says it is working while its action runs, and cannot be pressed twice meanwhile. */
export function ActionButton(props: ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean; children: ComponentChildren }) {
  const { busy, children, ...rest } = props;
  return (
    <button {...rest} disabled={busy || Boolean(rest.disabled)} aria-busy={busy}>
      {children}
    </button>
  );
}

/** A secret shown once (a new key, a board link, an invitation link), with a button that copies it. */
export function Secret(props: { id: string; label: string; value: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied('Copied.');
    } catch {
      const input = document.getElementById(props.id) as HTMLInputElement | null;
      input?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <div class="secret">
        <input id={props.id} readOnly value={props.value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy} data-copy-for={props.id}>
          Copy
        </button>
        <span role="status">{copied}</span>
      </div>
    </div>
  );
}
