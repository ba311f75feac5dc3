import type { Child, FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import type { FieldErrorCode, FormState } from '../../form-state.js';
import { errorPrefix, fieldErrorText } from './messages.js';

/** `pin`: a secret of digits (screen-lock PIN): masked, numeric keypad, never echoed back. */
export type FieldKind =
  'text' | 'number' | 'decimal' | 'date' | 'tel' | 'password' | 'pin' | 'textarea' | 'select' | 'file';

export interface Option {
  readonly value: string;
  readonly label: string;
}

export interface FieldProps {
  readonly name: string;
  /** The element id (the error summary links to it); defaults to the name. */
  readonly id?: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly kind?: FieldKind;
  readonly options?: readonly Option[];
  /** The value to show when nothing was kept for this form (e.g. the report being updated). */
  readonly value?: string;
  /** The form as the person left it: its value wins over `value`, its error is shown here. */
  readonly state?: FormState | undefined;
  readonly locale: Locale;
  readonly width?: 'short' | 'medium' | 'full';
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly autocomplete?: string;
  /** `file` only: the types offered (`accept`), and the camera to open directly (`capture`). */
  readonly accept?: string;
  readonly capture?: 'environment' | 'user';
  /**
   * A problem of the whole form that belongs to this field, in the page's words (a wrong PIN: nothing
   * in the field's shape is wrong, the secret does not match). Shown at the field like an error code's
   * sentence; the form's error summary lists the same sentence (`Form` `problems`).
   */
  readonly problem?: string | undefined;
}

/** The error shown at a field: a code from the kept form state, worded with the field's own label. */
export const errorOf = (state: FormState | undefined, name: string): FieldErrorCode | undefined =>
  state?.errors[name];

/**
 * One question: label, hint, the error in words right above the input, and the input with what the
 * person typed kept (GOV.UK text input / select / textarea). Numbers use a text input with a numeric
 * keypad (`inputmode`), not `type=number`, so "abc" or "-5" stays visible to be corrected.
 */
export const Field: FC<FieldProps> = (p) => {
  const id = p.id ?? p.name;
  const kind = p.kind ?? 'text';
  const code = errorOf(p.state, p.name);
  const value = p.state?.values[p.name] ?? p.value ?? '';
  const numeric = kind === 'number' || kind === 'decimal' || kind === 'pin';
  const message =
    p.problem ??
    (code === undefined
      ? undefined
      : fieldErrorText(p.locale, code, {
          label: p.label,
          numeric,
          ...(p.hint === undefined ? {} : { hint: p.hint }),
        }));
  const hintId = p.hint === undefined ? undefined : `${id}-hint`;
  const errorId = message === undefined ? undefined : `${id}-error`;
  const describedBy = [hintId, errorId].filter((x) => x !== undefined).join(' ') || undefined;
  const secret = kind === 'password' || kind === 'pin';
  const widthClass = p.width === undefined || p.width === 'full' ? '' : ` input--${p.width}`;
  const common = {
    id,
    name: p.name,
    'aria-describedby': describedBy,
    'aria-invalid': message === undefined ? undefined : 'true',
    required: p.required === true ? true : undefined,
  };
  const control =
    kind === 'select' ? (
      <select class={`select${widthClass}`} {...common}>
        {(p.options ?? []).map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    ) : kind === 'file' ? (
      // A file is never kept or echoed back: after a refused post it is chosen again.
      <input class="input input--file" type="file" accept={p.accept} capture={p.capture} {...common} />
    ) : kind === 'textarea' ? (
      <textarea class="textarea" rows={3} maxlength={p.maxLength} {...common}>
        {value}
      </textarea>
    ) : (
      <input
        class={`input${widthClass}`}
        type={secret ? 'password' : kind === 'date' ? 'date' : kind === 'tel' ? 'tel' : 'text'}
        inputmode={
          kind === 'number' || kind === 'pin'
            ? 'numeric'
            : kind === 'decimal'
              ? 'decimal'
              : kind === 'tel'
                ? 'tel'
                : undefined
        }
        value={secret ? undefined : value}
        maxlength={p.maxLength}
        pattern={p.pattern}
        autocomplete={p.autocomplete ?? 'off'}
        spellcheck={numeric ? false : undefined}
        {...common}
      />
    );
  return (
    <div class={message === undefined ? 'field' : 'field field--error'} data-field={p.name}>
      <label class="field__label" for={id}>
        {p.label}
      </label>
      {p.hint === undefined ? null : (
        <span class="field__hint" id={hintId}>
          {p.hint}
        </span>
      )}
      {message === undefined ? null : (
        <span class="field__error" id={errorId} data-error={code ?? 'problem'}>
          <span class="visually-hidden">{errorPrefix(p.locale)}</span>
          {message}
        </span>
      )}
      {control}
    </div>
  );
};

/** Fields side by side that wrap (never overlap) on a narrow screen, e.g. BP systolic / diastolic. */
export const FieldRow: FC<{ readonly children?: Child }> = ({ children }) => (
  <div class="field-row">{children}</div>
);
