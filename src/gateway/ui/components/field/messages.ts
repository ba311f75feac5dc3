import type { Locale } from '../../../i18n/index.js';
import type { FieldErrorCode } from '../../form-state.js';
import { fill, wordsOf } from '../text.js';
import { text } from './text.js';

/** How a field reads back its error: its label, whether it takes a number, and its range or format hint. */
export interface FieldLabel {
  readonly label: string;
  readonly numeric?: boolean;
  /** e.g. "0–300" or "4桁": added to range and format errors so the message says how to fix it. */
  readonly hint?: string;
}

/** The sentence for one field's error, the same at the field and in the error summary. */
export const fieldErrorText = (
  locale: Locale,
  code: FieldErrorCode,
  field: FieldLabel | undefined,
): string => {
  const w = wordsOf(text, locale);
  const label = field?.label ?? w['this-field'];
  const base = fill(code === 'format' && field?.numeric === true ? w['format-number'] : w[code], { label });
  const hinted = code === 'format' || code === 'out-of-range' || code === 'too-long';
  return hinted && field?.hint !== undefined ? base + fill(w.range, { hint: field.hint }) : base;
};

export const errorPrefix = (locale: Locale): string => wordsOf(text, locale)['error-prefix'];
