// A group of checkboxes (departments, metrics, owners, scopes) with a legend, a hint and the API's
// messages for the group's field, wired by aria-describedby. Shared by every form that picks several.

import type { ComponentChildren } from 'preact';
import type { Problem } from '../api/client';

/** A fieldset of checkboxes (departments, metrics, scopes) with the problem's messages for its field. */
export function CheckGroup(props: {
  name: string;
  legend: string;
  hint?: string;
  /** The fieldset's id, when two forms on one page have a group of the same name. */
  id?: string;
  problem: Problem | null;
  options: ReadonlyArray<{ value: string; label: string; disabled?: boolean }>;
  selected: readonly string[];
  onChange(selected: string[]): void;
  empty?: ComponentChildren;
}) {
  const id = props.id ?? `group-${props.name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const messages = props.problem ? props.problem.forField(props.name) : [];
  const described = [props.hint ? `${id}-hint` : null, messages.length ? `${id}-error` : null].filter(Boolean).join(' ');
  const toggle = (value: string, on: boolean) => {
    const next = new Set(props.selected);
    if (on) next.add(value);
    else next.delete(value);
    // The options' order, whatever order they were ticked in: the request (and its field names) stays stable.
    props.onChange(props.options.map((o) => o.value).filter((v) => next.has(v)));
  };
  return (
    <fieldset
      class="check-group checkbox-group"
      id={id}
      data-field={props.name}
      data-invalid={messages.length > 0 ? 'true' : undefined}
      aria-describedby={described || undefined}
    >
      <legend>{props.legend}</legend>
      {props.hint && (
        <p id={`${id}-hint`} class="field-hint">
          {props.hint}
        </p>
      )}
      {props.options.length === 0 && props.empty}
      <div class="check-options">
        {props.options.map((o) => (
          <label key={o.value} class="check-option check">
            <input
              type="checkbox"
              name={props.name}
              value={o.value}
              checked={props.selected.includes(o.value)}
              disabled={o.disabled}
              onChange={(e) => toggle(o.value, (e.currentTarget as HTMLInputElement).checked)}
            />
            {o.label}
          </label>
        ))}
      </div>
      {messages.length > 0 && (
        <p id={`${id}-error`} class="field-error" data-error-for={props.name}>
          {messages.join(' ')}
        </p>
      )}
    </fieldset>
  );
}
