import type { FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import type { FormState } from '../../form-state.js';
import { errorPrefix, fieldErrorText } from '../field/messages.js';

export interface Choice {
  readonly value: string;
  readonly label: string;
  readonly hint?: string;
}

/**
 * A group of radios (one answer) or checkboxes (any number) in a fieldset whose legend is the
 * question (GOV.UK radios / checkboxes). Checkbox answers come back as `on` under their own name when
 * `name` is omitted per choice, or as `value` under the group's name.
 */
export const Choices: FC<{
  readonly type: 'radio' | 'checkbox';
  readonly name: string;
  readonly legend: string;
  readonly hint?: string;
  readonly choices: readonly Choice[];
  /** Checked by default when nothing was kept. */
  readonly value?: string | readonly string[];
  readonly state?: FormState | undefined;
  readonly locale: Locale;
  readonly inline?: boolean;
}> = (p) => {
  const code = p.state?.errors[p.name];
  const kept = p.state?.values[p.name];
  const checked = new Set(
    kept !== undefined ? [kept] : typeof p.value === 'string' ? [p.value] : (p.value ?? []),
  );
  const first = `${p.name}-${p.choices[0]?.value ?? ''}`;
  const hintId = p.hint === undefined ? undefined : `${p.name}-hint`;
  const errorId = code === undefined ? undefined : `${p.name}-error`;
  return (
    <fieldset
      class={`choices${p.inline === true ? ' choices--inline' : ''}${code === undefined ? '' : ' choices--error'}`}
      data-field={p.name}
      aria-describedby={[hintId, errorId].filter((x) => x !== undefined).join(' ') || undefined}
    >
      <legend class="choices__legend">{p.legend}</legend>
      {p.hint === undefined ? null : (
        <span class="field__hint" id={hintId}>
          {p.hint}
        </span>
      )}
      {code === undefined ? null : (
        <span class="field__error" id={errorId} data-error={code}>
          <span class="visually-hidden">{errorPrefix(p.locale)}</span>
          {fieldErrorText(p.locale, code, { label: p.legend })}
        </span>
      )}
      <div class="choices__items">
        {p.choices.map((c, i) => {
          const id = i === 0 ? first : `${p.name}-${c.value}`;
          return (
            <label class="choice" for={id}>
              <input type={p.type} id={id} name={p.name} value={c.value} checked={checked.has(c.value)} />
              <span>
                {c.label}
                {c.hint === undefined ? null : <span class="choice__hint">{c.hint}</span>}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
};

/** The id the error summary links to for a choice group: its first option (GOV.UK). */
export const choicesTarget = (name: string, firstValue: string): string => `${name}-${firstValue}`;
