import type * as v from 'valibot';
import { check as vCheck } from 'valibot';
import type { Clock } from '../../core/index.js';

/**
 * What can be wrong with one field, as a bounded vocabulary (never the value itself): the screen words
 * each code in the page's language next to the field and in the error summary (GOV.UK "Recover from
 * validation errors" pattern: summary at the top, message at the field, the answer kept).
 */
export const FIELD_ERRORS = [
  'required',
  'format',
  'too-long',
  'out-of-range',
  'choice',
  /** A group given in part (GCS E only, one pupil only): complete it or leave it all empty. */
  'incomplete',
  /** Not possible before another step (arrival before departure). */
  'order',
] as const;
export type FieldErrorCode = (typeof FIELD_ERRORS)[number];

/** A form as the person left it: every value they typed, and what is wrong with which field. */
export interface FormState {
  readonly values: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, FieldErrorCode>>;
}

export const NO_FORM_STATE: FormState = { values: {}, errors: {} };

/** Fields a form may keep, and how long each: bounds what a client can make us hold in memory. */
const MAX_FIELDS = 64;
const MAX_VALUE = 4_000;
/** Hidden plumbing of every form: never kept, never shown back. */
const PLUMBING = new Set(['_csrf', '_form']);

/** The string values of a posted form (files and plumbing dropped, sizes bounded). */
export const submittedValues = (body: Readonly<Record<string, unknown>>): Record<string, string> => {
  const values: Record<string, string> = {};
  let n = 0;
  for (const [key, value] of Object.entries(body)) {
    if (PLUMBING.has(key) || typeof value !== 'string' || key.length > 64) continue;
    if (++n > MAX_FIELDS) break;
    values[key] = value.slice(0, MAX_VALUE);
  }
  return values;
};

/** The declared keys of an object schema, or of every option of a variant (ConsentForm, IdentifyForm). */
export const declaredKeys = (schema: v.GenericSchema): ReadonlySet<string> => {
  const keys = new Set<string>();
  const visit = (s: unknown): void => {
    if (typeof s !== 'object' || s === null) return;
    if ('entries' in s) for (const k of Object.keys(s.entries as object)) keys.add(k);
    if ('options' in s && Array.isArray(s.options)) for (const o of s.options) visit(o);
  };
  visit(schema);
  return keys;
};

/** The message our range checks carry, so the hook can tell "out of range" from "not a number". */
const OUT_OF_RANGE = 'out-of-range';

/**
 * A text field holding a number, checked against its range in the schema itself, so a value out of
 * range is named in the same refusal as every other field (`"400"` for a blood pressure).
 */
export const numberInRange = (min: number, max: number): v.CheckAction<string, typeof OUT_OF_RANGE> =>
  vCheck((s: string) => s === '' || (Number(s) >= min && Number(s) <= max), OUT_OF_RANGE);

const codeOf = (issue: v.BaseIssue<unknown>): FieldErrorCode => {
  if (issue.input === undefined || issue.input === '') return 'required';
  if (issue.type === 'check' && issue.message === OUT_OF_RANGE) return 'out-of-range';
  switch (issue.type) {
    case 'max_length':
      return 'too-long';
    case 'min_value':
    case 'max_value':
    case 'min_length':
      return 'out-of-range';
    case 'picklist':
    case 'literal':
    case 'variant':
    case 'union':
      return 'choice';
    default:
      return 'format';
  }
};

/**
 * Each failed declared field with the first thing wrong with it. Issue messages and `input` are dropped:
 * valibot quotes the received value there, and that may be patient data.
 */
export const fieldErrorsOf = (
  schema: v.GenericSchema,
  issues: readonly v.BaseIssue<unknown>[],
): Record<string, FieldErrorCode> => {
  const known = declaredKeys(schema);
  const errors: Record<string, FieldErrorCode> = {};
  for (const issue of issues) {
    const key = issue.path?.[0]?.key;
    if (typeof key === 'string' && known.has(key) && errors[key] === undefined) errors[key] = codeOf(issue);
  }
  return errors;
};

interface Kept extends FormState {
  readonly at: number;
}

export interface FormStoreOptions {
  readonly clock: Clock;
  /** A kept form is forgotten after this long untouched. */
  readonly ttlMs: number;
  /** Forms kept at most (oldest dropped first). */
  readonly maxForms: number;
}

/**
 * Forms as the person left them, in this process's memory only (never in a URL, a cookie, storage or
 * a log), keyed by the browser (`scope`: the enrolled device) and the form's id. A refused post keeps
 * its values and errors here and the screen shows them; the tablet also keeps unsent typing here as a
 * draft (issue 15: a reload loses nothing). Whoever ends the data's life (handover, discard, log-off)
 * forgets its forms.
 */
export class FormStore {
  readonly #kept = new Map<string, Kept>();
  constructor(private readonly o: FormStoreOptions) {
    if (!(o.ttlMs > 0) || !(o.maxForms > 0)) throw new Error('FormStore needs a positive ttlMs and maxForms');
  }

  static key(scope: string, formId: string): string {
    return `${scope}\u0000${formId}`;
  }

  keep(scope: string, formId: string, state: FormState): void {
    const key = FormStore.key(scope, formId);
    this.#kept.delete(key);
    this.#kept.set(key, { ...state, at: this.o.clock.now() });
    while (this.#kept.size > this.o.maxForms) {
      const oldest = this.#kept.keys().next().value;
      if (oldest === undefined) break;
      this.#kept.delete(oldest);
    }
  }

  get(scope: string, formId: string): FormState | undefined {
    const key = FormStore.key(scope, formId);
    const kept = this.#kept.get(key);
    if (kept === undefined) return undefined;
    if (this.o.clock.now() - kept.at > this.o.ttlMs) {
      this.#kept.delete(key);
      return undefined;
    }
    return { values: kept.values, errors: kept.errors };
  }

  /** The form was sent (or abandoned): nothing of it is kept. */
  clear(scope: string, formId: string): void {
    this.#kept.delete(FormStore.key(scope, formId));
  }

  /** Forgets every browser's copy of the forms whose id matches (e.g. all forms of a handed-over patient). */
  forget(matches: (formId: string) => boolean): number {
    let n = 0;
    for (const key of [...this.#kept.keys()])
      if (matches(key.slice(key.indexOf('\u0000') + 1))) {
        this.#kept.delete(key);
        n++;
      }
    return n;
  }

  get size(): number {
    return this.#kept.size;
  }
}
