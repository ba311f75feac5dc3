import type { Child, FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import type { FormState } from '../../form-state.js';
import { Button, type ButtonVariant } from '../button/button.js';
import {
  ErrorSummary,
  errorItems,
  type ErrorItem,
  type LabelledField,
} from '../error-summary/error-summary.js';

/**
 * A form's fixed values (`<input type="hidden">`): the CSRF token, the form id, and what the form is
 * about (the patient's tap, the method of a lookup). Every form of the layer writes them here only.
 */
export const FixedValues: FC<{
  readonly csrf: string;
  readonly formId?: string | undefined;
  readonly values?: Readonly<Record<string, string>> | undefined;
}> = ({ csrf, formId, values }) => (
  <>
    <input type="hidden" name="_csrf" value={csrf} />
    {formId === undefined ? null : <input type="hidden" name="_form" value={formId} />}
    {Object.entries(values ?? {}).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
  </>
);

/**
 * A form that posts to the gateway: the CSRF token, its form id (`_form`: the key under which a refused
 * post keeps what was typed), and the error summary at the top when the kept state has errors. With
 * `draft`, the live script saves typing to the server as it goes (`/forms/draft`), so a reload or a
 * panel refresh loses nothing; the draft lives in server memory only, never in the URL or the browser.
 */
export const Form: FC<{
  readonly action: string;
  readonly csrf: string;
  readonly id: string;
  readonly locale: Locale;
  readonly state?: FormState | undefined;
  /** Labels of the fields, in order: the error summary words and orders its links with them. */
  readonly fields?: Readonly<Record<string, LabelledField>>;
  /**
   * Problems of the whole form, listed before the fields' own (a refused log-in: "the user ID, password
   * or code is not right"), each linking to the field to start again from.
   */
  readonly problems?: readonly ErrorItem[];
  /** Values the form carries without showing them (the patient's tap, a lookup's method). */
  readonly hidden?: Readonly<Record<string, string>>;
  readonly draft?: boolean;
  /** `multipart/form-data` for a form with a file field. */
  readonly enctype?: 'multipart/form-data';
  readonly children?: Child;
}> = ({
  action,
  csrf,
  id,
  locale,
  state,
  fields,
  problems = [],
  hidden,
  draft = false,
  enctype,
  children,
}) => (
  <form
    method="post"
    action={action}
    enctype={enctype}
    class="form"
    data-form={id}
    data-draft={draft ? '' : undefined}
    novalidate
    autocomplete="off"
  >
    <ErrorSummary items={[...problems, ...errorItems(state, fields ?? {}, locale)]} locale={locale} />
    <FixedValues csrf={csrf} formId={id} values={hidden} />
    {children}
  </form>
);

/**
 * One action and nothing to type: a form of fixed values and its one button (retry, show a patient,
 * "none of these", a milestone). The button is the form's only control, so a tap posts exactly the
 * values shown here; anything to type, or a dangerous action, is a `Form` or a `Confirm` instead.
 */
export const ActionForm: FC<{
  readonly action: string;
  readonly csrf: string;
  /** The form id (`_form`, `data-form`), when the route may keep a refused post under it. */
  readonly formId?: string;
  readonly hidden?: Readonly<Record<string, string>>;
  /** The button's `data-action` hook. */
  readonly name: string;
  readonly label: Child;
  readonly variant?: ButtonVariant;
  readonly big?: boolean;
  /** The button's own name and value, posted only when it is pressed (e.g. `basis=given`). */
  readonly submit?: { readonly name: string; readonly value: string };
  /** A line above the button saying what it does. */
  readonly hint?: string;
}> = (p) => (
  <form method="post" action={p.action} class="form" data-form={p.formId}>
    <FixedValues csrf={p.csrf} formId={p.formId} values={p.hidden} />
    {p.hint === undefined ? null : <p class="small">{p.hint}</p>}
    <Button variant={p.variant ?? 'primary'} big={p.big ?? false} action={p.name} {...(p.submit ?? {})}>
      {p.label}
    </Button>
  </form>
);

/** A titled group of fields inside a form (`<fieldset>` + `<legend>`), e.g. "バイタルサイン (S)". */
export const Group: FC<{ readonly legend: string; readonly id?: string; readonly children?: Child }> = ({
  legend,
  id,
  children,
}) => (
  <fieldset class="group" id={id}>
    <legend>{legend}</legend>
    {children}
  </fieldset>
);
