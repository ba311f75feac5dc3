import type { Child, FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import type { FormState } from '../../form-state.js';
import { ErrorSummary, errorItems, type LabelledField } from '../error-summary/error-summary.js';

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
  readonly draft?: boolean;
  /** `multipart/form-data` for a form with a file field. */
  readonly enctype?: 'multipart/form-data';
  readonly children?: Child;
}> = ({ action, csrf, id, locale, state, fields, draft = false, enctype, children }) => (
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
    <ErrorSummary items={errorItems(state, fields ?? {}, locale)} locale={locale} />
    <input type="hidden" name="_csrf" value={csrf} />
    <input type="hidden" name="_form" value={id} />
    {children}
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
