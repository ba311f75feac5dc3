import type { FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import type { FormState } from '../../form-state.js';
import { fieldErrorText, type FieldLabel } from '../field/messages.js';
import { wordsOf } from '../text.js';
import { text } from './text.js';

export interface ErrorItem {
  /** `#id` of the input to fix (the first input of a group). */
  readonly href: string;
  readonly text: string;
}

/**
 * "There is a problem" at the top of the form: one link per field in error, worded exactly as at the
 * field (GOV.UK error summary). The live script focuses it when it appears.
 */
export const ErrorSummary: FC<{ readonly items: readonly ErrorItem[]; readonly locale: Locale }> = ({
  items,
  locale,
}) =>
  items.length === 0 ? null : (
    <div
      class="error-summary"
      id="error-summary"
      data-error-summary
      tabindex={-1}
      aria-labelledby="error-summary-title"
    >
      <h2 class="error-summary__title" id="error-summary-title">
        {wordsOf(text, locale).title}
      </h2>
      <div role="alert">
        <ul>
          {items.map((i) => (
            <li>
              <a href={i.href}>{i.text}</a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );

/** A field's label and where its error links to (its id, or a group's first option). */
export interface LabelledField extends FieldLabel {
  readonly target?: string;
}

/**
 * The summary's items from a kept form state, in the form's field order. A field the form does not
 * label still appears ("this field"), never as its raw name.
 */
export const errorItems = (
  state: FormState | undefined,
  fields: Readonly<Record<string, LabelledField>>,
  locale: Locale,
): ErrorItem[] => {
  if (state === undefined) return [];
  const order = Object.keys(fields);
  const failed = Object.keys(state.errors).sort(
    (a, b) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999),
  );
  return failed.flatMap((name) => {
    const code = state.errors[name];
    if (code === undefined) return [];
    const field = fields[name];
    return [{ href: `#${field?.target ?? name}`, text: fieldErrorText(locale, code, field) }];
  });
};
