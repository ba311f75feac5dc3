import * as v from 'valibot';
import { err, ok, type Result } from '../../core/index.js';
import type { FieldErrorCode } from '../../gateway/index.js';
import { checkQuery, normaliseName, type LookupQuery } from '../../records/index.js';
import { TapId } from './report-form.js';

/**
 * The tablet's card-less lookup form (issue 13): what the crew typed, checked field by field. Every
 * field is a bounded string, so any post that fits is taken and the crew gets its input back with an
 * inline error at the field that is wrong; nothing is sent upstream until the whole form holds.
 */
const field = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)), '');

export const LookupForm = v.object({
  _csrf: v.string(),
  tap: TapId,
  method: v.picklist(['four-items', 'insurer-number']),
  nameKana: field(64),
  nameKanji: field(64),
  birthDate: field(16),
  sex: v.optional(v.picklist(['', 'male', 'female']), ''),
  address: field(200),
  postcode: field(10),
  insurerNumber: field(10),
  symbol: field(32),
  number: field(20),
  branch: field(4),
});
export type LookupForm = v.InferOutput<typeof LookupForm>;

/** The form's values as the crew typed them: kept with the session and shown again after an error. */
export type LookupDraft = Omit<LookupForm, '_csrf' | 'tap'>;

/** Fields that can be wrong; a missing name sits at the kana field (kana or kanji, either will do). */
export const LOOKUP_FIELDS = [
  'nameKana',
  'birthDate',
  'postcode',
  'insurerNumber',
  'number',
  'branch',
] as const;
export type LookupField = (typeof LOOKUP_FIELDS)[number];

/**
 * Why a field was refused, in the screens' vocabulary: `required` (missing where the lookup needs it),
 * `format` (not a date, not 7 digits), `out-of-range` (a birth date in the future or before 1880).
 */
export type FieldErrors = Partial<Readonly<Record<LookupField, FieldErrorCode>>>;

export const draftOf = (form: LookupForm): LookupDraft => ({
  method: form.method,
  nameKana: form.nameKana,
  nameKanji: form.nameKanji,
  birthDate: form.birthDate,
  sex: form.sex,
  address: form.address,
  postcode: form.postcode,
  insurerNumber: form.insurerNumber,
  symbol: form.symbol,
  number: form.number,
  branch: form.branch,
});

export const EMPTY_DRAFT: LookupDraft = {
  method: 'four-items',
  nameKana: '',
  nameKanji: '',
  birthDate: '',
  sex: '',
  address: '',
  postcode: '',
  insurerNumber: '',
  symbol: '',
  number: '',
  branch: '',
};

const digits = (s: string): string => s.normalize('NFKC').replace(/[-\s]/g, '');

/** 1950-04-01, 1950/4/1 or 19500401 (full-width digits too) → 1950-04-01; anything else stays as typed. */
const isoDate = (typed: string): string => {
  const s = typed.normalize('NFKC').trim();
  const m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/.exec(s);
  return m === null ? s : `${m[1]}-${(m[2] ?? '').padStart(2, '0')}-${(m[3] ?? '').padStart(2, '0')}`;
};

/** `format` for what is no date (1950-02-30 too), `out-of-range` for a date no patient was born on. */
const birthDateProblem = (iso: string, today: number): FieldErrorCode | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return 'format';
  const d = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(d) || new Date(d).toISOString().slice(0, 10) !== iso) return 'format';
  return d > today || iso < '1880-01-01' ? 'out-of-range' : undefined;
};

const present = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());

/**
 * The query the draft asks, or every field that stops it (all at once, so the crew fixes them in one
 * go). Four items: a name (kana or kanji) and a possible birth date at least; sex, address and
 * postcode add to the match. Insurer number: 保険者番号 (6 or 8 digits), 番号 and 枝番 (2 digits).
 */
export const lookupQueryOf = (d: LookupDraft, today: number): Result<LookupQuery, FieldErrors> => {
  const errors: Partial<Record<LookupField, FieldErrorCode>> = {};
  let query: LookupQuery;
  if (d.method === 'four-items') {
    if (normaliseName(d.nameKana) === '' && normaliseName(d.nameKanji) === '') errors.nameKana = 'required';
    const birthDate = isoDate(d.birthDate);
    const dateProblem = birthDate === '' ? 'required' : birthDateProblem(birthDate, today);
    if (dateProblem !== undefined) errors.birthDate = dateProblem;
    const postcode = present(d.postcode);
    if (postcode !== undefined && !/^\d{7}$/.test(digits(postcode))) errors.postcode = 'format';
    const kana = present(d.nameKana);
    const kanji = present(d.nameKanji);
    const address = present(d.address);
    query = {
      kind: 'four-items',
      birthDate,
      ...(kana === undefined ? {} : { nameKana: kana }),
      ...(kanji === undefined ? {} : { nameKanji: kanji }),
      ...(d.sex === '' ? {} : { sex: d.sex }),
      ...(address === undefined ? {} : { address }),
      ...(postcode === undefined ? {} : { postcode: digits(postcode) }),
    };
  } else {
    const insurer = digits(d.insurerNumber);
    if (insurer === '') errors.insurerNumber = 'required';
    else if (!/^(\d{6}|\d{8})$/.test(insurer)) errors.insurerNumber = 'format';
    const number = digits(d.number);
    if (number === '') errors.number = 'required';
    else if (!/^[0-9A-Za-z]{1,20}$/.test(number)) errors.number = 'format';
    const branch = digits(d.branch);
    if (branch === '') errors.branch = 'required';
    else if (!/^\d{2}$/.test(branch)) errors.branch = 'format';
    const symbol = present(d.symbol);
    query = {
      kind: 'insurer-number',
      insurerNumber: insurer,
      number,
      branch,
      ...(symbol === undefined ? {} : { symbol }),
    };
  }
  if (Object.keys(errors).length > 0) return err(errors);
  // The records module's own check, the one the service applies too: nothing it refuses is sent.
  return checkQuery(query).ok ? ok(query) : err({ nameKana: 'required' });
};
